import { readFileSync } from 'node:fs';
import type { EstimatedPageNumbers, IContext, IXmlableObject, PageNumberEstimator } from 'docx';
import { estimatePageNumbersWith } from 'docx/layout';
import { robotoFiles } from '../fonts.js';
import { bodyFont } from './styles.js';

let layout: PageNumberEstimator | undefined;

/**
 * Lays the pages out as Word would, so the TOC's page numbers, SEQ numbers and NUMPAGES are written filled in and
 * Word shows them without asking to update fields. Roboto is measured from our font files; `guess` carries on past
 * what the layout cannot follow exactly (our bold is Roboto Medium, which is not flagged bold), so numbers are
 * estimates that Word corrects on its next field update. Where docx's layout stops all the same, `carryOn` finishes
 * the count, and `carried` is told the bookmarks it numbered so.
 */
export function pageNumberEstimator(carried?: (names: readonly string[]) => void): PageNumberEstimator {
  layout ??= estimatePageNumbersWith({
    guess: true,
    fonts: Object.values(robotoFiles).map((file) => ({ data: readFileSync(file), name: bodyFont })),
  });
  return carryOn(layout, carried);
}

type Xml = IXmlableObject;

/**
 * `estimate`, carried on past where it stops. docx's layout gives up, even when guessing, at what it has no guess for,
 * such as a table row across pages whose last line would hang below the page, and leaves every bookmark after it
 * without a page: the TOC's entries from there would have no number, and NUMPAGES would be blank. Such stops hang on
 * where exactly a page breaks, so the body is laid out again from the last block before the stop that surely starts a
 * page (the first, a section's first, a paragraph with a page break before it), with a few points of space added just
 * before the block it stopped in, which moves its lines down the page a little (and keeps the space of earlier stops);
 * the pages are counted on from that block's page. Each block is bookmarked for it, to see how far each layout got. A block still stopped at after a few
 * tries starts the page the block before it did, and what follows it is laid out from the top of that page. So every
 * bookmark gets a page, never before the one of a bookmark before it; `carried` is told which it numbered itself.
 */
export function carryOn(estimate: PageNumberEstimator, carried?: (names: readonly string[]) => void): PageNumberEstimator {
  const carriedOn = (body: Xml, context: IContext): EstimatedPageNumbers => {
    const first = estimate(body, context);
    const blocks = (body['w:body'] ?? []) as Xml[];
    const marks = blocks.flatMap((block, index) => bookmarksIn(block).map((name) => ({ name, block: index })));
    if (marks.every(({ name }) => pageOf(first, name) !== undefined) && first.pageCount !== undefined) return first;

    const { blockPages, bookmarkPages, pageCount } = layOutOn(estimate, blocks, context);
    const pages = new Map<string, number>();
    let last = 1;
    for (const { name, block } of marks) {
      // In the order of the body, a page number never goes down.
      last = Math.max(last, pageOf(first, name) ?? bookmarkPages.get(name) ?? blockPages[block]!);
      pages.set(name, last);
    }
    carried?.(marks.filter(({ name }) => pageOf(first, name) === undefined).map(({ name }) => name));
    return {
      ...first,
      bookmarks: new Map([...pages].map(([name, page]) => [name, pageOf(first, name) === page ? first.bookmarks.get(name)! : String(page)])),
      bookmarkPageNumbers: new Map(pages),
      pageCount: first.pageCount ?? blockPages.reduce((most, page) => Math.max(most, page), Math.max(pageCount ?? 0, last)),
    };
  };
  // No `listNumbers`: our headings are never list-numbered, and working them out reads the whole body again.
  return carriedOn;
}

/** At most this many layouts in all; what is left after them starts the last page known. */
const mostLayouts = 16;
/**
 * The space added, in points, before the block a layout stopped in (0) or the next (1), tried in turn: 2 points move a
 * line past a page's end by more than the room below a line of body text at 1.1 lines, 1.26 points.
 */
const nudges = [[0, 2], [1, 2], [0, 5], [1, 5], [0, 9]] as const;

/**
 * The page each block of the body starts on, and each bookmark, with the number of pages when a layout got to the end,
 * laid out as `carryOn` says.
 */
