import type { EstimatedPageNumbers, IContext, IXmlableObject, PageNumberEstimator } from 'docx';
import { robotoFaceOf } from '../fonts.js';
import { robotoAdvance, robotoMetrics } from './font-metrics.js';

/**
 * Where each bookmark's page is, by laying the body out as Word does in the main: lines broken at spaces with
 * Roboto's real advance widths, the line height of Word's auto spacing (1.2 em for Roboto), space before and after,
 * contextual spacing, widow and orphan control, keep-with-next, page breaks, sections, table rows split across pages
 * (or not, with `cantSplit`) and pictures at their size. It is an estimate — Word corrects it when it updates the
 * fields — and takes milliseconds where docx's own layout (docx/layout) took seconds for the report.
 *
 * Styles are read from the document being written (`context.file.Styles`), so a style changed in styles.ts is
 * measured as written.
 */
export const estimatePageNumbers: PageNumberEstimator = (body, context) => layOut(blocksOf(body), readStyles(context));

// ------------------------------------------------------------------------------------------------ formatted XML

type Xml = IXmlableObject;
type Attributes = Record<string, unknown>;

/** An element's name and content, e.g. `['w:p', [...]]`. */
const elementOf = (xml: unknown): [string, unknown] | undefined => {
  if (typeof xml !== 'object' || xml === null || Array.isArray(xml)) return undefined;
  return Object.entries(xml).find(([key]) => key !== '_attr') as [string, unknown] | undefined;
};
const childrenOf = (content: unknown): unknown[] => (Array.isArray(content) ? content : []);
const attributesOf = (content: unknown): Attributes => {
  if (Array.isArray(content)) return ((content.find((item) => typeof item === 'object' && item !== null && '_attr' in item) as { _attr?: Attributes } | undefined)?._attr) ?? {};
  return ((content as { _attr?: Attributes } | undefined)?._attr) ?? {};
};
/** The content of the first child named `name`. */
const child = (content: unknown, name: string): unknown => {
  for (const item of childrenOf(content)) {
    const element = elementOf(item);
    if (element?.[0] === name) return element[1];
  }
  return undefined;
};
const has = (content: unknown, name: string) => childrenOf(content).some((item) => elementOf(item)?.[0] === name);
const number = (value: unknown): number | undefined => (value === undefined || value === '' || Number.isNaN(Number(value)) ? undefined : Number(value));
const isOn = (content: unknown): boolean => {
  const value = attributesOf(content)['w:val'];
  return !(value === false || value === 0 || value === '0' || value === 'false' || value === 'off');
};
/** An on/off property: undefined when absent. */
const flag = (content: unknown, name: string): boolean | undefined => (has(content, name) ? isOn(child(content, name)) : undefined);

// ------------------------------------------------------------------------------------------------------- styles

interface ParagraphFormat {
  before?: number; after?: number; line?: number; lineRule?: string;
  left?: number; right?: number; firstLine?: number; hanging?: number;
  keepNext?: boolean; keepLines?: boolean; pageBreakBefore?: boolean; contextual?: boolean; widowControl?: boolean;
}
interface RunFormat { size?: number; bold?: boolean; italic?: boolean; font?: string }
interface Style { type: string; basedOn?: string; paragraph: ParagraphFormat; run: RunFormat; cellMargins?: Margins }
interface Margins { top: number; bottom: number; left: number; right: number }
interface Styles {
  defaults: { paragraph: ParagraphFormat; run: RunFormat };
  byId: Map<string, Style>;
  /** Each list's levels (by `w:numId`, then `w:ilvl`): their indents, which a list paragraph takes over its style's. */
  lists: Map<string, Map<string, ParagraphFormat>>;
}

const withoutUndefined = <T extends object>(object: T): T => Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;

