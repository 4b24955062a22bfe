import {
  AlignmentType,
  Bookmark,
  BookmarkEnd,
  BookmarkStart,
  bookmarkUniqueNumericId,
  type FileChild,
  HeadingLevel,
  type IParagraphOptions,
  Paragraph,
  type ParagraphChild,
  SequentialIdentifier,
  Table,
  TableCell,
  TableOfContents,
  TableLayoutType,
  TableRow,
  WidthType,
} from 'docx';
import type { Blockquote, Heading, Html, List, ListItem, Paragraph as MdParagraph, RootContent, Table as MdTable, TableRow as TableRowNode } from 'mdast';
import type { ContainerDirective, LeafDirective } from 'mdast-util-directive';
import { toString } from 'mdast-util-to-string';
import { bookmarkName, type Context, warn, wordLanguage } from './context.js';
import { crowdedColumns } from '../crowded-columns.js';
import { figureImage } from './figure.js';
import { tableCellMargins, tableCellPadding, tableCharacter, tableLine } from './geometry.js';
import { inlines, textRun } from './inlines.js';
import { listContinuationIndent, listReferences, orderedNumbering } from './styles.js';

type BlockHandler = (node: never, ctx: Context) => FileChild[];

/** Flow content → paragraphs and tables, by node type (directives by `::name` / `:::name`). */
export function blocks(nodes: readonly RootContent[], ctx: Context): FileChild[] {
  return nodes.flatMap((node) => block(node, ctx));
}

function block(node: RootContent, ctx: Context): FileChild[] {
  const key = node.type === 'leafDirective' ? `::${node.name}` : node.type === 'containerDirective' ? `:::${node.name}` : node.type;
  const handler = blockHandlers[key] as ((node: RootContent, ctx: Context) => FileChild[]) | undefined;
  if (handler) return handler(node, ctx);
  warn(ctx, node, `the DOCX writer has no handler for \`${key}\`; its text is kept`, 'docx-unsupported-node');
  const text = toString(node);
  return text ? [paragraph(ctx, { style: ctx.paragraphStyle, children: [textRun(text, ctx)] })] : [];
}

/**
 * Every paragraph of the body and the notes: its mark carries the language, as Word writes it (so a paragraph with no
 * text, such as a picture's, has one too), and the first after a `::pagebreak` starts the page.
 */
export function paragraph(ctx: Context, options: IParagraphOptions): Paragraph {
  if (ctx.note) return new Paragraph({ ...options, run: { language: { value: ctx.lang } } });
  const breakBefore = ctx.doc.pageBreakPending;
  const rowStart = ctx.doc.rowStart;
  ctx.doc.pageBreakPending = false;
  ctx.doc.sectionBlank = false;
  ctx.doc.rowStart = false;
  return new Paragraph({
    ...options,
    pageBreakBefore: options.pageBreakBefore || breakBefore || undefined,
    // Word keeps a row with the next when the first paragraph of its first cell is kept with the next, and LibreOffice
    // then moves the whole row to the next page, leaving the rest of the page empty: a `:::parallel` row starts with a
    // heading, kept with the next by its style, so that one paragraph is not.
    keepNext: rowStart ? false : options.keepNext,
    run: { language: { value: ctx.lang } },
  });
}

/** The next paragraph starts a new page, unless nothing has been written since the section (a new page) began. */
function breakPage(ctx: Context): void {
  if (!ctx.doc.sectionBlank) ctx.doc.pageBreakPending = true;
}

const headingLevels = [
  HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3,
  HeadingLevel.HEADING_4, HeadingLevel.HEADING_5, HeadingLevel.HEADING_6,
] as const;

const cellAlignments = { left: AlignmentType.LEFT, center: AlignmentType.CENTER, right: AlignmentType.RIGHT } as const;

const boxStyles: Record<string, string> = { facts: 'Facts', note: 'CalloutNote', warning: 'CalloutWarning' };

