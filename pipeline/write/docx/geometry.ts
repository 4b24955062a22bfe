/**
 * The DOCX page and table measures, apart from the docx library, so that the annex spec check (pipeline/annex) can
 * tell how many columns fit without loading it.
 */
export type Orientation = 'portrait' | 'landscape';

// A4 with 2.5 cm margins, in twips (1/20 pt).
export const a4 = { width: 11906, height: 16838 };
export const margin = 1418;

/** Width of the text column in points. */
export function textWidth(orientation: Orientation): number {
  return textWidthTwips(orientation) / 20;
}

export function textWidthTwips(orientation: Orientation): number {
  return (orientation === 'portrait' ? a4.width : a4.height) - 2 * margin;
}

/** Height of the text column in points: the running header and footer sit in the margins. */
export function textHeight(orientation: Orientation): number {
  return ((orientation === 'portrait' ? a4.height : a4.width) - 2 * margin) / 20;
}

/** The size of table text in points (the ReportTable style). */
export const tableFontSize = 9.5;

/**
 * How much wider than Roboto the font may be that a reader without Roboto gets instead: LibreOffice on Linux sets
 * DejaVu Sans, 14% wider than Roboto and 27% wider in bold (against Roboto Medium), measured on the tables' text.
 */
export const fallbackWidening = { regular: 1.15, bold: 1.3 } as const;

/**
 * The width of a character of table text and a cell's side margins, in twips: sized for the wider fonts a reader
 * without Roboto gets instead, so that "1923" never wraps there either.
 */
export const tableCharacter = 135;
export const tableCellMargins = 240;
/**
 * A line of table text (9.5 pt, single spacing: about 1.17 em in Roboto and DejaVu Sans) and a cell's top and
 * bottom margins, in twips; the line a little taller, so that row heights are never underestimated.
 */
export const tableLine = Math.ceil(tableFontSize * 1.25 * 20);
export const tableCellPadding = 80;

/** How many table columns fit across the page, each wide enough for a word of `characters`. */
export function columnsThatFit(orientation: Orientation, characters: number): number {
  return Math.floor(textWidthTwips(orientation) / (characters * tableCharacter + tableCellMargins));
}
