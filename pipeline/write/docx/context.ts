import { createHash } from 'node:crypto';
import type { NumberingDefinition } from 'docx';
import type { Node } from 'mdast';
import type { Pictures } from './figure.js';
import type { WriteOptions } from '../options.js';

/** Word's language tag for each document language: the region decides the spelling dictionary. */
const wordLanguages: Record<string, string> = { en: 'en-GB', es: 'es-ES' };

export function wordLanguage(code: string): string {
  return wordLanguages[code] ?? code;
}

/** What the whole document shares while it is converted. */
export interface DocumentState {
  options: WriteOptions;
  /** Word's id for the footnote with this label, rendering its definition (in `ctx`) on first use. */
  footnoteId(identifier: string, ctx: Context): number | undefined;
  /** Each ordered list is its own numbering instance, so it starts again at 1. */
  listInstances: number;
  /** Captions numbered so far, by SEQ identifier. */
  captionCounts: Map<string, number>;
  /** Word needs unique drawing ids; docx would take them from a process-wide counter, which breaks determinism. */
  drawings: number;
  /** The PNG fallbacks of its figures, drawn while the document is built. */
  pictures: Pictures;
  /**
   * Set when the document has several `::toc`: each lists the headings from itself to the next, which Word does with
   * a bookmark over that range (`\b`). `open` is the bookmark id of the range still open.
   */
  tocScopes?: { count: number; open?: number };
  /** The Word language of each `::toc`, in document order, for the entries docx writes into it (see languages.ts). */
  tocLanguages: string[];
  /**
   * Set by `::pagebreak` and a title page: the next body paragraph starts a page (`w:pageBreakBefore`) rather than an
   * empty paragraph holding a break, which would leave an empty line at the top of the page.
   */
  pageBreakPending: boolean;
  /** Nothing has been written since the current section (which starts a page) began: a page break here is void. */
  sectionBlank: boolean;
  /** The next paragraph is the first of a `:::parallel` row's first cell (see `paragraph` in blocks.ts). */
  rowStart: boolean;
}

/** Where a handler is: what the paragraphs and runs it makes inherit. */
export interface Context {
  doc: DocumentState;
  /** Word language tag (`en-GB`) that every run gets. */
  lang: string;
  bold?: boolean;
  italics?: boolean;
  /** Character style of runs here, e.g. `Hyperlink` inside a link. */
  runStyle?: string;
  /** Paragraph style of plain paragraphs here, e.g. `Quote` inside a blockquote. */
  paragraphStyle?: string;
  /** Width of the text column in points (portrait or landscape), to scale figures. */
  textWidth: number;
  /** Height of the text column in points, to tell a table row that may not fit on a page. */
  textHeight: number;
  /** The innermost list: its numbering and level. */
  list?: { reference: string | NumberingDefinition; instance: number | undefined; level: number };
  /** In a footnote: its paragraphs never take a pending page break. */
  note?: boolean;
  /** In a cell of a `:::parallel` table, where a page break cannot be made. */
  cell?: boolean;
  /** In a table cell: the width of its text in points (words that may be wider are hyphenated). */
  cellWidth?: number;
}

/** Reports a node the writer cannot render faithfully, at its place in the Markdown. */
export function warn(ctx: Context, node: Node, reason: string, ruleId: string): void {
  ctx.doc.options.file.message(reason, { place: node.position, ruleId, source: 'ek-towns' });
}

/**
 * Word bookmark names must start with a letter, hold only letters, digits and `_`, and are cut at 40 characters, so
 * slugs like `fig-timeline` are mapped here, once for bookmarks and links alike. A long name keeps a hash of the id
 * so two long ids with the same start stay different.
 */
export function bookmarkName(id: string): string {
  const name = `${/^\p{L}/u.test(id) ? '' : 'id_'}${id.replace(/[^\p{L}\p{N}_]/gu, '_')}`;
  if (name.length <= 40) return name;
  const hash = createHash('sha1').update(id).digest('hex').slice(0, 8);
  return `${name.slice(0, 31)}_${hash}`;
}
