import { columnsThatFit as docxColumns } from '../write/docx/geometry.js';
import { columnsThatFit as pdfColumns } from '../write/pdf/measure.js';

/**
 * The narrowest column a table is readable with, in characters of table text: a year or a short name ("1923",
 * "Ridder") on one line. Narrower, the PDF and DOCX writers break headers and names a few letters per line.
 */
export const readableColumn = 6;

/** How many columns of readable width fit across a page in both the PDF and the DOCX. */
export function columnsThatFit(orientation: 'portrait' | 'landscape'): number {
  return Math.min(pdfColumns(orientation, readableColumn), docxColumns(orientation, readableColumn));
}

/**
 * The columns of each part a table is printed in (PDF and DOCX), by index: the whole table when its columns fit
 * across the page; else parts that each hold every column not repeated per town or stage and an even share of the
 * repeated ones, in their order. XLSX and CSV keep the table whole. The specs are checked (load.ts) so that the
 * columns not repeated leave room for at least one that is.
 */
export function printedParts(columns: readonly { repeated?: true }[], fit: number): number[][] {
  const all = columns.map((_, i) => i);
  const repeated = all.filter((i) => columns[i]!.repeated);
  const room = fit - (columns.length - repeated.length);
  if (columns.length <= fit || repeated.length === 0 || room < 1) return [all];
  const parts = Math.ceil(repeated.length / room);
  // Shares differ by one at most, the larger first: 25 towns in three parts are 9, 8 and 8.
  const start = (p: number) => p * Math.floor(repeated.length / parts) + Math.min(p, repeated.length % parts);
  return Array.from({ length: parts }, (_, p) => {
    const share = new Set(repeated.slice(start(p), start(p + 1)));
    return all.filter((i) => !columns[i]!.repeated || share.has(i));
  });
}
