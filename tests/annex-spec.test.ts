import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateAnnex } from '../pipeline/annex/evaluate.js';
import { loadAnnexSpecs } from '../pipeline/annex/load.js';
import { localiseTable } from '../pipeline/annex/localise.js';
import { readProvenance } from '../pipeline/build/verify.js';
import type { Project } from '../pipeline/documents/context.js';
import { formatMessage } from '../pipeline/diagnostics.js';
import type { Model } from '../pipeline/sources/model.js';
import type { LoadResult } from '../pipeline/sources/load.js';
import { buildAnnex, parseCsv, realProject, realTables, squeeze } from './annex-support.js';

let project: Project;
let sources: LoadResult;
beforeAll(() => ({ project, sources } = realProject()));

const path = 'templates/annex/test.yaml';
/** A spec's problems as the CLI prints them; an empty list when it loads and evaluates cleanly. */
function problems(yaml: string, model: Model = project.model): string[] {
  const { specs, files } = loadAnnexSpecs([{ path, bytes: Buffer.from(yaml) }], project.labels);
  evaluateAnnex(specs, model, project.labels);
  return files.flatMap((f) => f.messages.map(formatMessage));
}
const townFields = 'slug, name, spellings, nativeNames, formerNames, codeNames, river, type, specialisation, adminRole, founding, cityStatus, enterprises, events, factors, evacuation, observations, coordinates, cityStatusConflict';
const spec = (columns: string, rows = '  - each: towns') => `id: A9
title: { en: Test, es: Prueba }
note: { en: A note, es: Una nota }
rows:
${rows}
columns:
${columns}`;

describe('annex specs', () => {
  it('the shipped specs load and evaluate without a message', () => {
    expect(realTables(project).map((t) => `${t.id}: ${t.rows.length} rows`)).toEqual(['A1: 8 rows', 'A2: 7 rows', 'A3: 26 rows', 'A4: 35 rows', 'A5: 6 rows']);
  });

  it('an unknown spec field is an error at its key', () => {
    expect(problems(spec(`  - id: town
    header: { en: Town, es: Ciudad }
    valeu: town.name`))).toEqual([`${path}:9:5 error: columns[0].valeu: unknown field (not in the schema: check the spelling)`]);
  });

  it('an unknown data field in a value is an error at that field, listing the known ones', () => {
    const [message, ...rest] = problems(spec(`  - id: river
    header: { en: River, es: Río }
    value: town.rivr.name`));
    expect(rest).toEqual([]);
    expect(message).toMatch(new RegExp(`^${path}:9:17 error: columns\\[0\\]\\.value: unknown field "rivr" in town \\(known: slug, name, spellings, .*, river, .*cityStatusConflict\\)$`));
  });

  it('a missing Spanish header is an error naming the translation', () => {
    expect(problems(spec(`  - id: town
    header: { en: Town }
    value: town.name`))).toEqual([`${path}:8:5 error: columns[0].header.es: missing Spanish text (translation)`]);
  });

  it('reports schema errors and data-field errors in one run, and nothing twice', () => {
    expect(problems(`${spec(`  - id: town
    header: { en: Town }
    value: town.name
    colour: blue
  - id: river
    header: { en: River, es: Río }
    value: town.rivr.name`)}\nsort: [twon]\nfooter: none\n`)).toEqual([
      `${path}:8:5 error: columns[0].header.es: missing Spanish text (translation)`,
      `${path}:10:5 error: columns[0].colour: unknown field (not in the schema: check the spelling)`,
      `${path}:15:1 error: footer: unknown field (not in the schema: check the spelling)`,
      `${path}:13:17 error: columns[1].value: unknown field "rivr" in town (known: ${townFields})`,
      `${path}:14:8 error: sort[0]: unknown column id "twon" (known: town, river)`,
    ]);
  });

  it('does not check what a rejected field changes the meaning of: a row without its `as`, a column without its `type`', () => {
    expect(problems(spec(`  - id: year
    header: { en: Year, es: Año }
    value: event.year
  - id: sources
    header: { en: Sources, es: Fuentes }
    type: citatons
  - id: bad
    header: { en: Bad, es: Malo }
    value: town.nmae`, `  - each: towns.events
    as: Event`))).toEqual([
      `${path}:6:9 error: rows[0].as: expected a name of letters and digits, e.g. status, got "Event"`,
      `${path}:13:11 error: columns[1].type: expected one of "text", "number", "year", "years", "money", "citations", got "citatons"`,
    ]);
    // With `as` right, the other column is checked in that row: its misspelt field is found in the same run.
    expect(problems(spec(`  - id: sources
    header: { en: Sources, es: Fuentes }
    type: citatons
  - id: bad
    header: { en: Bad, es: Malo }
    value: town.nmae`))).toEqual([
      `${path}:9:11 error: columns[0].type: expected one of "text", "number", "year", "years", "money", "citations", got "citatons"`,
      `${path}:12:17 error: columns[1].value: unknown field "nmae" in town (known: ${townFields})`,
    ]);
  });

  it('checks only the schema when a column lacks what it must have (its id)', () => {
    expect(problems(spec(`  - id: Town
    header: { en: Town, es: Ciudad }
    value: town.nmae`))).toEqual([`${path}:7:9 error: columns[0].id: expected a column id of a–z, 0–9 and "-", got "Town"`]);
  });

  it('unknown functions, names, collections and syntax errors are located in the expression', () => {
    expect(problems(spec(`  - id: a
    header: { en: A, es: A }
    value: "lable('types', town.type.value)"
  - id: b
    header: { en: B, es: B }
    value: event.year
  - id: c
    header: { en: C, es: C }
    value: label('types' town.type.value)
  - id: d
    header: { en: D, es: D }
    value: where(town.events, 'stag', 'war')`, `  - each: towns
  - each: towns.evnts`))).toEqual([
      `${path}:6:11 error: rows[1].each: unknown field "evnts" in town (known: ${'slug, name, spellings, nativeNames, formerNames, codeNames, river, type, specialisation, adminRole, founding, cityStatus, enterprises, events, factors, evacuation, observations, coordinates, cityStatusConflict'})`,
      `${path}:10:13 error: columns[0].value: unknown function "lable" (known: label, dated, where, mentions, when, span)`,
      `${path}:13:12 error: columns[1].value: unknown name "event" (known here: town)`,
      `${path}:16:26 error: columns[2].value: expression syntax: expected ")" but found "town"`,
      `${path}:19:12 error: columns[3].value: unknown field "stag" in each item (known: year, to, stage, text, label, cite)`,
    ]);
  });

  it('a value of the wrong kind in the data is an error at the expression, naming the row', () => {
    expect(problems(spec(`  - id: n
    header: { en: N, es: N }
    value: town.name
    type: number`))).toContain(`${path}:9:12 error: columns[0].value: expected a number, got text (town ayagoz)`);
  });

  it('a label that is not in the catalogs is an error', () => {
    expect(problems(spec(`  - id: t
    header: { en: T, es: T }
    value: label('annex.nope')`))).toEqual([`${path}:9:12 error: columns[0].value: unknown label "annex.nope" (not in templates/i18n/en.yaml)`]);
  });
});