function layOutOn(estimate: PageNumberEstimator, blocks: readonly Xml[], context: IContext) {
  const marked = blocks.map((block, index) => withBookmark(block, blockBookmark(index)));
  const blockPages: number[] = [];
  const bookmarkPages = new Map<string, number>();
  let pageCount: number | undefined;
  let layouts = 0;
  const nudged = new Map<number, number>(); // the space before blocks that got the layouts past them, in points
  /**
   * Lays out from a block (`from`) as if it started page `page`, with the space of `nudged` and of `nudge` before blocks,
   * and takes the pages of the blocks from `keepFrom` on. Gives the last block it got to.
   */
  const layOut = (from: number, page: number, keepFrom: number, nudge = new Map<number, number>()): number => {
    layouts++;
    const spaces = new Map([...nudged, ...nudge]);
    const rest = marked.slice(from).flatMap((block, i) => (spaces.has(from + i) ? [spacer(spaces.get(from + i)!), block] : [block]));
    const result = estimate({ 'w:body': rest }, context);
    const pageAt = (index: number) => pageOf(result, blockBookmark(index));
    const reached = lastIndex(blocks.length, (index) => index >= from && pageAt(index) !== undefined);
    if (reached < keepFrom) return reached;
    for (let index = keepFrom; index <= reached; index++) {
      const at = pageAt(index);
      if (at !== undefined) blockPages[index] = page - 1 + at;
      for (const name of bookmarksIn(blocks[index]!)) {
        const bookmarkAt = pageOf(result, name);
        if (bookmarkAt !== undefined) bookmarkPages.set(name, page - 1 + bookmarkAt);
      }
    }
    pageCount = result.pageCount === undefined ? undefined : page - 1 + result.pageCount;
    return reached;
  };

  let reached = layOut(0, 1, 0);
  const restarts = new Map<number, number>(); // blocks after one stuck, and the page they are laid out from
  while (pageCount === undefined && reached + 1 < blocks.length && layouts < mostLayouts) {
    const next = reached + 1;
    const from = Math.max(0, lastIndex(next + 1, (index) => restarts.has(index) || (index <= reached && blockPages[index] !== undefined && startsPage(blocks, index))));
    const page = restarts.get(from) ?? blockPages[from] ?? 1;
    // Space before the block it stopped in or at the end of, or before the next (its bookmarks may have been dropped
    // with the page it stopped on), but not before the first laid out, nor one that starts a page anyway: after it.
    const spaced = (index: number) => (index > from && !breaksBefore(blocks[index]!) ? index : index + 1);
    let got = -1;
    for (const [which, points] of nudges) {
      if (layouts >= mostLayouts) break;
      const before = spaced(Math.max(from, reached) + which);
      if (before >= blocks.length) continue;
      const nudge = new Map([[before, points]]);
      got = layOut(from, page, next, nudge);
      if (got >= next) {
        for (const [index, space] of nudge) nudged.set(index, space);
        break;
      }
    }
    if (got >= next) {
      reached = got;
    } else {
      // Stuck at this block, wherever a page breaks: it starts the page the block before it did, and so does the next.
      blockPages[next] = blockPages[reached] ?? 1;
      restarts.set(next + 1, blockPages[next]);
      reached = next;
    }
  }
  // Blocks the layouts did not get to, or did not see, start the page of the block before them.
  for (let index = 0; index < blocks.length; index++) blockPages[index] ??= blockPages[index - 1] ?? 1;
  return { blockPages, bookmarkPages, pageCount };
}

/** The last index below `end` that `test` passes, or -1. */
function lastIndex(end: number, test: (index: number) => boolean): number {
  for (let index = end - 1; index >= 0; index--) if (test(index)) return index;
  return -1;
}

const blockBookmark = (index: number) => `_ekBlock${index}`;

/** The page a bookmark starts on, as a number, as an estimate gives it. */
function pageOf(estimated: EstimatedPageNumbers, name: string): number | undefined {
  const page = estimated.bookmarkPageNumbers?.get(name) ?? Number(estimated.bookmarks.get(name));
  return Number.isFinite(page) && page > 0 ? page : undefined;
}

/** Formatted XML: an element's name and content (its children, or its attributes). */
function element(xml: Xml): [string, unknown] | undefined {
  const entry = Object.entries(xml).find(([key]) => key.startsWith('w:'));
  return entry as [string, unknown] | undefined;
}

