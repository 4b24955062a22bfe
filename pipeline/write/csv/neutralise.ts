/**
 * Spreadsheets read a cell that starts with `=`, `+`, `-` or `@` (and, after a tab or carriage return, the same)
 * as a formula: `=HYPERLINK(…)` from the data would become a live link, `@SUM(…)` a calculation. A leading
 * apostrophe is what Excel and LibreOffice Calc themselves use to mean "this is text": typed or imported, `'=1+1`
 * is kept as text and never calculated (OWASP's advice against CSV injection). In the XLSX the
 * cells are already stored as text, but its values are copied and re-exported (e.g. `soffice --convert-to csv`),
 * so they carry the same apostrophe as the CSV: every machine format says the same thing.
 */
const formulaStart = /^[=+\-@\t\r]/;

function neutraliseFormula(text: string): string {
  return formulaStart.test(text) ? `'${text}` : text;
}

/**
 * Text as the machine formats (CSV, XLSX) hold it: plain spaces where print has no-break ones ("et al.", "s. f.",
 * kept on one printed line), and formula-like text neutralised.
 */
export function machineText(text: string): string {
  return neutraliseFormula(text.replaceAll('\u00a0', ' '));
}