function paragraphFormat(pPr: unknown): ParagraphFormat {
  const spacing = attributesOf(child(pPr, 'w:spacing'));
  const indent = attributesOf(child(pPr, 'w:ind'));
  return withoutUndefined({
    before: number(spacing['w:before']), after: number(spacing['w:after']), line: number(spacing['w:line']),
    lineRule: spacing['w:lineRule'] as string | undefined,
    left: number(indent['w:left'] ?? indent['w:start']), right: number(indent['w:right'] ?? indent['w:end']),
    firstLine: number(indent['w:firstLine']), hanging: number(indent['w:hanging']),
    keepNext: flag(pPr, 'w:keepNext'), keepLines: flag(pPr, 'w:keepLines'), pageBreakBefore: flag(pPr, 'w:pageBreakBefore'),
    contextual: flag(pPr, 'w:contextualSpacing'), widowControl: flag(pPr, 'w:widowControl'),
  });
}

function runFormat(rPr: unknown): RunFormat {
  return withoutUndefined({
    size: number(attributesOf(child(rPr, 'w:sz'))['w:val']), bold: flag(rPr, 'w:b'), italic: flag(rPr, 'w:i'),
    font: attributesOf(child(rPr, 'w:rFonts'))['w:ascii'] as string | undefined,
  });
}

function readStyles(context: IContext): Styles {
  const styles = (context.file as unknown as { Styles?: { prepForXml(context: IContext): Xml } } | undefined)?.Styles?.prepForXml(context);
  const root = childrenOf(elementOf(styles)?.[1]);
  const defaults = child(root, 'w:docDefaults');
  const byId = new Map<string, Style>();
  for (const item of root) {
    const [name, content] = elementOf(item) ?? [];
    if (name !== 'w:style') continue;
    const attributes = attributesOf(content);
    const cellMargins = child(child(content, 'w:tblPr'), 'w:tblCellMar');
    byId.set(String(attributes['w:styleId']), {
      type: String(attributes['w:type']),
      ...(has(content, 'w:basedOn') ? { basedOn: String(attributesOf(child(content, 'w:basedOn'))['w:val']) } : {}),
      paragraph: paragraphFormat(child(content, 'w:pPr')),
      run: runFormat(child(content, 'w:rPr')),
      ...(cellMargins ? {
        cellMargins: {
          top: number(attributesOf(child(cellMargins, 'w:top'))['w:w']) ?? 0, bottom: number(attributesOf(child(cellMargins, 'w:bottom'))['w:w']) ?? 0,
          left: number(attributesOf(child(cellMargins, 'w:left'))['w:w']) ?? 108, right: number(attributesOf(child(cellMargins, 'w:right'))['w:w']) ?? 108,
        },
      } : {}),
    });
  }
  return {
    defaults: { paragraph: paragraphFormat(child(child(defaults, 'w:pPrDefault'), 'w:pPr')), run: runFormat(child(child(defaults, 'w:rPrDefault'), 'w:rPr')) },
    byId,
    lists: readLists(context),
  };
}

/** The numbering part's lists (`w:num`), each with the levels of its abstract definition (`w:abstractNum`). */
function readLists(context: IContext): Styles['lists'] {
  const numbering = (context.file as unknown as { Numbering?: NumberingPart } | undefined)?.Numbering;
  const root = childrenOf(elementOf(numbering?.prepForXml(context))?.[1]);
  const elements = (name: string) => root.flatMap((item) => (elementOf(item)?.[0] === name ? [elementOf(item)![1]] : []));
  const definitions = new Map(elements('w:abstractNum').map((definition) => [
    String(attributesOf(definition)['w:abstractNumId']),
    new Map(childrenOf(definition).flatMap((item) => {
      const [name, level] = elementOf(item) ?? [];
      return name === 'w:lvl' ? [[String(attributesOf(level)['w:ilvl']), paragraphFormat(child(level, 'w:pPr'))] as const] : [];
    })),
  ]));
  const lists = new Map(elements('w:num').map((list) => [
    String(attributesOf(list)['w:numId']),
    definitions.get(String(attributesOf(child(list, 'w:abstractNumId'))['w:val'])) ?? new Map(),
  ]));
  // Until the package is written, a paragraph names its list as docx's placeholder for the number: `{reference-instance}`.
  for (const { reference, instance, restartedListId, numId } of numbering?.ConcreteNumbering ?? []) {
    const key = restartedListId === undefined ? `${reference}-${instance}` : `${reference}-restart ${restartedListId}`;
    lists.set(`{${key}}`, lists.get(String(numId)) ?? new Map());
  }
  return lists;
}