const blockHandlers: Record<string, BlockHandler> = {
  heading: (node: Heading, ctx) => {
    const children = inlines(node.children, ctx);
    const id = node.data?.id;
    return [paragraph(ctx, {
      heading: headingLevels[node.depth - 1],
      children: id ? [new Bookmark({ id: bookmarkName(id), children })] : children,
    })];
  },
  paragraph: (node: MdParagraph, ctx) => {
    // A container directive's `[label]` (other than a table caption) is the box's title line.
    const inner = node.data?.directiveLabel ? { ...ctx, bold: true } : ctx;
    const indent = ctx.list ? listContinuationIndent(ctx.list.level) : undefined;
    return [paragraph(ctx, { style: ctx.paragraphStyle, indent, children: inlines(node.children, inner) })];
  },
  list: (node: List, ctx) => {
    const list = {
      reference: node.ordered ? orderedNumbering(node.start ?? 1) : listReferences.bullet,
      instance: node.ordered ? ++ctx.doc.listInstances : undefined,
      level: ctx.list ? ctx.list.level + 1 : 0,
    };
    return node.children.flatMap((item) => block(item, { ...ctx, list }));
  },
  listItem: (node: ListItem, ctx) => {
    const [first, ...rest] = node.children;
    if (first?.type !== 'paragraph' || !ctx.list) return blocks(node.children, ctx);
    const { reference, instance, level } = ctx.list;
    const children = inlines(first.children, ctx);
    const numbered = paragraph(ctx, { numbering: { reference, instance, level }, children });
    return [numbered, ...blocks(rest, ctx)];
  },
  blockquote: (node: Blockquote, ctx) => blocks(node.children, { ...ctx, paragraphStyle: 'Quote' }),
  thematicBreak: (_node: never, ctx) => [paragraph(ctx, { style: 'HorizontalRule' })],
  table: (node: MdTable, ctx) => [dataTable(node, ctx), afterTable(ctx)],
  // Footnote definitions become Word footnotes where they are referenced.
  footnoteDefinition: () => [],
  html: (node: Html, ctx) => {
    warn(ctx, node, 'raw HTML is written as literal text in DOCX', 'docx-html');
    return [paragraph(ctx, { children: [textRun(node.value, ctx)] })];
  },
  '::pagebreak': (node: LeafDirective, ctx) => {
    if (ctx.cell) warn(ctx, node, '`::pagebreak` cannot break a page inside a `:::parallel` row; it is left out', 'docx-pagebreak-in-parallel');
    else breakPage(ctx);
    return [];
  },
  ':::titlepage': (node: ContainerDirective, ctx) => {
    const [title, ...rest] = node.children;
    if (!ctx.cell) breakPage(ctx);
    const titleParagraph = title?.type === 'paragraph'
      ? [paragraph(ctx, { style: 'Title', children: inlines(title.children, ctx) })]
      : blocks(title ? [title] : [], ctx);
    const content = [...titleParagraph, ...blocks(rest, { ...ctx, paragraphStyle: 'Subtitle' })];
    if (!ctx.cell) breakPage(ctx);
    return content;
  },
  // The title is the directive's label (`::toc[Índice]`), else the writer's label, each in its own language; the
  // entries docx writes into the field get the language of this place (languages.ts).
  '::toc': (node: LeafDirective, ctx) => {
    const label = toString(node).trim();
    const title = paragraph(ctx, {
      style: 'TOCHeading',
      children: label ? inlines(node.children, ctx) : [textRun(ctx.doc.options.labels.contents, { ...ctx, lang: wordLanguage(ctx.doc.options.meta.lang) })],
    });
    const entriesFromBookmark = ctx.doc.tocScopes && startTocScope(title, ctx.doc.tocScopes);
    ctx.doc.tocLanguages.push(ctx.lang);
    // A real TOC field: docx fills in its entries, linked to the headings, and (with `pageNumbers`) their pages.
    const toc = new TableOfContents(label || ctx.doc.options.labels.contents, { hyperlink: true, headingStyleRange: '1-2', entriesFromBookmark });
    return [title, toc];
  },
  '::figure': (node: LeafDirective, ctx) => {
    const src = node.attributes?.src ?? '';
    const figure = ctx.doc.options.figures[src];
    if (!figure) {
      warn(ctx, node, `figure \`${src}\` was not drawn; only its caption is written`, 'docx-missing-figure');
      return [caption(node, node.children, ctx)];
    }
    const image = paragraph(ctx, { style: 'Figure', children: [figureImage(figure, ctx.textWidth, ++ctx.doc.drawings, ctx.doc.pictures)] });
    return [image, caption(node, node.children, ctx)];
  },
  ':::table': (node: ContainerDirective, ctx) => {
    const [label, ...content] = node.children;
    const hasLabel = label?.type === 'paragraph' && label.data?.directiveLabel;
    return [
      caption(node, hasLabel ? label.children : [], ctx, { keepNext: true }),
      ...blocks(hasLabel ? content : node.children, ctx),
    ];
  },
  ':::callout': (node: ContainerDirective, ctx) => [box(node, boxStyles[node.attributes?.kind ?? 'note'] ?? 'CalloutNote', ctx), afterTable(ctx)],
  ':::facts': (node: ContainerDirective, ctx) => [box(node, boxStyles.facts!, ctx), afterTable(ctx)],
  ':::lang': (node: ContainerDirective, ctx) => blocks(node.children, { ...ctx, lang: wordLanguage(node.attributes?.code ?? '') }),
  // Top-level `:::landscape` starts its own section (index.ts); nested in something else it cannot.
  ':::landscape': (node: ContainerDirective, ctx) => {
    warn(ctx, node, '`:::landscape` only turns pages at the top level of the document; its content stays portrait', 'docx-landscape-nested');
    return blocks(node.children, ctx);
  },
  ':::parallel': (node: ContainerDirective, ctx) => parallel(node, ctx),
};

