import type { Heading, Nodes, Table, TableRow } from 'mdast';
import type { ContainerDirective } from 'mdast-util-directive';
import { toString } from 'mdast-util-to-string';
import type { PageOrientation } from 'pdfmake/interfaces.js';
import { crowdedColumns } from '../crowded-columns.js';
import type { Figure } from '../options.js';
import { body, captionHeight, headingStyles, keepTogetherLimit, pages, tableFontSize } from './layout.js';

// Height estimates made before layout (pdfmake measures only while laying out). They decide what may be kept
// on one page and how much room a heading needs below it, so they err on the tall side.

/**
 * Rough height of `text` set in `width` points: Roboto averages about half an em per character.
 * Each "\n"-separated part starts a new line.
 */
function estimateTextHeight(text: string, width: number, fontSize: number, lineHeight: number = body.lineHeight): number {
  const charsPerLine = Math.max(1, Math.floor(width / (fontSize * 0.5)));
  const lines = text.split('\n').reduce((sum, line) => sum + Math.max(1, Math.ceil(line.length / charsPerLine)), 0);
  return lines * fontSize * lineHeight;
}

/** Text of a block with one line per paragraph, cell or item. */
function blockText(node: Nodes): string {
  if (node.type === 'paragraph' || node.type === 'heading' || !('children' in node)) return toString(node);
  return node.children.map(blockText).join('\n');
}

/** Whether a block this tall can be kept on one page: pdfmake drops what does not fit (upstream #2560). */
export const fitsKeptTogether = (height: number, orientation: PageOrientation) =>
  height < keepTogetherLimit * pages[orientation].usableHeight;

/** Estimated height of each row, its cells wrapped at the column widths (points). */
export function rowHeights(table: Table, orientation: PageOrientation, widths = columnWidths(table, orientation)): number[] {
  return table.children.map((row) => 6 + Math.max(0, ...cellHeights(row, widths)));
}

/** The text height of each of a row's cells, in columns `widths` wide. */
export function cellHeights(row: TableRow, widths: number[]): number[] {
  return row.children.map((cell, c) => estimateTextHeight(toString(cell), widths[c] ?? 50, tableFontSize));
}

/** Horizontal padding of the 'ek-rules' layout: 6 pt each side between columns, none at the edges. */
const columnGap = 12;
// Roboto averages about 0.56 em per character (digits exactly); bold headers are a little wider still.
const charWidth = tableFontSize * 0.58;
/** The narrowest a column can be without breaking a word of `characters` (points, without padding). */
const wordWidth = (characters: number) => characters * charWidth + 2;

/** How many table columns fit across the page, each wide enough for a word of `characters`. */
export function columnsThatFit(orientation: PageOrientation, characters: number): number {
  return Math.floor((pages[orientation].textWidth + columnGap) / (wordWidth(characters) + columnGap));
}

/**
 * Column widths (points, without padding) that always fit the text width. Given relative widths, they share it
 * in that proportion. Otherwise as a browser does: a column gets its longest line if all fit, else at least
 * its longest word, and the room left is shared in proportion to what each column would still like to have.
 * Where the longest words do not all fit, the body's are kept whole before the header's, and short words and numbers
 * first (crowded-columns.ts).
 */
export function columnWidths(table: Table, orientation: PageOrientation, relative?: number[]): number[] {
  // Rounded down to 0.1 pt: never wider than the page, and readable in the golden definitions.
  return fitColumns(table, orientation, relative).map((w) => Math.floor(w * 10) / 10);
}