/** What the page estimate reads of docx's numbering part. */
interface NumberingPart {
  prepForXml(context: IContext): Xml;
  ConcreteNumbering: { reference: string; instance: number; restartedListId?: string; numId: number }[];
}

/** A style with those it is based on, the base first. */
function chain(styles: Styles, id: string | undefined, seen = new Set<string>()): Style[] {
  const style = id === undefined || seen.has(id) ? undefined : styles.byId.get(id);
  return style ? [...chain(styles, style.basedOn, new Set([...seen, id!])), style] : [];
}

// -------------------------------------------------------------------------------------------------- measuring

const faceOf = (run: RunFormat) => robotoFaceOf(run.bold, run.italic);

const isFixedPitch = (run: RunFormat) => run.font !== undefined && /courier/i.test(run.font);

/** The advance width of a character in ems; Courier New (code) is 0.6 em throughout. */
function advance(character: number, run: RunFormat): number {
  return isFixedPitch(run) ? 0.6 : robotoAdvance(character, faceOf(run));
}

/** A single line's height in ems, from the font's horizontal header (ascender, descender, line gap) as Word takes it. */
function lineEm(run: RunFormat): number {
  if (isFixedPitch(run)) return 1.133;
  const font = robotoMetrics(faceOf(run));
  return (font.ascent - font.descent + font.lineGap) / font.unitsPerEm;
}

/** A piece of a paragraph's content: a word (with the space after it), or a picture. */
interface Piece { width: number; space: number; height: number; breakAfter: boolean; picture?: true }

/** The lines a paragraph's pieces fill in `width` points: the height of each. */
function breakLines(pieces: Piece[], width: number, firstIndent: number, minimum: number): number[] {
  const lines: number[] = [];
  let used = 0;
  let height = minimum;
  let empty = true;
  for (const piece of pieces) {
    const room = width - (lines.length === 0 ? firstIndent : 0);
    if (!empty && used + piece.width > room) {
      lines.push(height);
      used = 0;
      height = minimum;
      empty = true;
    }
    // A word wider than a whole line is broken where each line ends.
    let rest = piece.width;
    for (; empty && !piece.picture && room > 0 && rest > room; rest -= room) lines.push(Math.max(height, piece.height));
    used += rest + piece.space;
    height = Math.max(height, piece.height);
    empty = false;
    if (piece.breakAfter) {
      lines.push(height);
      used = 0;
      height = minimum;
      empty = true;
    }
  }
  if (!empty || lines.length === 0) lines.push(height);
  return lines;
}

// ----------------------------------------------------------------------------------------------------- blocks

interface Geometry { width: number; height: number; pageNumberStart?: number }

/** A laid-out paragraph: its lines' heights and what keeps it, ready to flow onto pages. */
interface Lines {
  kind: 'lines';
  lines: number[];
  before: number;
  after: number;
  style: string;
  contextual: boolean;
  keepNext: boolean;
  keepLines: boolean;
  pageBreakBefore: boolean;
  widowControl: boolean;
  bookmarks: string[];
  /** Ends a section: what follows starts a new page with this geometry. */
  sectionAfter?: Geometry;
}
interface Row { height: number; cantSplit: boolean; header: boolean; bookmarks: string[] }
interface Rows { kind: 'rows'; rows: Row[] }
type Block = Lines | Rows;

const twipsToPoints = (twips: number) => twips / 20;

function blocksOf(body: Xml): Xml[] {
  return childrenOf(elementOf(body)?.[1]).flatMap(flattenContent) as Xml[];
}

/** Content controls (the TOC's `w:sdt`) hold blocks: their blocks, in place. */
function flattenContent(item: unknown): unknown[] {
  const [name, content] = elementOf(item) ?? [];
  if (name === 'w:sdt') return childrenOf(child(content, 'w:sdtContent')).flatMap(flattenContent);
  return name === 'w:p' || name === 'w:tbl' || name === 'w:sectPr' ? [item] : [];
}

