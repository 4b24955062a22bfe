import { execFileSync } from 'node:child_process';

/** Real clients that read our outputs back, as a user's tools would. */
export const pdfText = (path: string, layout = false) =>
  execFileSync('pdftotext', [...(layout ? ['-layout'] : []), '-enc', 'UTF-8', path, '-'], { encoding: 'utf8' });

export function pdfInfo(path: string): Record<string, string> {
  const out = execFileSync('pdfinfo', ['-enc', 'UTF-8', path], { encoding: 'utf8' });
  return Object.fromEntries(out.split('\n').filter(Boolean).map((line) => {
    const at = line.indexOf(':');
    return [line.slice(0, at).trim(), line.slice(at + 1).trim()];
  }));
}

/** Every font row of pdffonts, with whether it is embedded. */
export function pdfFonts(path: string): { name: string; embedded: boolean }[] {
  const rows = execFileSync('pdffonts', [path], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
  return rows.map((row) => {
    const cells = row.trim().split(/\s+/);
    // name type [encoding words…] emb sub uni object ID: "emb" is the 5th column from the end.
    return { name: cells[0]!, embedded: cells.at(-5) === 'yes' };
  });
}

export const qpdfCheck = (path: string) => execFileSync('qpdf', ['--check', path], { encoding: 'utf8' });

/** Bookmark titles, depth-first, from qpdf's JSON view of the outline. */
export function pdfOutline(path: string): string[] {
  const json = JSON.parse(execFileSync('qpdf', ['--json=2', '--json-key=outlines', path], { encoding: 'utf8' })) as {
    outlines: Outline[];
  };
  const titles: string[] = [];
  const walk = (items: Outline[]) => items.forEach((item) => (titles.push(item.title), walk(item.kids)));
  walk(json.outlines);
  return titles;
}
interface Outline { title: string; kids: Outline[] }