function fitColumns(table: Table, orientation: PageOrientation, relative?: number[]): number[] {
  const count = table.children[0]?.children.length ?? 1;
  const available = pages[orientation].textWidth - columnGap * (count - 1);
  const texts = (c: number) => table.children.map((row) => (row.children[c] ? toString(row.children[c]) : ''));
  const columns = Array.from({ length: count }, (_, c) => texts(c));
  const natural = columns.map((cells) => Math.max(...cells.map((t) => t.length)) * charWidth + 3);
  const longestWord = (cells: string[]) => wordWidth(Math.max(0, ...cells.flatMap((t) => t.split(/\s+/).map((w) => w.length))));
  const minimum = columns.map(longestWord);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  if (relative && sum(minimum) < available) {
    // Shared in the given proportion, but no column narrower than its longest word: such a column gets that
    // width, and the others share what is left.
    const fixed = new Map<number, number>();
    for (;;) {
      const free = relative.map((w, c) => (fixed.has(c) ? 0 : w));
      const room = available - sum([...fixed.values()]);
      const share = free.map((w) => (room * w) / sum(free));
      const short = share.findIndex((w, c) => !fixed.has(c) && w < minimum[c]!);
      if (short < 0) return share.map((w, c) => fixed.get(c) ?? w);
      fixed.set(short, minimum[short]!);
    }
  }
  if (sum(natural) <= available) {
    // Room to spare: it goes to the column that wraps most (the longest text), as `*` would.
    const widest = natural.indexOf(Math.max(...natural));
    return natural.map((w, c) => (c === widest ? w + available - sum(natural) : w));
  }
  // A column aligned right holds numbers (amounts, years).
  if (sum(minimum) >= available) {
    const [body, header] = [columns.map((cells) => longestWord(cells.slice(1))), columns.map((cells) => longestWord(cells.slice(0, 1)))];
    return crowdedColumns(body, header, minimum.map((_, c) => table.align?.[c] === 'right'), available, wordWidth(6), wordWidth(3));
  }
  const wanted = natural.map((w, c) => w - minimum[c]!);
  return minimum.map((w, c) => w + (wanted[c]! * (available - sum(minimum))) / sum(wanted));
}

/** A short table (a third of a page) moves to the next page whole rather than leave a row or two behind. */
export const tableKeptWhole = (heights: number[], orientation: PageOrientation) =>
  heights.reduce((sum, height) => sum + height, 0) < pages[orientation].usableHeight / 3;

/** Height of a boxed panel (callout, facts) and whether it can be kept on one page. */
export function boxHeight(node: ContainerDirective, orientation: PageOrientation): { height: number; keep: boolean } {
  const height = 16 + estimateTextHeight(blockText(node), pages[orientation].textWidth - 18, body.fontSize);
  return { height, keep: fitsKeptTogether(height, orientation) };
}

/** A figure scaled down (never up) to the text width, and low enough to share a page with its caption. */
export function figureSize(figure: Figure, orientation: PageOrientation): { width: number; height: number } {
  const page = pages[orientation];
  const scale = Math.min(1, page.textWidth / figure.width, (0.6 * page.usableHeight) / figure.height);
  return { width: figure.width * scale, height: figure.height * scale };
}

export function headingHeight(node: Heading, orientation: PageOrientation): number {
  const style = headingStyles[Math.min(node.depth, 4) - 1]!;
  return estimateTextHeight(toString(node), pages[orientation].textWidth, style.fontSize, style.lineHeight) + style.margin[3];
}

/**
 * Room the start of `node` needs on a page for a heading or caption above it not to look abandoned: the whole
 * block when it is kept together (figure, short table, box), else its first two lines.
 */
export function startHeight(node: Nodes | undefined, orientation: PageOrientation, figures: Record<string, Figure>): number {
  const twoLines = 2 * body.fontSize * body.lineHeight + 4;
  if (node?.type === 'heading') return headingHeight(node, orientation) + twoLines;
  if (node?.type === 'table') {
    const heights = rowHeights(node, orientation);
    return tableKeptWhole(heights, orientation) ? heights.reduce((a, b) => a + b, 0) : (heights[0] ?? 0) + (heights[1] ?? 0);
  }
  if (node?.type === 'leafDirective' && node.name === 'figure') {
    const figure = figures[node.attributes?.src ?? ''];
    return figure ? figureSize(figure, orientation).height + captionHeight + 6 : 0;
  }
  if (node?.type === 'containerDirective' && node.name === 'table') {
    return captionHeight + startHeight(node.children.find((child) => child.type === 'table'), orientation, figures);
  }
  if (node?.type === 'containerDirective' && (node.name === 'callout' || node.name === 'facts')) {
    const box = boxHeight(node, orientation);
    return box.keep ? box.height : twoLines + 16;
  }
  if (node?.type === 'containerDirective' && node.name === 'lang') return startHeight(node.children[0], orientation, figures);
  return twoLines;
}