function geometryOf(sectPr: unknown): Geometry {
  const size = attributesOf(child(sectPr, 'w:pgSz'));
  const margins = attributesOf(child(sectPr, 'w:pgMar'));
  const start = number(attributesOf(child(sectPr, 'w:pgNumType'))['w:start']);
  return {
    width: twipsToPoints((number(size['w:w']) ?? 11906) - (number(margins['w:left']) ?? 1440) - (number(margins['w:right']) ?? 1440)),
    height: twipsToPoints((number(size['w:h']) ?? 16838) - Math.abs(number(margins['w:top']) ?? 1440) - Math.abs(number(margins['w:bottom']) ?? 1440)),
    ...(start !== undefined ? { pageNumberStart: start } : {}),
  };
}

function bookmarksIn(xml: unknown): string[] {
  if (Array.isArray(xml)) return xml.flatMap(bookmarksIn);
  if (typeof xml !== 'object' || xml === null) return [];
  return Object.entries(xml).flatMap(([key, value]) => {
    if (key === 'w:bookmarkStart') {
      const name = attributesOf(value)['w:name'];
      return typeof name === 'string' ? [name] : [];
    }
    return key === '_attr' ? [] : bookmarksIn(value);
  });
}

interface TableContext { style?: Style[] }

/** A paragraph's lines in a column `width` points wide. */
function paragraph(content: unknown, styles: Styles, width: number, inTable: TableContext = {}): Lines {
  const pPr = child(content, 'w:pPr');
  const styleId = attributesOf(child(pPr, 'w:pStyle'))['w:val'] as string | undefined;
  const styleChain = chain(styles, styleId ?? 'Normal');
  const numPr = child(pPr, 'w:numPr');
  const listLevel = numPr && styles.lists.get(String(attributesOf(child(numPr, 'w:numId'))['w:val']))?.get(String(attributesOf(child(numPr, 'w:ilvl'))['w:val'] ?? 0));
  // Word: document defaults, then the table style, then the paragraph style, then the list level, then direct formatting.
  const format: ParagraphFormat = Object.assign({}, styles.defaults.paragraph, ...(inTable.style ?? []).map((s) => s.paragraph), ...styleChain.map((s) => s.paragraph), listLevel ?? {}, paragraphFormat(pPr));
  const base: RunFormat = Object.assign({}, styles.defaults.run, ...(inTable.style ?? []).map((s) => s.run), ...styleChain.map((s) => s.run));
  const pieces: Piece[] = [];
  const lineHeight = (run: RunFormat) => {
    const natural = ((run.size ?? 20) / 2) * lineEm(run);
    const rule = format.lineRule ?? 'auto';
    const line = format.line ?? 240;
    if (rule === 'exact') return twipsToPoints(line);
    if (rule === 'atLeast') return Math.max(natural, twipsToPoints(line));
    return (natural * line) / 240;
  };
  let minimum = lineHeight(base);
  const runs = (items: unknown[]) => {
    for (const item of items) {
      const [name, inner] = elementOf(item) ?? [];
      if (name === 'w:hyperlink' || name === 'w:smartTag' || name === 'w:ins' || name === 'w:fldSimple') runs(childrenOf(inner));
      if (name !== 'w:r') continue;
      const own = runFormat(child(inner, 'w:rPr'));
      const styled = chain(styles, attributesOf(child(child(inner, 'w:rPr'), 'w:rStyle'))['w:val'] as string | undefined).map((s) => s.run);
      const run: RunFormat = Object.assign({}, base, ...styled, own);
      const size = (run.size ?? 20) / 2;
      const height = lineHeight(run);
      for (const part of childrenOf(inner)) {
        const [kind, value] = elementOf(part) ?? [];
        if (kind === 'w:t') addText(childrenOf(value).filter((v): v is string => typeof v === 'string').join(''), run, size, height);
        else if (kind === 'w:softHyphen') open = false; // a break opportunity within the word (its hyphen is left out)
        else if (kind === 'w:tab') (pieces.push({ width: size * 2, space: 0, height, breakAfter: false }), (open = false));
        else if (kind === 'w:br') (pieces.push({ width: 0, space: 0, height, breakAfter: true }), (open = false));
        else if (kind === 'w:drawing') {
          const extent = attributesOf(child(child(value, 'wp:inline'), 'wp:extent'));
          const points = (number(extent['cy']) ?? 0) / 12700;
          pieces.push({ width: (number(extent['cx']) ?? 0) / 12700, space: 0, height: format.lineRule === 'exact' ? twipsToPoints(format.line ?? 240) : points * ((format.line ?? 240) / 240), breakAfter: false, picture: true });
          open = false;
        }
      }
    }
  };
  // A word goes on across runs ("Zaisan" in bold, then ","): no break between them.
  let open = false;
  const addText = (text: string, run: RunFormat, size: number, height: number) => {
    // Break opportunities: after a space, and after a hyphen or dash within a word.
    for (const word of text.split(/(?<=[ \u2013\u2014-])/)) {
      if (word === '') continue;
      const trailing = word.endsWith(' ');
      let width = 0;
      for (const character of trailing ? word.slice(0, -1) : word) width += advance(character.codePointAt(0)!, run) * size;
      const space = trailing ? advance(32, run) * size : 0;
      const last = pieces.at(-1);
      if (open && last) {
        last.width += width;
        last.space = space;
        last.height = Math.max(last.height, height);
      } else {
        pieces.push({ width, space, height, breakAfter: false });
      }
      open = !trailing && !/[\u2013\u2014-]$/.test(word);
    }
  };
  runs(childrenOf(content));
  if (pieces.length === 0) minimum = lineHeight(base);
  const left = twipsToPoints(format.left ?? 0);
  const right = twipsToPoints(format.right ?? 0);
  // A list item's number or bullet hangs in the indent and a tab takes its text to the indent: every line starts there.
  const first = listLevel ? 0 : twipsToPoints((format.firstLine ?? 0) - (format.hanging ?? 0));
  const lines = breakLines(pieces, width - left - right, first, minimum);
  const sectPr = child(pPr, 'w:sectPr');
  return {
    kind: 'lines', lines, before: twipsToPoints(format.before ?? 0), after: twipsToPoints(format.after ?? 0),
    style: styleId ?? 'Normal', contextual: format.contextual === true, keepNext: format.keepNext === true,
    keepLines: format.keepLines === true, pageBreakBefore: format.pageBreakBefore === true, widowControl: format.widowControl !== false,
    bookmarks: bookmarksIn(content),
    ...(sectPr ? { sectionAfter: geometryOf(sectPr) } : {}),
  };
}

