import { createRequire } from 'node:module';
import type ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import { machineText } from '../csv/neutralise.js';
import type { DocumentMeta } from '../options.js';
import { normaliseZip } from '../zip.js';
import { customPropertyParts } from './custom-properties.js';

/** One data sheet: a header row, then rows of numbers (stored as numbers) and text. */
export interface XlsxSheet {
  name: string;
  columns: { header: string; width: number; align: 'left' | 'right' | 'center'; numberFormat?: string }[];
  rows: (string | number | null)[][];
}

export interface XlsxOptions {
  meta: DocumentMeta;
  /** The first sheet, for people: a title, then [label, text] lines (data version, sources, notes). */
  readme: { name: string; title: string; lines: [string, string][] };
}

// Only the workbook (and its XLSX writer): exceljs's main module also loads its streaming reader and writer, which
// doubled the time the import takes.
const Workbook = createRequire(import.meta.url)('exceljs/lib/doc/workbook.js') as typeof ExcelJS.Workbook;

const headerFill: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE6E6E6' } };

/**
 * Sheets → XLSX bytes (exceljs). Each data sheet has its header row frozen and an autofilter over the data; text
 * a spreadsheet would run as a formula is neutralised. Dates come from `meta.date` and the package is re-zipped
 * with fixed entry times, so the same sheets give the same bytes. The data version and provenance are custom
 * document properties.
 */
export async function writeXlsx(sheets: XlsxSheet[], options: XlsxOptions): Promise<Uint8Array> {
  const { meta } = options;
  const workbook = new Workbook();
  Object.assign(workbook, {
    creator: meta.author, lastModifiedBy: meta.author, created: meta.date, modified: meta.date,
    title: meta.title, subject: meta.subject, keywords: meta.keywords.join(', '), language: meta.lang,
  });
  addReadme(workbook, options.readme);
  for (const sheet of sheets) addSheet(workbook, sheet);
  const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
  const parts = unzipSync(bytes, { filter: (file) => file.name === '[Content_Types].xml' || file.name === '_rels/.rels' });
  const replace = customPropertyParts(meta, { contentTypes: strFromU8(parts['[Content_Types].xml']!), rels: strFromU8(parts['_rels/.rels']!) });
  return normaliseZip(bytes, { date: meta.date, replace });
}

const text = machineText;
const alignment = (horizontal: XlsxSheet['columns'][number]['align']): Partial<ExcelJS.Alignment> => ({ vertical: 'top', horizontal, wrapText: true });

function addReadme(workbook: ExcelJS.Workbook, readme: XlsxOptions['readme']): void {
  const sheet = workbook.addWorksheet(readme.name);
  sheet.columns = [{ width: 26 }, { width: 110 }];
  const title = sheet.addRow([text(readme.title)]);
  title.font = { bold: true, size: 14 };
  sheet.addRow([]);
  for (const [label, value] of readme.lines) {
    const row = sheet.addRow([text(label), text(value)]);
    row.getCell(1).font = { bold: true };
    row.alignment = { vertical: 'top', wrapText: true };
  }
}

function addSheet(workbook: ExcelJS.Workbook, data: XlsxSheet): void {
  const sheet = workbook.addWorksheet(data.name, { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
  // The alignment is the column's own style too, so rows an editor adds get it; it also keeps exceljs from dropping
  // a width of 9 (its default) from the file, where the reader's default width would apply instead.
  sheet.columns = data.columns.map((column) => ({ width: column.width, style: { alignment: alignment(column.align) } }));
  const header = sheet.addRow(data.columns.map((column) => text(column.header)));
  header.font = { bold: true };
  header.eachCell((cell) => (cell.fill = headerFill));
  header.alignment = { vertical: 'top', wrapText: true };
  for (const values of data.rows) {
    const row = sheet.addRow(values.map((value) => (typeof value === 'string' ? text(value) : value)));
    data.columns.forEach((column, c) => {
      const cell = row.getCell(c + 1);
      cell.alignment = alignment(column.align);
      if (column.numberFormat && typeof values[c] === 'number') cell.numFmt = column.numberFormat;
    });
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: data.rows.length + 1, column: data.columns.length } };
}
