import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