/** A table's rows, each as tall as its tallest cell, in a column `width` points wide. */
function table(content: unknown, styles: Styles, width: number): Rows {
  const tblPr = child(content, 'w:tblPr');
  const styleChain = chain(styles, attributesOf(child(tblPr, 'w:tblStyle'))['w:val'] as string | undefined);
  const styleMargins = [...styleChain].reverse().find((s) => s.cellMargins)?.cellMargins ?? { top: 0, bottom: 0, left: 108, right: 108 };
  const ownMargins = child(tblPr, 'w:tblCellMar');
  const marginOf = (content: unknown, side: keyof Margins, fallback: number) => number(attributesOf(child(content, `w:${side}`))['w:w']) ?? fallback;
  const margins: Margins = ownMargins
    ? { top: marginOf(ownMargins, 'top', styleMargins.top), bottom: marginOf(ownMargins, 'bottom', styleMargins.bottom), left: marginOf(ownMargins, 'left', styleMargins.left), right: marginOf(ownMargins, 'right', styleMargins.right) }
    : styleMargins;
  const grid = childrenOf(child(content, 'w:tblGrid')).map((col) => twipsToPoints(number(attributesOf(elementOf(col)?.[1])['w:w']) ?? 0));
  const gridWidth = grid.reduce((sum, w) => sum + w, 0);
  // A grid wider than the page is squeezed to it, as Word does with a table set to the page width.
  const scale = gridWidth > width && gridWidth > 0 ? width / gridWidth : 1;
  const rows: Row[] = [];
  for (const item of childrenOf(content)) {
    const [name, row] = elementOf(item) ?? [];
    if (name !== 'w:tr') continue;
    const trPr = child(row, 'w:trPr');
    let column = 0;
    let height = 0;
    for (const cellItem of childrenOf(row)) {
      const [cellName, cell] = elementOf(cellItem) ?? [];
      if (cellName !== 'w:tc') continue;
      const tcPr = child(cell, 'w:tcPr');
      const span = number(attributesOf(child(tcPr, 'w:gridSpan'))['w:val']) ?? 1;
      const cellMar = child(tcPr, 'w:tcMar');
      const left = cellMar ? marginOf(cellMar, 'left', margins.left) : margins.left;
      const right = cellMar ? marginOf(cellMar, 'right', margins.right) : margins.right;
      const top = cellMar ? marginOf(cellMar, 'top', margins.top) : margins.top;
      const bottom = cellMar ? marginOf(cellMar, 'bottom', margins.bottom) : margins.bottom;
      const cellWidth = (grid.slice(column, column + span).reduce((sum, w) => sum + w, 0) || width / Math.max(1, grid.length)) * scale;
      column += span;
      const inner = cellWidth - twipsToPoints(left + right);
      const blocks = childrenOf(cell).flatMap(flattenContent).map((block) => measure(block, styles, inner, { style: styleChain }));
      height = Math.max(height, twipsToPoints(top + bottom) + stackHeight(blocks));
    }
    rows.push({ height, cantSplit: flag(trPr, 'w:cantSplit') === true, header: flag(trPr, 'w:tblHeader') === true, bookmarks: bookmarksIn(row) });
  }
  return { kind: 'rows', rows };
}

