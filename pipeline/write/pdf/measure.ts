import type { Heading, Nodes, Table } from 'mdast';
import type { ContainerDirective } from 'mdast-util-directive';
import { toString } from 'mdast-util-to-string';
import type { PageOrientation } from 'pdfmake/interfaces.js';
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

/** Each row's height: its longest cell set in an equal share of the text width. */
export function rowHeights(table: Table, orientation: PageOrientation): number[] {
  const cellWidth = pages[orientation].textWidth / (table.children[0]?.children.length ?? 1) - 12;
  return table.children.map((row) =>
    6 + Math.max(0, ...row.children.map((cell) => estimateTextHeight(toString(cell), cellWidth, tableFontSize))));
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
