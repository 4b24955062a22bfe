import { machineText } from './neutralise.js';

/** A table for CSV: a header row and rows of numbers (written as they are) and text. */
export interface CsvTable {
  header: string[];
  rows: (string | number | null)[][];
}

/** Excel reads a CSV as UTF-8 only when it starts with a byte-order mark; without it "Zaisán" shows as "ZaisÃ¡n". */
const bom = '\uFEFF';

/**
 * RFC 4180: CRLF after every record, a field quoted when it holds a comma, a quote, CR or LF, and quotes doubled.
 * Numbers are machine numbers (`1234.5`, never a locale's `1.234,5`), so any program reads them the same way; text
 * has plain spaces only, and text that a spreadsheet would run as a formula is neutralised.
 */
export function writeCsv(table: CsvTable): Uint8Array {
  const records = [table.header, ...table.rows].map((row) => row.map(field).join(','));
  return new TextEncoder().encode(`${bom}${records.map((record) => `${record}\r\n`).join('')}`);
}

function field(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = machineText(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