function measure(block: unknown, styles: Styles, width: number, tableContext?: TableContext): Block {
  const [name, content] = elementOf(block) ?? [];
  return name === 'w:tbl' ? table(content, styles, width) : paragraph(content, styles, width, tableContext);
}

/**
 * The space between two paragraphs: the larger of the one's space after and the other's space before, as Word does
 * unless told to add them (`doNotUseHTMLParagraphAutoSpacing`, which docx does not write); none between paragraphs of
 * one style with contextual spacing.
 */
function spaceBetween(previous: Lines | undefined, next: Lines): number {
  if (!previous) return next.before;
  if (next.contextual && previous.contextual && previous.style === next.style) return 0;
  return Math.max(previous.after, next.before);
}

/** The height of blocks one after another, as in a table cell (no pages). */
function stackHeight(blocks: Block[]): number {
  let height = 0;
  let previous: Lines | undefined;
  for (const block of blocks) {
    if (block.kind === 'rows') {
      height += (previous?.after ?? 0) + block.rows.reduce((sum, row) => sum + row.height, 0);
      previous = undefined;
      continue;
    }
    height += spaceBetween(previous, block) + block.lines.reduce((sum, line) => sum + line, 0);
    previous = block;
  }
  return height + (previous?.after ?? 0);
}

// ------------------------------------------------------------------------------------------------------- pages

