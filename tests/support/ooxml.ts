import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { strFromU8, unzipSync } from 'fflate';

/** The parts of an OOXML package (DOCX, XLSX) as text, by path. */
export function unzipText(path: string): Record<string, string> {
  const entries = unzipSync(readFileSync(path));
  return Object.fromEntries(Object.entries(entries).map(([name, bytes]) => [name, strFromU8(bytes)]));
}

/** Text of each paragraph of a WordprocessingML part, with its style id. */
export function paragraphs(xml: string): { style: string; text: string }[] {
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map(([p]) => ({
    style: /<w:pStyle w:val="([^"]+)"/.exec(p)?.[1] ?? '',
    text: [...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => decodeXml(m[1]!)).join(''),
  }));
}

export const decodeXml = (text: string) =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** Converts with LibreOffice in a private profile (parallel runs must not share one); returns the output path. */
export function sofficeConvert(path: string, format: 'pdf' | 'csv'): string {
  const outDir = mkdtempSync(join(tmpdir(), 'ek-soffice-'));
  const profile = mkdtempSync(join(tmpdir(), 'ek-lo-profile-'));
  execFileSync('soffice', [`-env:UserInstallation=file://${profile}`, '--headless', '--convert-to', format, '--outdir', outDir, path], {
    stdio: 'pipe', timeout: 180_000,
  });
  const produced = readdirSync(outDir);
  if (produced.length !== 1) throw new Error(`LibreOffice produced ${produced.length} files converting ${path}`);
  return join(outDir, produced[0]!);
}

const runCommand = (command: string, args: string[], env: NodeJS.ProcessEnv = process.env) => promisify(execFile)(command, args, { timeout: 110_000, env });

/**
 * The text LibreOffice prints of a document, its pages apart by form feeds. With `fonts`, a folder of fonts, it has
 * those fonts too (a fontconfig of its own), such as Roboto, which it would otherwise replace by a wider font; with
 * `onlyThose` as well, those fonts and no others of the system's. `report: 'fonts'` gives what pdffonts says of the
 * PDF instead of its text.
 */
export async function convertWithLibreOffice(bytes: Uint8Array, name: string, { fonts, onlyThose = false, report = 'text' }: { fonts?: string; onlyThose?: boolean; report?: 'text' | 'fonts' } = {}): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'ek-docx-'));
  try {
    writeFileSync(join(dir, `${name}.docx`), bytes);
    const profile = `file://${join(dir, 'lo-profile')}`; // a private profile, so parallel runs don't clash
    const env = fonts ? { ...process.env, FONTCONFIG_FILE: fontConfig(dir, fonts, onlyThose) } : process.env;
    await runCommand('soffice', [`-env:UserInstallation=${profile}`, '--headless', '--convert-to', 'pdf', '--outdir', dir, join(dir, `${name}.docx`)], env);
    const pdf = join(dir, `${name}.pdf`);
    const { stdout } = await (report === 'fonts' ? runCommand('pdffonts', [pdf]) : runCommand('pdftotext', ['-layout', pdf, '-']));
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A fontconfig file in `dir` with the fonts in `fonts`, and the system's unless `onlyThose`. */
function fontConfig(dir: string, fonts: string, onlyThose: boolean): string {
  const file = join(dir, 'fonts.conf');
  const system = onlyThose ? '' : '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>';
  writeFileSync(file, `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>${system}<dir>${fonts}</dir><cachedir>${join(dir, 'fontconfig')}</cachedir></fontconfig>\n`);
  return file;
}
