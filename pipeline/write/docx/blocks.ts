import {
  AlignmentType,
  Bookmark,
  BookmarkEnd,
  BookmarkStart,
  bookmarkUniqueNumericId,
  type FileChild,
  HeadingLevel,
  PageBreak,
  Paragraph,
  type ParagraphChild,
  SequentialIdentifier,
  Table,
  TableCell,
  TableOfContents,
  TableRow,
  WidthType,
} from 'docx';
import type { Blockquote, Heading, Html, List, ListItem, Paragraph as MdParagraph, RootContent, Table as MdTable } from 'mdast';
import type { ContainerDirective, LeafDirective } from 'mdast-util-directive';
import { toString } from 'mdast-util-to-string';
import { bookmarkName, type Context, warn, wordLanguage } from './context.js';
import { figureImage } from './figure.js';
import { inlines, textRun } from './inlines.js';
import { listContinuationIndent, listReferences } from './styles.js';

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
  return text ? [new Paragraph({ style: ctx.paragraphStyle, children: [textRun(text, ctx)] })] : [];
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
    return [new Paragraph({
      heading: headingLevels[node.depth - 1],
      children: id ? [new Bookmark({ id: bookmarkName(id), children })] : children,
    })];
  },
  paragraph: (node: MdParagraph, ctx) => {
    // A container directive's `[label]` (other than a table caption) is the box's title line.
    const inner = node.data?.directiveLabel ? { ...ctx, bold: true } : ctx;
    const indent = ctx.list ? listContinuationIndent(ctx.list.level) : undefined;
    return [new Paragraph({ style: ctx.paragraphStyle, indent, children: inlines(node.children, inner) })];
  },
  list: (node: List, ctx) => {
    const list = {
      reference: node.ordered ? listReferences.ordered : listReferences.bullet,
      instance: node.ordered ? ++ctx.doc.listInstances : undefined,
      level: ctx.list ? ctx.list.level + 1 : 0,
    };
    return node.children.flatMap((item) => block(item, { ...ctx, list }));
  },
  listItem: (node: ListItem, ctx) => {
    const [first, ...rest] = node.children;
    if (first?.type !== 'paragraph' || !ctx.list) return blocks(node.children, ctx);
    const { reference, instance, level } = ctx.list;
    const numbered = new Paragraph({ numbering: { reference, instance, level }, children: inlines(first.children, ctx) });
    return [numbered, ...blocks(rest, ctx)];
  },
  blockquote: (node: Blockquote, ctx) => blocks(node.children, { ...ctx, paragraphStyle: 'Quote' }),
  thematicBreak: () => [new Paragraph({ style: 'HorizontalRule' })],
  table: (node: MdTable, ctx) => [dataTable(node, ctx), afterTable()],
  // Footnote definitions become Word footnotes where they are referenced.
  footnoteDefinition: () => [],
  html: (node: Html, ctx) => {
    warn(ctx, node, 'raw HTML is written as literal text in DOCX', 'docx-html');
    return [new Paragraph({ children: [textRun(node.value, ctx)] })];
  },
  '::pagebreak': () => [new Paragraph({ children: [new PageBreak()] })],
  ':::titlepage': (node: ContainerDirective, ctx) => {
    const [title, ...rest] = node.children;
    const titleParagraph = title?.type === 'paragraph'
      ? [new Paragraph({ style: 'Title', pageBreakBefore: true, children: inlines(title.children, ctx) })]
      : blocks(title ? [title] : [], ctx);
    return [...titleParagraph, ...blocks(rest, { ...ctx, paragraphStyle: 'Subtitle' }), new Paragraph({ children: [new PageBreak()] })];
  },
  '::toc': (_node: LeafDirective, ctx) => {
    const title = new Paragraph({ style: 'TOCHeading', children: [textRun(ctx.doc.options.labels.contents, ctx)] });
    const entriesFromBookmark = ctx.doc.tocScopes && startTocScope(title, ctx.doc.tocScopes);
    // A real TOC field: docx fills in its entries, linked to the headings, and (with `pageNumbers`) their pages.
    const toc = new TableOfContents(ctx.doc.options.labels.contents, { hyperlink: true, headingStyleRange: '1-2', entriesFromBookmark });
    return [title, toc];
  },
  '::figure': (node: LeafDirective, ctx) => {
    const src = node.attributes?.src ?? '';
    const figure = ctx.doc.options.figures[src];
    if (!figure) {
      warn(ctx, node, `figure \`${src}\` was not drawn; only its caption is written`, 'docx-missing-figure');
      return [caption(node, node.children, ctx)];
    }
    const image = new Paragraph({ style: 'Figure', children: [figureImage(figure, ctx.textWidth, ++ctx.doc.drawings)] });
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
  ':::callout': (node: ContainerDirective, ctx) => [box(node, boxStyles[node.attributes?.kind ?? 'note'] ?? 'CalloutNote', ctx), afterTable()],
  ':::facts': (node: ContainerDirective, ctx) => [box(node, boxStyles.facts!, ctx), afterTable()],
  ':::lang': (node: ContainerDirective, ctx) => blocks(node.children, { ...ctx, lang: wordLanguage(node.attributes?.code ?? '') }),
  // Top-level `:::landscape` starts its own section (index.ts); nested in something else it cannot.
  ':::landscape': (node: ContainerDirective, ctx) => {
    warn(ctx, node, '`:::landscape` only turns pages at the top level of the document; its content stays portrait', 'docx-landscape-nested');
    return blocks(node.children, ctx);
  },
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
  return new Paragraph({
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
 * A GFM table in the Report Table style; its header row repeats on every page and no row breaks across pages.
 * Columns get widths in proportion to their longest text (within limits): LibreOffice and Google Docs lay tables out
 * from these widths alone, and Word starts from them.
 */
function dataTable(node: MdTable, ctx: Context): Table {
  const weights = (node.children[0]?.children ?? []).map((_, column) =>
    Math.min(40, Math.max(4, ...node.children.map((row) => toString(row.children[column] ?? '').length))));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const rows = node.children.map((row, index) => new TableRow({
    tableHeader: index === 0,
    cantSplit: true,
    children: row.children.map((cell, column) => {
      const align = node.align?.[column];
      const alignment = align ? cellAlignments[align] : undefined; // no `:` in the delimiter row: the style's
      return new TableCell({ children: [new Paragraph({ alignment, children: inlines(cell.children, ctx) })] });
    }),
  }));
  return new Table({
    style: 'ReportTable',
    width: { size: 100, type: WidthType.PERCENTAGE },
    columnWidths: weights.map((weight) => Math.floor((ctx.textWidth * 20 * weight) / total)),
    tableLook: { firstRow: true },
    rows,
  });
}

/** A boxed block (facts, callout): a one-cell table in a box style, which holds lists and paragraphs alike. */
function box(node: ContainerDirective, style: string, ctx: Context): Table {
  // docx types a cell's content as paragraphs and tables; a TOC (w:sdt) in a cell is valid WordprocessingML too.
  const content = blocks(node.children, { ...ctx, list: undefined }) as (Paragraph | Table)[];
  return new Table({
    style,
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [new TableRow({ children: [new TableCell({ children: content.length > 0 ? content : [new Paragraph({})] })] })],
  });
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
  const paragraph = last instanceof Paragraph ? last : new Paragraph({});
  if (paragraph !== last) children.push(paragraph);
  paragraph.addChildElement(new BookmarkEnd(scopes.open));
  scopes.open = undefined;
}

/** Space after a table or box, in its own style; it also keeps two boxes in a row from joining into one table. */
function afterTable(): Paragraph {
  return new Paragraph({ style: 'AfterTable' });
}