/**
 * "Figure 1: text" in the Caption style. The label is bookmarked with the figure's or table's id, which links and
 * cross-references point to; its number is a SEQ field holding the number, so Word can renumber it.
 */
function caption(node: LeafDirective | ContainerDirective, text: MdParagraph['children'], ctx: Context, { keepNext = false } = {}): Paragraph {
  const { kind = 'figure', number, label = '' } = node.data ?? {};
  const numberAt = number === undefined ? -1 : label.lastIndexOf(String(number));
  const labelRuns: ParagraphChild[] = numberAt > 0 && number !== undefined
    ? [textRun(label.slice(0, numberAt), ctx), captionNumber(label.slice(0, numberAt), kind, number, ctx)]
    : [textRun(label, ctx)];
  const id = node.attributes?.id;
  return paragraph(ctx, {
    style: 'Caption',
    keepNext: keepNext || undefined,
    children: [
      ...(id ? [new Bookmark({ id: bookmarkName(id), children: labelRuns })] : labelRuns),
      ...(text.length > 0 ? [textRun(': ', ctx), ...inlines(text, ctx)] : []),
    ],
  });
}

/**
 * The SEQ field of a caption number. Its identifier is the label's word ("Figure", "Figura"), as Word's Insert Caption
 * does, so each language counts its own; where our numbering restarts, `\r` restarts Word's, so both always agree.
 */
function captionNumber(prefix: string, kind: 'figure' | 'table', number: number, ctx: Context): SequentialIdentifier {
  const word = prefix.trim();
  const identifier = /^\p{L}+$/u.test(word) ? word : kind === 'figure' ? 'Figure' : 'Table';
  const counted = (ctx.doc.captionCounts.get(identifier) ?? 0) + 1;
  ctx.doc.captionCounts.set(identifier, number);
  return new SequentialIdentifier(counted === number ? identifier : `${identifier} \\r ${number}`);
}

