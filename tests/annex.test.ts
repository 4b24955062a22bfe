import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalisedTable, localiseTable } from '../pipeline/annex/localise.js';
import { planOutputs } from '../pipeline/build/outputs.js';
import { build } from '../pipeline/build/run.js';
import type { Project } from '../pipeline/documents/context.js';
import { languages } from '../pipeline/render/labels.js';
import { machineText } from '../pipeline/write/csv/neutralise.js';
import type { Lang } from '../pipeline/write/options.js';
import { buildAnnex, docxTables, parseCsv, realProject, realTables, squeeze } from './annex-support.js';

/**
 * The Done-when of the annex: every table read back from the XLSX, the CSV, the DOCX (document.xml) and the PDF text
 * has the model's cell values, in every language; the real clients open the files.
 */
let project: Project;
let dir: string;
let expected: Record<Lang, LocalisedTable[]>;

beforeAll(async () => {
  const real = realProject();
  project = real.project;
  const tables = realTables(project);
  expected = Object.fromEntries(languages.map((lang) => [lang, tables.map((t) => localiseTable(t, lang, project.labels, project.model.references))])) as typeof expected;
  dir = await buildAnnex(project, real.sources);
});

const file = (lang: Lang, name: string) => join(dir, 'annex', lang, name);
const cases = languages.flatMap((lang) => ['A1', 'A2', 'A3', 'A4', 'A5'].map((id) => ({ lang, id })));
const tableOf = (lang: Lang, id: string) => expected[lang].find((t) => t.id === id)!;
/** What a spreadsheet cell holds: numbers as numbers, text plain and neutralised, empty as null. */
const machine = (value: string | number | null) => (typeof value === 'string' ? machineText(value) : value);

describe('annex tables read back', () => {
  it('writes every file of the issue, per language', () => {
    for (const lang of languages) {
      expect(readdirSync(join(dir, 'annex', lang)).sort()).toEqual(['annex-tables.docx', 'annex-tables.pdf', 'annex-tables.xlsx', 'csv']);
      expect(readdirSync(join(dir, 'annex', lang, 'csv')).sort()).toEqual(['A1.csv', 'A2.csv', 'A3.csv', 'A4.csv', 'A5.csv']);
    }
  });

  it.each(cases)('$lang $id: the CSV has the header and the machine values', ({ lang, id }) => {
    const table = tableOf(lang, id);
    const text = readFileSync(file(lang, `csv/${id}.csv`), 'utf8');
    const records = parseCsv(text);
    expect(records[0]).toEqual(table.columns.map((c) => c.header));
    // Plain spaces: the no-break spaces of print ("et al.", "s. f.") are not for programs.
    expect(text).not.toContain('\u00a0');
    expect(records.slice(1)).toEqual(table.rows.map((row) => row.map((cell) => String(machine(cell.value) ?? ''))));
  });

  it.each(cases)('$lang $id: the XLSX sheet has the same values, numbers stored as numbers', async ({ lang, id }) => {
    const table = tableOf(lang, id);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(readFileSync(file(lang, 'annex-tables.xlsx')) as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet(id)!;
    const rowValues = (r: number) => table.columns.map((_, c) => sheet.getRow(r).getCell(c + 1).value ?? null);
    expect(rowValues(1)).toEqual(table.columns.map((c) => c.header));
    table.rows.forEach((row, r) => expect(rowValues(r + 2)).toEqual(row.map((cell) => machine(cell.value))));
    expect(sheet.rowCount).toBe(table.rows.length + 1);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBeDefined();
    expect(table.columns.map((_, c) => sheet.getColumn(c + 1).width)).toEqual(table.columns.map((c) => c.width));
  });

  it.each(cases)('$lang $id: the DOCX table has the same cells, as printed', ({ lang, id }) => {
    const table = tableOf(lang, id);
    const xml = strFromU8(unzipSync(readFileSync(file(lang, 'annex-tables.docx')))['word/document.xml']!);
    const header = table.columns.map((c) => c.header);
    const found = docxTables(xml).find((rows) => JSON.stringify(rows[0]) === JSON.stringify(header));
    expect(found, `a table with the header ${header.join(' | ')}`).toBeDefined();
    expect(found!.slice(1)).toEqual(table.rows.map((row) => row.map((cell) => cell.display)));
    expect(xml).toContain(`Annex ${id}`.replace('Annex', lang === 'es' ? 'Anexo' : 'Annex'));
  });

  it.each(cases)('$lang $id: the PDF text has every row, cells in order and whole', ({ lang, id }) => {
    const table = tableOf(lang, id);
    // -raw keeps the content-stream order: pdfmake draws a table cell by cell, row by row. Hyphens are left out on
    // both sides: a word wider than its column is hyphenated where it breaks (A5).
    const bare = (text: string) => squeeze(text).replaceAll('-', '');
    const text = bare(execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file(lang, 'annex-tables.pdf'), '-'], { encoding: 'utf8' }));
    expect(text).toContain(bare(table.title));
    expect(text).toContain(bare(table.columns.map((c) => c.header).join('')));
    for (const row of table.rows) expect(text).toContain(bare(row.map((cell) => cell.display).join('')));
  });

  it('formats numbers for each language in PDF and DOCX, and stores them as numbers in XLSX and CSV', () => {
    const a5 = (lang: Lang) => tableOf(lang, 'A5');
    const target = a5('en').columns.findIndex((c) => c.header === 'Target');
    const cost = a5('en').columns.findIndex((c) => c.header === 'Cost (KZT)');
    const freight = a5('en').rows.findIndex((row) => row[target]!.value === 80000);
    expect(a5('en').rows[freight]![target]).toMatchObject({ display: '80,000', value: 80000 });
    expect(a5('es').rows[freight]![target]).toMatchObject({ display: '80.000', value: 80000 });
    expect(a5('es').rows[freight]![cost]).toMatchObject({ display: '900.000.000', value: 900000000 });
    expect(a5('es').columns[cost]!.header).toBe('Coste (KZT)');
  });

  it('labels the illustrative programme rows in every format', async () => {
    for (const [lang, words] of [['en', 'Illustrative example'], ['es', 'Ejemplo ilustrativo']] as const) {
      const table = tableOf(lang, 'A5');
      expect(table.title).toMatch(new RegExp(`\\(${words.toLowerCase()}\\)$`));
      expect(table.rows.every((row) => row.at(-1)!.value === words)).toBe(true);
      const pdf = execFileSync('pdftotext', ['-enc', 'UTF-8', file(lang, 'annex-tables.pdf'), '-'], { encoding: 'utf8' });
      expect(squeeze(pdf)).toContain(squeeze(table.illustrativeNote!));
      const xml = strFromU8(unzipSync(readFileSync(file(lang, 'annex-tables.docx')))['word/document.xml']!);
      expect(xml).toContain(table.title);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(readFileSync(file(lang, 'annex-tables.xlsx')) as unknown as ArrayBuffer);
      const readme = workbook.worksheets[0]!;
      expect(readme.name).toBe(lang === 'es' ? 'LÉAME' : 'README');
      const lines = readme.getSheetValues().flat().filter((v) => typeof v === 'string') as string[];
      expect(lines).toContain(`${words}: ${table.illustrativeNote}`);
      expect(lines).toContain(project.model.dataset.version);
      expect(readFileSync(file(lang, 'csv/A5.csv'), 'utf8')).toContain(words);
    }
  });
});

