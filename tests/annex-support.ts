import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadAnnexTables } from '../pipeline/annex/index.js';
import type { AnnexTable } from '../pipeline/annex/table.js';
import { loadProject } from '../pipeline/build/project.js';
import { annexOutputs, type Traced } from '../pipeline/documents/annex.js';
import { label, type Project } from '../pipeline/documents/context.js';
import { markdownToTree } from '../pipeline/markdown/index.js';
import type { LoadResult } from '../pipeline/sources/load.js';

/** The real sources and templates, loaded as the build loads them. */
export function realProject(): { project: Project; sources: LoadResult } {
  const { project, files, sources } = loadProject({ sources: 'sources', templates: 'templates' }, {});
  if (!project) throw new Error(files.flatMap((f) => f.messages.map(String)).join('\n'));
  return { project, sources };
}

export function realTables(project: Project): AnnexTable[] {
  const { tables, files } = loadAnnexTables('templates', project.model, project.labels);
  if (!tables) throw new Error(files.flatMap((f) => f.messages.map(String)).join('\n'));
  return tables;
}

/** The build's render → parse → write, without its message tracing (not what these tests are about). */
const traced: Traced = async (project, _sources, lang, render, write) => {
  const { file, options } = render();
  const tree = markdownToTree(file, { figure: label(project, lang, 'document.figure'), table: label(project, lang, 'document.table') });
  return { bytes: await write(tree, options), messages: [] };
};

/** Makes the annex outputs of `project` (those whose path matches `only`) into a fresh folder; returns the folder. */
export async function buildAnnex(project: Project, sources: LoadResult, only = /./): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'ek-towns-annex-'));
  for (const output of annexOutputs(project, sources, traced).filter((o) => only.test(o.path))) {
    const { bytes } = await output.produce({ output: output.path, inputs: 'test' });
    mkdirSync(dirname(join(dir, output.path)), { recursive: true });
    writeFileSync(join(dir, output.path), bytes);
  }
  return dir;
}

/** RFC 4180 parsing, strict: a BOM first, CRLF after every record, quotes only around whole fields. */
export function parseCsv(text: string): string[][] {
  if (!text.startsWith('\uFEFF')) throw new Error('CSV without a byte-order mark');
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 1;
  while (i < text.length) {
    if (text[i] === '"' && field === '') {
      // A quoted field: up to the quote that is not doubled.
      for (i++; ; i++) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] !== '"') field += text[i];
        else if (text[i + 1] === '"') field += text[i++];
        else break;
      }
      i++;
      if (i < text.length && text[i] !== ',' && !text.startsWith('\r\n', i)) throw new Error(`text after a closing quote at ${i}`);
      continue;
    }
    if (text[i] === ',') { record.push(field); field = ''; i++; continue; }
    if (text.startsWith('\r\n', i)) { record.push(field); records.push(record); record = []; field = ''; i += 2; continue; }
    if (text[i] === '\r' || text[i] === '\n' || text[i] === '"') throw new Error(`bare ${JSON.stringify(text[i])} at ${i}`);
    field += text[i++];
  }
  if (field !== '' || record.length > 0) throw new Error('the last record does not end with CRLF');
  return records;
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (xml: string) => xml.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => entities[name]!);

/** Every table of a DOCX `word/document.xml`, as rows of cell texts (the w:t runs of each w:tc). */
export function docxTables(documentXml: string): string[][][] {
  return [...documentXml.matchAll(/<w:tbl>([\s\S]*?)<\/w:tbl>/g)].map(([, table]) =>
    [...table!.matchAll(/<w:tr[ >]([\s\S]*?)<\/w:tr>/g)].map(([, row]) =>
      [...row!.matchAll(/<w:tc>([\s\S]*?)<\/w:tc>/g)].map(([, cell]) =>
        [...cell!.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map(([, text]) => decode(text!)).join(''))));
}

/** Text without any whitespace: line breaks in table cells fall anywhere, even after a hyphen. */
export const squeeze = (text: string) => text.replace(/\s+/g, '');