/**
 * A GFM table in the Report Table style; its header row repeats on every page, and a row breaks across pages only if
 * it may not fit on one below the header (Word would cut it off). Columns get widths in proportion to their longest
 * text (within limits), but each at least as wide as its longest word: LibreOffice and Google Docs lay tables out
 * from these widths alone, and Word starts from them.
 */
function dataTable(node: MdTable, ctx: Context): Table {
  const widths = columnWidths(node, Math.floor(ctx.textWidth * 20));
  const heights = node.children.map((row) => rowHeight(row, widths));
  const page = ctx.textHeight * 20;
  const rows = node.children.map((row, index) => new TableRow({
    tableHeader: index === 0,
    // Left out rather than written "off", as Word writes a row that may split.
    cantSplit: heights[index]! <= (index === 0 ? page : page - heights[0]!) || undefined,
    children: row.children.map((cell, column) => {
      const align = node.align?.[column];
      const alignment = align ? cellAlignments[align] : undefined; // no `:` in the delimiter row: the style's
      const children = inlines(cell.children, { ...ctx, cellWidth: (widths[column]! - tableCellMargins) / 20 });
      return new TableCell({ children: [paragraph(ctx, { alignment, children })] });
    }),
  }));
  return new Table({
    style: 'ReportTable',
    width: { size: 100, type: WidthType.PERCENTAGE },
    columnWidths: widths,
    tableLook: { firstRow: true },
    rows,
  });
}

/**
 * A row's height in twips, on the tall side: its tallest cell, wrapped at spaces with characters as wide as the wider
 * fallback font's (Word also breaks at hyphens, which only saves lines).
 */
function rowHeight(row: TableRowNode, widths: number[]): number {
  const lines = row.children.map((cell, column) => lineCount(toString(cell), charactersPerLine(widths[column] ?? 0)));
  return Math.max(1, ...lines) * tableLine + tableCellPadding;
}

/** How many characters of table text a column `width` twips wide holds, at the wider fallback font's width. */
const charactersPerLine = (width: number) => Math.max(1, Math.floor((width - tableCellMargins) / tableCharacter));

/** The lines `text` takes wrapped at spaces, `perLine` characters a line; a longer word is broken. */
function lineCount(text: string, perLine: number): number {
  let lines = 1;
  let used = 0;
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const length = [...word].length;
    if (used > 0 && used + 1 + length <= perLine) {
      used += 1 + length;
      continue;
    }
    if (used > 0) lines++;
    lines += Math.ceil(length / perLine) - 1;
    used = length % perLine || perLine;
  }
  return lines;
}

/** The narrowest each column can be without breaking a word of `rows`, in twips. */
function columnMinima(node: MdTable, rows = node.children): number[] {
  return (node.children[0]?.children ?? []).map((_, column) => {
    const words = rows.flatMap((row) => toString(row.children[column] ?? '').split(/[\s\-–—/]+/));
    return Math.max(0, ...words.map((word) => [...word].length)) * tableCharacter + tableCellMargins;
  });
}

/**
 * Widths in proportion to each column's longest text (4 to 40 characters), none below its minimum, in `total` twips.
 * Where the minima do not fit, the body's words are kept whole before the header's, and, among many columns of long
 * words, short words and numbers first (crowded-columns.ts: six characters; three at the least), so that a short
 * column ("Ayagoz", "1923", "120,000,000") is not squeezed to a letter per line beside them.
 */
