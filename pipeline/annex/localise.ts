import type { CodeLabel, Labels } from '../render/labels.js';
import { citationKey, citationText } from '../render/cite.js';
import type { BilingualText, Citation, Reference } from '../sources/schema.js';
import type { Lang } from '../write/options.js';
import type { AnnexColumn, AnnexTable, CellValue } from './table.js';
import { inLanguage } from './values.js';

/** An annex table in one language: what the writers print. */
export interface LocalisedTable {
  id: string;
  title: string;
  note: string;
  /** All the table's citations as text ("Ualtaeva, 2011; …"), and as citations for linking. */
  sources: string;
  citations: Citation[];
  /** Present when rows are invented examples: the warning every format prints. */
  illustrativeNote?: string;
  orientation: 'portrait' | 'landscape';
  columns: LocalisedColumn[];
  rows: LocalisedCell[][];
}

export interface LocalisedColumn {
  header: string;
  /** number: a number in XLSX and CSV (years too, when a cell holds one year); text: text. */
  kind: 'text' | 'number';
  width: number;
  align: 'left' | 'right' | 'center';
  /** Excel number format code (Excel shows it with the reader's own separators). */
  numberFormat?: string;
  repeated?: true;
}

export interface LocalisedCell {
  /** As printed in PDF and DOCX: locale number formats (12,000 / 12.000). */
  display: string;
  /** As stored in XLSX and CSV: numbers stay numbers; empty is null. */
  value: string | number | null;
  /** A citations cell's citations, for linking them to the reference list. */
  cites?: Citation[];
  /** The bilingual text of the sources a text cell prints as it is: a message about the cell is placed at its field. */
  source?: BilingualText;
}

const locales: Record<Lang, string> = { en: 'en-GB', es: 'es-ES' };

export function localiseTable(table: AnnexTable, lang: Lang, labels: Labels, references: Reference[]): LocalisedTable {
  const label = (key: CodeLabel, values: Record<string, string> = {}) =>
    labels[lang].get(key)!.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? `{${name}}`);
  const byId = new Map(references.map((r) => [r.id, r]));
  const citationsText = (citations: Citation[]) => citations.map((c) => citationText(c, byId.get(citationKey(c))!, lang)).join('; ');
  const title = table.title[lang];
  return {
    id: table.id,
    title: table.illustrative ? label('annex.illustrativeTitle', { title }) : title,
    note: table.note[lang],
    sources: citationsText(table.citations),
    citations: table.citations,
    ...(table.illustrative ? { illustrativeNote: label('annex.illustrativeNote') } : {}),
    orientation: table.orientation,
    columns: table.columns.map((column) => ({
      header: column.currency ? label('annex.moneyHeader', { header: column.header[lang], currency: column.currency }) : column.header[lang],
      kind: column.type === 'text' || column.type === 'citations' ? 'text' : 'number',
      width: column.width,
      align: column.align,
      ...numberFormat(column, table),
      ...(column.repeated ? { repeated: column.repeated } : {}),
    })),
    rows: table.rows.map((row) => row.cells.map((cell, c) => {
      const column = table.columns[c]!;
      if (column.type === 'citations') {
        const text = citationsText(row.cites);
        return { display: text, value: text || null, cites: row.cites };
      }
      return formatCell(cell.value, column, lang);
    })),
  };
}

function formatCell(value: CellValue, column: AnnexColumn, lang: Lang): LocalisedCell {
  if (value === null) return { display: '', value: null };
  if (typeof value === 'number') {
    if (column.type === 'year') return { display: String(value), value };
    const digits = column.decimals === undefined ? {} : { minimumFractionDigits: column.decimals, maximumFractionDigits: column.decimals };
    return { display: new Intl.NumberFormat(locales[lang], digits).format(value), value };
  }
  if (Array.isArray(value)) {
    const display = value.map(String).join('; ');
    const [only] = value;
    // One plain year is a number for spreadsheets; spans and several years (sources disagreeing) stay text.
    return { display, value: value.length === 1 && only!.to === undefined ? only!.from : display };
  }
  const text = inLanguage(value, lang);
  return { display: text, value: text, ...(typeof value === 'object' ? { source: value } : {}) };
}

function numberFormat(column: AnnexColumn, table: AnnexTable): { numberFormat?: string } {
  if (column.type === 'year' || column.type === 'years') return { numberFormat: '0' };
  if (column.type !== 'number' && column.type !== 'money') return {};
  if (column.decimals !== undefined) return { numberFormat: column.decimals > 0 ? `#,##0.${'0'.repeat(column.decimals)}` : '#,##0' };
  const c = table.columns.indexOf(column);
  const integers = table.rows.every((row) => typeof row.cells[c]!.value !== 'number' || Number.isInteger(row.cells[c]!.value));
  return { numberFormat: integers ? '#,##0' : '#,##0.0##' };
}