describe('annex table width', () => {
  const columns = (count: number, from = 1) => Array.from({ length: count }, (_, i) => `  - id: c${from + i}
    header: { en: C${from + i}, es: C${from + i} }
    value: town.name`).join('\n');

  it('takes as many columns as fit across the page at a readable width: 8 portrait, 13 landscape', () => {
    expect(problems(spec(columns(8)))).toEqual([]);
    expect(problems(`${spec(columns(13))}\norientation: landscape\n`)).toEqual([]);
  });

  it('refuses more, at the spec\'s columns, saying how many fit and what to do', () => {
    expect(problems(spec(columns(9)))).toEqual([
      `${path}:6:1 error: columns: 9 columns do not fit across a portrait page: at most 8 do at a readable width (6 characters each) in the PDF and DOCX tables; set \`orientation: landscape\` (13 fit)`,
    ]);
    expect(problems(`${spec(columns(40))}\norientation: landscape\n`)).toEqual([
      `${path}:6:1 error: columns: 40 columns do not fit across a landscape page: at most 13 do at a readable width (6 characters each) in the PDF and DOCX tables; split the table, or leave columns out`,
    ]);
  });

  it('needs room for one column repeated per town besides the others: the repeated ones are printed in parts', () => {
    const matrix = (others: number) => `${columns(others)}
  - id: per-town
    each: towns
    headerValue: town.name
    value: town.name`;
    expect(problems(spec(matrix(1)))).toEqual([]); // 9 columns with the eight towns: printed in two parts
    expect(problems(spec(matrix(8)))).toEqual([
      `${path}:6:1 error: columns: 8 columns and one of those repeated per town do not fit across a portrait page: at most 8 do at a readable width (6 characters each) in the PDF and DOCX tables; set \`orientation: landscape\` (13 fit)`,
    ]);
    expect(problems(`${spec(matrix(8))}\norientation: landscape\n`)).toEqual([]);
  });
});