const children = (content: unknown): unknown[] => (Array.isArray(content) ? content : []);
const isXml = (value: unknown): value is Xml => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The names of the bookmarks that start in formatted XML (`w:bookmarkStart`), in order. */
function bookmarksIn(xml: unknown): string[] {
  if (Array.isArray(xml)) return xml.flatMap(bookmarksIn);
  if (!isXml(xml)) return [];
  return Object.entries(xml).flatMap(([key, value]) => {
    if (key === 'w:bookmarkStart') {
      const name = (value as { _attr?: Record<string, unknown> })._attr?.['w:name'];
      return typeof name === 'string' ? [name] : [];
    }
    return key === '_attr' ? [] : bookmarksIn(value);
  });
}

/** A block with a bookmark at the start of its first paragraph (a table's: its first cell's), if it has one. */
function withBookmark(block: Xml, name: string): Xml {
  const id = 900_000 + Number(name.replace(/\D/g, ''));
  const mark = [{ 'w:bookmarkStart': { _attr: { 'w:id': id, 'w:name': name } } }, { 'w:bookmarkEnd': { _attr: { 'w:id': id } } }];
  const into = (xml: Xml): Xml | undefined => {
    const [tag, content] = element(xml) ?? [];
    if (tag === undefined) return undefined;
    const items = children(content);
    if (tag === 'w:p') {
      const at = items.findIndex((item) => !isXml(item) || !('_attr' in item || 'w:pPr' in item));
      const index = at < 0 ? items.length : at;
      return { ...xml, [tag]: [...items.slice(0, index), ...mark, ...items.slice(index)] };
    }
    for (const [index, item] of items.entries()) {
      const inner = isXml(item) ? into(item) : undefined;
      if (inner) return { ...xml, [tag]: items.map((other, i) => (i === index ? inner : other)) };
    }
    return undefined;
  };
  return into(block) ?? block;
}

/** The properties of a paragraph, if the block is one. */
function paragraphProperties(block: Xml): unknown[] {
  const [name, content] = element(block) ?? [];
  if (name !== 'w:p') return [];
  const properties = children(content).find((item) => isXml(item) && 'w:pPr' in item) as Xml | undefined;
  return children(properties?.['w:pPr']);
}

const isOff = (content: unknown) => {
  const value = children(content).find(isXml)?._attr?.['w:val'] ?? (isXml(content) ? content._attr?.['w:val'] : undefined);
  return value === false || value === 0 || value === '0' || value === 'false' || value === 'off';
};

/** Whether a paragraph starts a page of its own: `w:pageBreakBefore`. */
function breaksBefore(block: Xml): boolean {
  return paragraphProperties(block).some((item) => isXml(item) && 'w:pageBreakBefore' in item && !isOff(item['w:pageBreakBefore']));
}

/** Whether a block surely starts a page: the first, a paragraph with a page break before it, a section's first. */
function startsPage(blocks: readonly Xml[], index: number): boolean {
  if (index === 0 || breaksBefore(blocks[index]!)) return true;
  const ended = paragraphProperties(blocks[index - 1]!).some((item) => isXml(item) && 'w:sectPr' in item);
  if (!ended) return false;
  // The section it starts says how it starts, in the properties that end it: a new page unless continuous.
  const next = blocks.slice(index).map((block) => {
    const own = element(block)?.[0] === 'w:sectPr' ? block : paragraphProperties(block).find((item) => isXml(item) && 'w:sectPr' in item);
    return own === undefined ? undefined : children((own as Xml)['w:sectPr']);
  }).find((properties) => properties !== undefined);
  const type = next?.find((item): item is Xml => isXml(item) && 'w:type' in item)?.['w:type']?._attr?.['w:val'];
  return type === undefined || ['nextPage', 'oddPage', 'evenPage'].includes(type);
}

/** An empty paragraph exactly `points` tall, kept with the next, to move what follows it down the page. */
function spacer(points: number): Xml {
  const spacing = { 'w:spacing': { _attr: { 'w:before': 0, 'w:after': 0, 'w:line': Math.round(points * 20), 'w:lineRule': 'exact' } } };
  return { 'w:p': [{ 'w:pPr': [{ 'w:keepNext': {} }, spacing] }] };
}