describe('the annex DOCX and PDF', () => {
  it('are the same whichever is made first (they share each language rendered and parsed once)', async () => {
    const made = async (order: string[]) => {
      const { project: fresh, sources } = realProject();
      const outputs = planOutputs(fresh, sources, { layout: 'separate' });
      const bytes: Record<string, Buffer> = {};
      for (const path of order) bytes[path] = Buffer.from((await outputs.find((o) => o.path === path)!.produce({ output: path, inputs: 'test' })).bytes);
      return bytes;
    };
    const paths = ['annex/en/annex-tables.docx', 'annex/en/annex-tables.pdf'];
    const [docxFirst, pdfFirst] = [await made(paths), await made([...paths].reverse())];
    for (const path of paths) expect(pdfFirst[path]!.equals(docxFirst[path]!), path).toBe(true);
  }, 60_000);

  it('print a table with a column per town in parts when the towns do not fit across the page; XLSX and CSV keep it whole', async () => {
    // 25 towns: A2 has Stage and Years and a column per town; 13 columns fit across a landscape page.
    const towns = Array.from({ length: 25 }, (_, i) => {
      const town = project.model.towns[i % project.model.towns.length]!;
      return { ...town, slug: `${town.slug}-${i}`, name: { en: `${town.name.en} ${i}`, es: `${town.name.es} ${i}` } };
    });
    const { sources } = realProject();
    const many = await buildAnnex({ ...project, model: { ...project.model, towns } }, sources, /^annex\/en\/(annex-tables\.(docx|pdf)|csv\/A2\.csv)$/);
    const names = [...towns.map((t) => t.name.en)].sort((a, b) => a.localeCompare(b, 'en'));
    const xml = strFromU8(unzipSync(readFileSync(join(many, 'annex/en/annex-tables.docx')))['word/document.xml']!);
    const parts = docxTables(xml).filter((rows) => rows[0]![0] === 'Stage' && rows[0]![1] === 'Years');
    expect(parts.map((rows) => rows[0]!.length)).toEqual([11, 10, 10]); // Stage, Years and 9, 8 and 8 towns
    expect(parts.flatMap((rows) => rows[0]!.slice(2)).sort((a, b) => a.localeCompare(b, 'en'))).toEqual(names);
    for (const rows of parts) expect(rows.map((row) => row[0])).toEqual(parts[0]!.map((row) => row[0]));
    const pdf = squeeze(execFileSync('pdftotext', ['-enc', 'UTF-8', join(many, 'annex/en/annex-tables.pdf'), '-'], { encoding: 'utf8' }));
    for (const part of [1, 2, 3]) expect(pdf).toContain(squeeze(`Development of the towns by stage of state policy (part ${part} of 3)`));
    expect(parseCsv(readFileSync(join(many, 'annex/en/csv/A2.csv'), 'utf8'))[0]).toHaveLength(2 + 25);
    rmSync(many, { recursive: true, force: true });
  }, 60_000);

  it('say which YAML field made a row taller than a page, and which row', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ek-annex-tall-'));
    cpSync('sources', join(dir, 'sources'), { recursive: true });
    const programme = join(dir, 'sources/programs/ridder.yaml');
    // ~2,000 characters (the most a text may have) in a column a quarter of the page wide.
    const long = Array.from({ length: 330 }, (_, i) => `w${String(i).padStart(4, '0')}`).join(' ');
    writeFileSync(programme, readFileSync(programme, 'utf8').replace('en: Use the town\'s mining history to develop heritage tourism and diversify the local economy', `en: ${long}`));
    const stderr: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true));
    try {
      const result = await build({ paths: { sources: join(dir, 'sources'), templates: 'templates' }, outDir: join(dir, 'out'), groups: ['annex'], layout: 'separate', quiet: true, env: {} });
      expect(result.code).toBe(0);
    } finally {
      spy.mockRestore();
    }
    // Placed at the objective's text, not at the annex template's first line; the row named by its first cell.
    expect(stderr.join('').trim().split('\n').filter((line) => line.includes('taller'))).toEqual([
      `${programme}:12:11 warning: measures[0].objective.en: table row "Ridder" may be taller than a page: it alone may break across pages`,
    ]);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});