describe('annex values', () => {
  it('formats numbers per language: 1,234.5 in English, 1234,5 and 12.345,5 in Spanish', () => {
    const model = structuredClone(project.model);
    model.programs[0]!.measures[0]!.baseline.value = 1234.5;
    model.programs[0]!.measures[1]!.baseline.value = 12345.5;
    const { specs } = loadAnnexSpecs([{ path, bytes: Buffer.from(spec(`  - id: baseline
    header: { en: Baseline, es: Línea de base }
    value: measure.baseline.value
    type: number`, `  - each: programs.measures
    as: measure`)) }], project.labels);
    const [table] = evaluateAnnex(specs, model, project.labels).tables;
    const shown = (lang: 'en' | 'es') => localiseTable(table!, lang, project.labels, model.references).rows.slice(0, 2).map((row) => row[0]!.display);
    expect(shown('en')).toEqual(['1,234.5', '12,345.5']);
    expect(shown('es')).toEqual(['1234,5', '12.345,5']);
  });

  it('shows both city-status years where the sources disagree, each with its citation', () => {
    const a1 = realTables(project).find((t) => t.id === 'A1')!;
    const ridder = a1.rows.find((row) => row.cells[0]!.value === 'Ridder' || (row.cells[0]!.value as { en: string }).en === 'Ridder')!;
    const status = a1.columns.findIndex((c) => c.key === 'city-status');
    expect(ridder.cells[status]!.value!.toString()).toBe('1932,1934');
    expect(ridder.cells[status]!.cites).toEqual(['amanbekova-nd', 'ualtaeva-2011']);
  });
});

describe('spreadsheet safety and reproducibility', () => {
  const hostile = ['=HYPERLINK("http://x","y")', '@SUM(A1)', '+1+1', '-2+3'];
  let dir: string;
  beforeAll(async () => {
    const model = structuredClone(project.model);
    hostile.forEach((text, i) => (model.programs[0]!.measures[i % 3]![i < 3 ? 'measure' : 'funding'].en = text));
    dir = await buildAnnex({ ...project, model }, sources, /\.(xlsx|csv)$/);
  });

  it('neutralises formula-like text in the CSV', () => {
    const cells = parseCsv(readFileSync(join(dir, 'annex/en/csv/A5.csv'), 'utf8')).flat();
    for (const text of hostile) expect(cells).toContain(`'${text}`);
    expect(readFileSync(join(dir, 'annex/en/csv/A5.csv'), 'utf8')).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
  });

  it('neutralises formula-like text in the XLSX, which holds no formula at all', async () => {
    const bytes = readFileSync(join(dir, 'annex/en/annex-tables.xlsx'));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const values = workbook.getWorksheet('A5')!.getSheetValues().flat();
    for (const text of hostile) expect(values).toContain(`'${text}`);
    const sheets = Object.entries(unzipSync(bytes)).filter(([name]) => name.startsWith('xl/worksheets/'));
    for (const [, xml] of sheets) expect(strFromU8(xml)).not.toMatch(/<f[ >]/);
  });

  it('stores the data version and the provenance `ek-towns verify` reads in the XLSX', () => {
    const path = join(dir, 'annex/en/annex-tables.xlsx');
    expect(readProvenance(path)).toEqual({ output: 'annex/en/annex-tables.xlsx', inputs: 'test' });
    expect(strFromU8(unzipSync(readFileSync(path))['docProps/custom.xml']!)).toContain(`name="dataVersion"><vt:lpwstr>${project.model.dataset.version}<`);
  });

  it('writes the same XLSX and CSV bytes every time', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a second later: no clock may leak into the files
    const again = await buildAnnex(project, sources, /\.(xlsx|csv)$/);
    const first = await buildAnnex(project, sources, /\.(xlsx|csv)$/);
    for (const name of ['annex-tables.xlsx', 'csv/A1.csv', 'csv/A5.csv']) {
      expect(readFileSync(join(again, 'annex/es', name)).equals(readFileSync(join(first, 'annex/es', name))), name).toBe(true);
    }
  });
});

describe('PDF table guard', () => {
  it('keeps every row of a table whose cell is taller than a page', async () => {
    const model = structuredClone(project.model);
    const words = Array.from({ length: 1000 }, (_, i) => `w${String(i).padStart(4, '0')}`);
    model.programs[0]!.measures[1]!.objective.en = words.join(' '); // about 6,000 characters
    const dir = await buildAnnex({ ...project, model }, sources, /en\/annex-tables\.pdf$/);
    const pdf = join(dir, 'annex/en/annex-tables.pdf');
    // -raw: the text as drawn (the default layout mode drops the hyphen of a word broken at the end of a line).
    const text = execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });
    const found = new Set(text.match(/w\d{4}/g));
    expect(words.filter((word) => !found.has(word))).toEqual([]);
    // Every word of every row: a line may break inside a hyphenated word, and a word wider than its column is
    // hyphenated where it breaks, so words are looked for without spaces and hyphens.
    const squeezed = squeeze(text).replaceAll('-', '');
    for (const measure of model.programs.flatMap((program) => program.measures)) {
      const missing = [measure.measure.en, measure.indicator.en, measure.responsible.en].join(' ').split(/\s+/).filter((word) => !squeezed.includes(word.replaceAll('-', '')));
      expect(missing, measure.id).toEqual([]);
    }
    expect(execFileSync('qpdf', ['--check', pdf], { encoding: 'utf8' })).toContain('No syntax or stream encoding errors');
  });
});
