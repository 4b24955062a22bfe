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