function layOut(items: Xml[], styles: Styles): EstimatedPageNumbers {
  // A paragraph's sectPr ends its section and describes it; the body's own sectPr describes the last section.
  const sectionEnds = items.map((item) => {
    const [name, content] = elementOf(item) ?? [];
    if (name === 'w:sectPr') return geometryOf(content);
    return name === 'w:p' && child(child(content, 'w:pPr'), 'w:sectPr') ? geometryOf(child(child(content, 'w:pPr'), 'w:sectPr')) : undefined;
  });
  const geometryFrom = (index: number) => sectionEnds.slice(index).find((g) => g !== undefined) ?? geometryOf(undefined);

  let geometry = geometryFrom(0);
  let page = 1;
  let used = 0; // points used on the current page
  let displayed = 1; // the number the current page shows
  const pages = new Map<string, number>();
  const mark = (names: string[]) => names.forEach((name) => pages.has(name) || pages.set(name, displayed));
  const newPage = () => {
    page++;
    displayed++;
    used = 0;
  };
  const blocks = items.flatMap((item) => (elementOf(item)?.[0] === 'w:sectPr' ? [] : [item]));
  const measured = blocks.map((item, index) => ({ index, block: measure(item, styles, geometryFrom(index).width) }));
  let previous: Lines | undefined;

  for (const [position, { block }] of measured.entries()) {
    if (block.kind === 'rows') {
      used = Math.min(geometry.height, used + (previous?.after ?? 0));
      const headers = block.rows.filter((row) => row.header).reduce((sum, row) => sum + row.height, 0);
      for (const row of block.rows) {
        let height = row.height;
        // A row that does not fit moves to the next page whole if it may not split, or if less than two lines' room is left.
        if (used > 0 && used + height > geometry.height && (row.cantSplit || geometry.height - used < 24)) {
          newPage();
          used += headers && !row.header ? headers : 0;
        }
        mark(row.bookmarks);
        // A row taller than what is left breaks across pages (the header rows repeat on each).
        while (used + height > geometry.height) {
          height -= geometry.height - used;
          newPage();
          used += headers && !row.header ? headers : 0;
        }
        used += height;
      }
      previous = undefined;
      continue;
    }
    const lines = block;
    if (lines.pageBreakBefore && used > 0) newPage();
    // Space before is dropped at the top of a page the text before filled, kept after a page break.
    let before = used === 0 ? (lines.pageBreakBefore || position === 0 ? lines.before : 0) : spaceBetween(previous, lines);
    const total = lines.lines.reduce((sum, line) => sum + line, 0);
    // What must go on this page with the paragraph's first line: all of it (keep lines together, or keep with next:
    // our headings and captions are short), else its first two lines (orphan control); with keep-with-next, also the
    // start of what follows.
    const firstPart = lines.keepLines ? total : lines.lines.slice(0, lines.widowControl ? 2 : 1).reduce((sum, line) => sum + line, 0);
    const next = lines.keepNext ? nextStart(measured.slice(position + 1).map((m) => m.block)) : 0;
    const needed = before + (lines.keepNext ? total : firstPart) + next;
    if (used > 0 && used + needed > geometry.height && needed <= geometry.height) {
      newPage();
      before = 0;
    }
    used += before;
    mark(lines.bookmarks);
    lines.lines.forEach((line, i) => {
      const left = lines.lines.length - i;
      // Widow control: the last line never alone at the top of a page.
      const widow = lines.widowControl && left === 2 && lines.lines.length >= 3 && used + line + lines.lines[i + 1]! > geometry.height && used + line <= geometry.height;
      if (used > 0 && (used + line > geometry.height || widow)) newPage();
      used += line;
    });
    // The space after is added with the next paragraph's space before (the larger of the two), or dropped at the page's end.
    previous = lines;
    if (lines.sectionAfter !== undefined) {
      geometry = geometryFrom(measured[position + 1]?.index ?? blocks.length);
      newPage();
      if (geometry.pageNumberStart !== undefined) displayed = geometry.pageNumberStart;
      previous = undefined;
    }
  }
  return { bookmarks: new Map([...pages].map(([name, at]) => [name, String(at)])), bookmarkPageNumbers: pages, pageCount: page };
}

/** The height of what a keep-with-next paragraph must share its page with: the next paragraph's first two lines, or a table's first row. */
function nextStart(following: Block[]): number {
  const next = following[0];
  if (!next) return 0;
  if (next.kind === 'rows') return Math.min(next.rows[0]?.height ?? 0, 48);
  const start = next.before + next.lines.slice(0, next.widowControl ? 2 : 1).reduce((sum, line) => sum + line, 0);
  return next.keepNext ? start + nextStart(following.slice(1)) : start;
}
