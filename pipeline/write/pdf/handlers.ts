import type {
  Blockquote, Break, Delete, Emphasis, FootnoteReference, Heading, Html, Image, InlineCode, Link, List, ListItem,
  Nodes, Paragraph, Root, Strong, Table, Text, ThematicBreak,
} from 'mdast';
import type { ContainerDirective, LeafDirective, TextDirective } from 'mdast-util-directive';
import { toString } from 'mdast-util-to-string';
import type {
  Content, ContentStack, ContentText, ContentTocItem, Margins, PageOrientation, TableCell,
} from 'pdfmake/interfaces.js';
import type { Node } from 'unist';
import '../../markdown/directives.js';
import type { WriteOptions } from '../options.js';
import { blockGap, captionHeight, linkColor, pages, tableFontSize } from './layout.js';
import { boxHeight, cellHeights, columnWidths, figureSize, fitsKeptTogether, headingHeight, rowHeights, startHeight, tableKeptWhole } from './measure.js';
import { hyphenateWideWords } from './wide-words.js';

export interface Context {
  options: WriteOptions;
  orientation: PageOrientation;
  /** Set by ::pagebreak and the end of :::landscape: the next block starts a new page in this orientation. */
  pendingBreak: PageOrientation | undefined;
  /** Footnote identifier → printed number, in order of first reference. */
  footnoteNumbers: Map<string, number>;
  /** Headings above the current one, for nesting bookmarks. */
  headingTrail: { depth: number; id: string | undefined }[];
  /** Relative column widths of the table inside the current `:::table{widths=…}`. */
  tableWidths?: number[] | undefined;
  /**
   * Set when the document has several `::toc`: each lists the headings from itself to the next (as in DOCX), so each
   * is its own pdfmake TOC. `count` numbers them; `current` is the id of the one whose range we are in, if any.
   */
  tocScopes?: { count: number; current?: string } | undefined;
}

/**
 * Formatting carried down to each text run: pdfmake drops the properties of a text array on its nested items
 * (upstream #1174), so inline handlers return flat runs that each carry the whole style.
 */
type InlineStyle = Pick<
  ContentText,
  'bold' | 'italics' | 'decoration' | 'color' | 'link' | 'linkToDestination' | 'sup' | 'background'
>;

/** pdfmake's text element; its typings leave out `id` (a link destination), which text elements accept. */
type TextElement = ContentText & { id?: string | undefined } & Partial<Pick<ContentTocItem, 'tocItem' | 'tocStyle' | 'tocMargin'>>;

/** `style` is undefined when the node sits in block flow, and the inherited formatting in inline flow. */
type Handler<N> = (node: N, ctx: Context, style?: InlineStyle) => Content[];

export const noteId = (n: number) => `_note-${n}`;

export function blocks(nodes: readonly Nodes[], ctx: Context): Content[] {
  return nodes.flatMap((node, i) => {
    const pending = ctx.pendingBreak;
    // A rule right after a page break would separate nothing from the new page's header rule.
    if (pending && node.type === 'thematicBreak') return [];
    ctx.pendingBreak = undefined;
    const out = render(node, ctx);
    const first = out[0];
    if (node.type === 'heading') {
      keepWithNext(first as TextElement, headingHeight(node, ctx.orientation) + startHeight(nodes[i + 1], ctx.orientation, ctx.options.figures));
    }
    if (pending && typeof first === 'object' && !Array.isArray(first)) {
      // A block that starts its own page (:::landscape) already says in which orientation.
      if (!('pageBreak' in first)) Object.assign(first, { pageBreak: 'before', pageOrientation: pending });
    } else {
      ctx.pendingBreak ??= pending;
    }
    return out;
  });
}

export function inlines(nodes: readonly Nodes[], ctx: Context, style: InlineStyle): TextElement[] {
  const runs = nodes.flatMap((node) => render(node, ctx, style)) as TextElement[];
  // pdfkit writes no destination on an empty run: an anchor's id moves onto the run after it.
  return runs.filter((run, i) => {
    const next = runs[i + 1];
    if (run.text !== '' || !run.id || !next) return true;
    next.id ??= run.id;
    return false;
  });
}

function render(node: Nodes, ctx: Context, style?: InlineStyle): Content[] {
  const handler = (handlers as Record<string, Handler<Nodes> | undefined>)[handlerKey(node)];
  if (handler) return handler(node, ctx, style);
  warn(ctx, node, `the PDF writer has no rendering for \`${handlerKey(node)}\`; its text is printed plain`, 'pdf-unsupported-node');
  return textRun(toString(node), style);
}