describe('the annex files open in their real clients', () => {
  const office = (args: string[]) => {
    // A private profile: a user's running LibreOffice or another test's conversion cannot block this one.
    const profile = mkdtempSync(join(tmpdir(), 'lo-'));
    try {
      execFileSync('soffice', [`-env:UserInstallation=file://${profile}`, '--headless', ...args], { encoding: 'utf8', timeout: 120_000 });
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  };

  it('qpdf finds no error in the PDFs', () => {
    for (const lang of languages) {
      expect(execFileSync('qpdf', ['--check', file(lang, 'annex-tables.pdf')], { encoding: 'utf8' })).toContain('No syntax or stream encoding errors');
    }
  });

  it('LibreOffice opens the XLSX and exports each sheet as the CSV we wrote', () => {
    const out = mkdtempSync(join(tmpdir(), 'ek-towns-lo-csv-'));
    // Filter options: comma, double quote, UTF-8, …, values as stored (not as shown), every sheet (-1).
    office(['--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1', '--outdir', out, file('es', 'annex-tables.xlsx')]);
    for (const id of ['A1', 'A2', 'A3', 'A4', 'A5']) {
      const exported = readFileSync(join(out, `annex-tables-${id}.csv`), 'utf8');
      const ours = readFileSync(file('es', `csv/${id}.csv`), 'utf8').slice(1);
      expect(parseCsv(`\uFEFF${exported.replace(/\r?\n/g, '\r\n')}`)).toEqual(parseCsv(`\uFEFF${ours}`));
    }
    expect(readFileSync(join(out, 'annex-tables-LÉAME.csv'), 'utf8')).toContain(project.model.dataset.version);
  });

  it('LibreOffice converts the DOCX to PDF', () => {
    const out = mkdtempSync(join(tmpdir(), 'ek-towns-lo-pdf-'));
    office(['--convert-to', 'pdf', '--outdir', out, file('en', 'annex-tables.docx')]);
    const text = squeeze(execFileSync('pdftotext', ['-enc', 'UTF-8', join(out, 'annex-tables.pdf'), '-'], { encoding: 'utf8' }));
    for (const table of expected.en) expect(text).toContain(squeeze(table.title));
  });
});