function columnWidths(node: MdTable, total: number): number[] {
  const weights = (node.children[0]?.children ?? []).map((_, column) =>
    Math.min(40, Math.max(4, ...node.children.map((row) => toString(row.children[column] ?? '').length))));
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const minima = columnMinima(node);
  if (sum(minima) > total) {
    const numbers = minima.map((_, i) => node.align?.[i] === 'right');
    const characters = (n: number) => n * tableCharacter + tableCellMargins;
    const [body, header] = [columnMinima(node, node.children.slice(1)), columnMinima(node, node.children.slice(0, 1))];
    return crowdedColumns(body, header, numbers, total, characters(6), characters(3)).map(Math.floor);
  }
  const fixed = new Set<number>();
  // Columns that would fall below their minimum get it; the others share what is left, until none falls below.
  for (;;) {
    const room = total - sum(minima.filter((_, i) => fixed.has(i)));
    const weight = sum(weights.filter((_, i) => !fixed.has(i)));
    if (weight === 0) return minima;
    const widths = weights.map((w, i) => (fixed.has(i) ? minima[i]! : (w * room) / weight));
    const under = widths.flatMap((width, i) => (!fixed.has(i) && width < minima[i]! ? [i] : []));
    if (under.length === 0) return widths.map(Math.floor);
    for (const i of under) fixed.add(i);
  }
}

/** A boxed block (facts, callout): a one-cell table in a box style, which holds lists and paragraphs alike. */
function box(node: ContainerDirective, style: string, ctx: Context): Table {
  const content = cellContent(node.children, { ...ctx, list: undefined });
  return new Table({
    style,
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [new TableRow({ children: [new TableCell({ children: content })] })],
  });
}

/**
 * A cell's blocks. Word wants a cell to end with a paragraph (not a nested table); docx types a cell's content as
 * paragraphs and tables, but a TOC (w:sdt) in a cell is valid WordprocessingML too.
 */
function cellContent(nodes: readonly RootContent[], ctx: Context): (Paragraph | Table)[] {
  const content = blocks(nodes, ctx) as (Paragraph | Table)[];
  if (!(content.at(-1) instanceof Paragraph)) content.push(paragraph(ctx, {}));
  return content;
}

/** Room between the columns of a `:::parallel` table, in twips: half on each side of the rule between them. */
const parallelGap = 454;

/**
 * `:::parallel`: the languages side by side, as a borderless table of two equal columns, one row per pair of `:::lang`
 * containers (the first on the left). Each cell's blocks are in their container's language and scaled to the cell;
 * headings keep their styles and bookmarks, so the TOC lists them. Rows may break across pages, since a long section
 * would not fit on one. A table too wide for half the page (its longest words side by side) is set across the page
 * between two side-by-side tables, the left language's above the right's; so is anything else than `:::lang` pairs.
 */