/** Directives are keyed by type and name (`containerDirective:callout`), everything else by type. */
function handlerKey(node: Nodes): string {
  return node.type.endsWith('Directive') && 'name' in node ? `${node.type}:${node.name}` : node.type;
}

function warn(ctx: Context, node: Node, reason: string, ruleId: string): void {
  ctx.options.file.message(reason, { place: node.position, ruleId, source: 'ek-towns' });
}

/** Plain text as a run in inline flow, or as its own paragraph in block flow. */
function textRun(text: string, style: InlineStyle | undefined): Content[] {
  if (text === '') return [];
  return [style ? { text, ...style } : { text, margin: [0, 0, 0, blockGap] }];
}

const paragraph = (node: Paragraph, ctx: Context, margin = blockGap): TextElement => ({
  text: inlines(node.children, ctx, {}),
  margin: [0, 0, 0, margin],
});

/** A boxed panel: one cell, kept on one page unless it could not fit on one (pdfmake would drop it). */
function box(node: ContainerDirective, ctx: Context, layout: string): Content[] {
  return [{
    table: { widths: ['*'], body: [[{ stack: blocks(node.children, ctx) }]], dontBreakRows: boxHeight(node, ctx.orientation).keep },
    layout,
    margin: [0, 2, 0, blockGap + 4],
  }];
}

/** The caption line "Table 1: …" or "Figure 1: …", label in bold. */
function caption(label: string, text: TextElement[]): TextElement[] {
  return [{ text: text.length > 0 ? `${label}: ` : label, bold: true }, ...text];
}

/**
 * Marks a heading or caption for the `pageBreakBefore` rule (definition.ts): `headlineLevel`, which pdfmake passes
 * through untouched, carries the room in points it needs below its top for itself and the start of what follows.
 */
function keepWithNext(element: TextElement, room: number): void {
  element.headlineLevel = Math.ceil(room);
}

const handlers = {
  root: (node: Root, ctx: Context) => blocks(node.children, ctx),

  heading: (node: Heading, ctx: Context) => {
    const id = node.data?.id;
    const trail = ctx.headingTrail;
    while ((trail.at(-1)?.depth ?? 0) >= node.depth) trail.pop();
    const parentId = trail.at(-1)?.id;
    trail.push({ depth: node.depth, id });
    const heading: TextElement = {
      text: inlines(node.children, ctx, {}),
      style: `h${Math.min(node.depth, 4)}`,
      id,
    };
    // With one TOC every heading is listed; with several, only those after a `::toc`, by that one.
    const toc = ctx.tocScopes ? ctx.tocScopes.current : true;
    if (node.depth <= 2 && toc) {
      heading.tocItem = toc;
      heading.tocStyle = node.depth === 1 ? 'tocMajor' : 'tocEntry';
      heading.tocMargin = [node.depth === 1 ? 0 : 12, 2, 0, 2];
    }
    // Bookmarks for the first three levels: deeper ones would clutter the viewer's outline panel.
    if (node.depth <= 3) Object.assign(heading, { outline: true, outlineText: toString(node), outlineParentId: parentId });
    return [heading];
  },

  paragraph: (node: Paragraph, ctx: Context) => [paragraph(node, ctx)],

  // Soft line breaks of the source are spaces; pdfmake would turn "\n" into a forced line break.
  text: (node: Text, _ctx: Context, style?: InlineStyle) => textRun(node.value.replace(/[ \t]*\n[ \t]*/g, ' '), style),
  emphasis: (node: Emphasis, ctx: Context, style?: InlineStyle) => inlines(node.children, ctx, { ...style, italics: true }),
  strong: (node: Strong, ctx: Context, style?: InlineStyle) => inlines(node.children, ctx, { ...style, bold: true }),
  delete: (node: Delete, ctx: Context, style?: InlineStyle) => inlines(node.children, ctx, { ...style, decoration: 'lineThrough' }),
  inlineCode: (node: InlineCode, _ctx: Context, style?: InlineStyle) => [{ text: node.value, ...style, background: '#ebebeb' }],
  break: (_node: Break, _ctx: Context, style?: InlineStyle) => [{ text: '\n', ...style }],

  link: (node: Link, ctx: Context, style?: InlineStyle) => {
    const internal = node.url.startsWith('#');
    const target = internal ? { linkToDestination: node.url.slice(1) } : { link: node.url };
    const runs = inlines(node.children, ctx, { ...style, ...target, color: linkColor, decoration: 'underline' });
    // The briefing is read on paper, where a link cannot be followed: print the address after its text.
    if (!internal && toString(node) !== node.url) runs.push({ text: ` (${node.url})`, ...style, ...target, color: linkColor });
    return runs;
  },

  footnoteReference: (node: FootnoteReference, ctx: Context, style?: InlineStyle) => {
    const n = ctx.footnoteNumbers.get(node.identifier) ?? 0;
    return [{ text: String(n), ...style, sup: true, linkToDestination: noteId(n) }];
  },
  // Printed in the "Notes" section at the end of the document (footnotes.ts).
  footnoteDefinition: () => [],

  html: (node: Html, ctx: Context, style?: InlineStyle) => {
    warn(ctx, node, 'raw HTML is not interpreted in PDF; its source is printed as text', 'pdf-raw-html');
    return textRun(node.value, style);
  },
  image: (node: Image, ctx: Context, style?: InlineStyle) => {
    warn(ctx, node, 'images are not supported in PDF (use ::figure); its alt text is printed instead', 'pdf-unsupported-image');
    return textRun(node.alt ? `[${node.alt}]` : '', style);
  },

  list: (node: List, ctx: Context) => {
    // List items are stacks (listItem below), which pdfmake accepts in both kinds of list.
    const items = blocks(node.children, ctx) as ContentStack[];
    const margin: Margins = [0, 0, 0, blockGap];
    return [node.ordered ? { ol: items, start: node.start ?? 1, margin } : { ul: items, margin }];
  },
  listItem: (node: ListItem, ctx: Context) => {
    // Tight lists keep their items close; a paragraph elsewhere gets the full block gap.
    const gap = node.spread ? blockGap : 2;
    const content = node.children.flatMap((child) => {
      if (child.type === 'paragraph') return [paragraph(child, ctx, gap)];
      const nested = blocks([child], ctx);
      // A nested list continues its item: item spacing, not the gap after a whole list.
      if (child.type === 'list') Object.assign(nested[0] ?? {}, { margin: [0, 0, 0, gap] });
      return nested;
    });
    return [{ stack: content }];
  },

  blockquote: (node: Blockquote, ctx: Context) => [{
    table: { widths: ['*'], body: [[{ stack: blocks(node.children, ctx) }]] },
    layout: 'ek-quote',
    color: '#333333',
    margin: [0, 0, 0, blockGap],
  }],

  thematicBreak: (_node: ThematicBreak, ctx: Context) => [{
    canvas: [{ type: 'line', x1: 0, y1: 0, x2: pages[ctx.orientation].textWidth, y2: 0, lineWidth: 0.5, lineColor: '#999999' }],
    margin: [0, 6, 0, 12],
  }],

  table: (node: Table, ctx: Context) => {
    // GFM rows may have fewer cells than the header; pdfmake needs them all.
    const columns = Array.from({ length: node.children[0]?.children.length ?? 0 }, (_, c) => c);
    const widths = columnWidths(node, ctx.orientation, ctx.tableWidths?.length === columns.length ? ctx.tableWidths : undefined);
    const row = (r: number): TableCell[] => columns.map((c) => {
      const runs = inlines(node.children[r]?.children[c]?.children ?? [], ctx, r === 0 ? { bold: true } : {});
      return { text: hyphenateWideWords(runs, widths[c]!, tableFontSize, ctx.options.meta.lang), alignment: node.align?.[c] ?? 'left' };
    });
    const heights = rowHeights(node, ctx.orientation, widths);
    const tall = heights.map((height, r) => r > 0 && !fitsKeptTogether(height, ctx.orientation));
    // pdfmake silently drops a row kept whole that is taller than a page (upstream #2560). So a table is cut
    // around such a row: the row gets a table of its own that may break across pages, every other row stays
    // whole, and each part repeats the header.
    const parts: number[][] = [];
    for (let r = 1; r < node.children.length; r++) {
      if (tall[r] || parts.length === 0 || tall[parts.at(-1)!.at(-1)!]) parts.push([r]);
      else parts.at(-1)!.push(r);
    }
    for (const [r] of tall.entries()) {
      if (!tall[r]) continue;
      // Placed at the tallest cell's text: a row starts with template text (`|`), its cells with the values printed.
      const row = node.children[r]!;
      const heights = cellHeights(row, widths);
      const cell = row.children[heights.indexOf(Math.max(...heights))] ?? row;
      const [first, last] = [cell.children[0]?.position, cell.children.at(-1)?.position];
      // Named by its first cell (a town, a year…), as the place is that of the tallest cell.
      const name = toString(row.children[0] ?? row).trim();
      const quoted = name.length > 40 ? `${name.slice(0, 39)}…` : name;
      const reason = `table row${quoted ? ` "${quoted}"` : ''} may be taller than a page: it alone may break across pages`;
      warn(ctx, first && last ? { type: 'text', position: { start: first.start, end: last.end } } : cell, reason, 'pdf-tall-table-row');
    }
    if (parts.length === 0) parts.push([]);
    return parts.map((rows, i) => {
      const breaks = rows.some((r) => tall[r]);
      return {
        table: {
          headerRows: 1,
          dontBreakRows: !breaks,
          keepWithHeaderRows: breaks ? 0 : 1,
          widths,
          body: [row(0), ...rows.map(row)],
        },
        layout: 'ek-rules',
        unbreakable: parts.length === 1 && tableKeptWhole(heights, ctx.orientation),
        fontSize: tableFontSize,
        margin: [0, 0, 0, i === parts.length - 1 ? blockGap + 6 : 0],
      };
    });
  },

  'leafDirective:pagebreak': (_node: LeafDirective, ctx: Context) => {
    ctx.pendingBreak = ctx.orientation;
    return [];
  },

  // The title is the directive's label (`::toc[Índice]`), else the writer's label, as in DOCX.
  'leafDirective:toc': (node: LeafDirective, ctx: Context) => {
    const scopes = ctx.tocScopes;
    if (scopes) scopes.current = `_toc-${++scopes.count}`;
    const title = toString(node).trim() ? inlines(node.children, ctx, {}) : ctx.options.labels.contents;
    return [{
      toc: { ...(scopes ? { id: scopes.current } : {}), title: { text: title, style: 'tocTitle' } },
      margin: [0, 0, 0, 16],
    }];
  },

  'leafDirective:figure': (node: LeafDirective, ctx: Context) => {
    const src = node.attributes?.src ?? '';
    const figure = ctx.options.figures[src];
    if (!figure) {
      ctx.options.file.message(`figure \`${src}\` is not among the figures given to the PDF writer`, {
        place: node.position, ruleId: 'pdf-missing-figure', source: 'ek-towns',
      }).fatal = true;
      return [];
    }
    const size = figureSize(figure, ctx.orientation);
    return [{
      stack: [
        // Link target: pdfmake only places destinations on text lines, so a 1-pt blank line sits above the drawing.
        { text: '\u00a0', fontSize: 1, lineHeight: 1, id: node.attributes?.id ?? undefined },
        { svg: figure.svg, ...size },
        { text: caption(node.data?.label ?? '', inlines(node.children, ctx, {})), style: 'caption', margin: [0, 4, 0, 0] },
      ],
      unbreakable: true,
      margin: [0, 4, 0, blockGap + 6],
    }];
  },

  'containerDirective:table': (node: ContainerDirective, ctx: Context) => {
    const [first, ...rest] = node.children;
    const labelled = first?.type === 'paragraph' && first.data?.directiveLabel === true;
    const title: TextElement = {
      text: caption(node.data?.label ?? '', labelled ? inlines(first.children, ctx, {}) : []),
      style: 'caption',
      id: node.attributes?.id ?? undefined,
    };
    keepWithNext(title, captionHeight + startHeight(node.children.find((child) => child.type === 'table'), ctx.orientation, ctx.options.figures));
    ctx.tableWidths = node.attributes?.widths?.split(',').map(Number);
    const content = blocks(labelled ? rest : node.children, ctx);
    ctx.tableWidths = undefined;
    return [title, ...content];
  },

  'containerDirective:callout': (node: ContainerDirective, ctx: Context) =>
    box(node, ctx, node.attributes?.kind === 'warning' ? 'ek-warning' : 'ek-note'),
  'containerDirective:facts': (node: ContainerDirective, ctx: Context) => box(node, ctx, 'ek-facts'),

  'containerDirective:landscape': (node: ContainerDirective, ctx: Context) => {
    ctx.orientation = 'landscape';
    const content = blocks(node.children, ctx);
    // A page break follows; a bottom margin that no longer fits on the last page would open a blank one.
    const last = content.at(-1);
    if (last && typeof last === 'object' && 'margin' in last && Array.isArray(last.margin)) {
      last.margin = [last.margin[0], last.margin[1], last.margin[2], 0] as Margins;
    }
    ctx.orientation = 'portrait';
    ctx.pendingBreak = 'portrait';
    return [{ stack: content, pageBreak: 'before', pageOrientation: 'landscape' }];
  },

  // The language only matters to screen readers and hyphenation, which this PDF has neither of.
  'containerDirective:lang': (node: ContainerDirective, ctx: Context) => blocks(node.children, ctx),
  'textDirective:lang': (node: TextDirective, ctx: Context, style?: InlineStyle) => inlines(node.children, ctx, style ?? {}),

  // An empty run carrying an id; pdfmake puts the destination at the start of the enclosing paragraph.
  'textDirective:anchor': (node: TextDirective) => [{ text: '', id: node.attributes?.id ?? undefined }],
} satisfies Record<string, Handler<never>>;