function parallel(node: ContainerDirective, ctx: Context): FileChild[] {
  const width = Math.round(ctx.textWidth * 20);
  const column = Math.floor(width / 2);
  const cellWidth = column - parallelGap / 2;
  const inner = (lang: string): Context => ({ ...ctx, lang, cell: true, list: undefined, paragraphStyle: undefined, textWidth: cellWidth / 20 });
  const languageOf = (container: ContainerDirective | undefined) => (container?.attributes?.code ? wordLanguage(container.attributes.code) : ctx.lang);
  const sideCell = (nodes: readonly RootContent[], lang: string, side: 'left' | 'right') => {
    ctx.doc.rowStart = side === 'left';
    const children = cellContent(nodes, inner(lang));
    ctx.doc.rowStart = false;
    return new TableCell({
      width: { size: column, type: WidthType.DXA },
      margins: side === 'left' ? { left: 0, right: parallelGap / 2 } : { left: parallelGap / 2, right: 0 },
      children,
    });
  };
  const out: FileChild[] = [];
  let rows: TableRow[] = [];
  const sideBySide = (left: readonly RootContent[], right: readonly RootContent[], leftLang: string, rightLang: string) => {
    rows.push(new TableRow({ children: [sideCell(left, leftLang, 'left'), sideCell(right, rightLang, 'right')] }));
  };
  const endTable = () => {
    if (rows.length === 0) return;
    out.push(new Table({ style: 'Parallel', width: { size: 2 * column, type: WidthType.DXA }, columnWidths: [column, column], layout: TableLayoutType.FIXED, rows }));
    out.push(afterTable(ctx));
    rows = [];
  };
  // Set in the body, not in a row across the table: LibreOffice does not break a row that holds a table.
  const across = (nodes: readonly RootContent[], lang: string) => {
    endTable();
    out.push(...blocks(nodes, { ...ctx, lang }));
  };
  const tooWide = (block: RootContent) => {
    const table = block.type === 'table' ? block : isContainerNamed(block, 'table') ? block.children.find((child) => child.type === 'table') : undefined;
    return table !== undefined && columnMinima(table).reduce((a, b) => a + b, 0) > cellWidth;
  };
  /** A side's blocks split at its tables too wide for a column: runs of other blocks between them. */
  const split = (nodes: readonly RootContent[]) => {
    const runs: RootContent[][] = [[]];
    const wide: RootContent[] = [];
    for (const block of nodes) {
      if (!tooWide(block)) {
        runs.at(-1)!.push(block);
        continue;
      }
      wide.push(block);
      runs.push([]);
    }
    return { runs, wide };
  };
  const pair = (left: ContainerDirective, right: ContainerDirective | undefined) => {
    const [leftLang, rightLang] = [languageOf(left), languageOf(right)];
    const [l, r] = [split(left.children), split(right?.children ?? [])];
    if (l.wide.length === 0 && r.wide.length === 0) return sideBySide(left.children, right?.children ?? [], leftLang, rightLang);
    // Both sides alike (the same template): each wide table across the page, in turn; else the whole pair, in turn.
    if (l.wide.length !== r.wide.length) {
      across(left.children, leftLang);
      return across(right?.children ?? [], rightLang);
    }
    l.runs.forEach((run, k) => {
      if (run.length > 0 || r.runs[k]!.length > 0) sideBySide(run, r.runs[k]!, leftLang, rightLang);
      if (k < l.wide.length) {
        across([l.wide[k]!], leftLang);
        across([r.wide[k]!], rightLang);
      }
    });
  };
  for (let i = 0; i < node.children.length; i++) {
    const child = node.children[i]!;
    if (!isContainerNamed(child, 'lang')) {
      warn(ctx, child, '`:::parallel` holds `:::lang` containers in pairs; this is set across the page', 'docx-parallel-content');
      across([child], ctx.lang);
      continue;
    }
    const right = node.children[i + 1];
    if (right && isContainerNamed(right, 'lang')) i++;
    else warn(ctx, child, '`:::lang` in `:::parallel` has no partner; its row has an empty right column', 'docx-parallel-unpaired');
    pair(child, right && isContainerNamed(right, 'lang') ? right : undefined);
  }
  endTable();
  return out;
}

function isContainerNamed(node: RootContent, name: string): node is ContainerDirective {
  return node.type === 'containerDirective' && node.name === name;
}

/**
 * Ends the previous TOC's range and starts this one's, in the TOC's title paragraph (which no TOC lists); returns the
 * range's bookmark name. The last range is closed by `closeTocScope` at the end of the document.
 */
function startTocScope(title: Paragraph, scopes: NonNullable<Context['doc']['tocScopes']>): string {
  if (scopes.open !== undefined) title.addChildElement(new BookmarkEnd(scopes.open));
  scopes.open = bookmarkUniqueNumericId();
  const name = `_TocRange${++scopes.count}`;
  title.addChildElement(new BookmarkStart(name, scopes.open));
  return name;
}

export function closeTocScope(children: FileChild[], scopes: NonNullable<Context['doc']['tocScopes']>): void {
  if (scopes.open === undefined) return;
  const last = children.at(-1);
  const end = last instanceof Paragraph ? last : new Paragraph({});
  if (end !== last) children.push(end);
  end.addChildElement(new BookmarkEnd(scopes.open));
  scopes.open = undefined;
}

/** Space after a table or box, in its own style; it also keeps two boxes in a row from joining into one table. */
function afterTable(ctx: Context): Paragraph {
  return paragraph(ctx, { style: 'AfterTable' });
}
