import type { Root } from 'mdast';
import type { Content, ContextPageSize, Node, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { throwIfFatal } from '../../diagnostics.js';
import { countTocs } from '../../markdown/directives.js';
import type { WriteOptions, WriterLabels } from '../options.js';
import { notesSection, numberFootnotes } from './footnotes.js';
import { type Context, blocks } from './handlers.js';
import { defaultStyle, margins, mm, styles } from './layout.js';

/**
 * mdast → pdfmake document definition. Pure apart from reporting warnings and errors on `options.file`;
 * throws a DiagnosticsError if any fatal message is on the file (e.g. a missing figure).
 */
export function toPdfDefinition(tree: Root, options: WriteOptions): TDocumentDefinitions {
  const ctx: Context = {
    options,
    orientation: 'portrait',
    pendingBreak: undefined,
    footnoteNumbers: numberFootnotes(tree),
    headingTrail: [],
    tocScopes: countTocs(tree) > 1 ? { count: 0 } : undefined,
  };
  const content = [...blocks([tree], ctx), ...notesSection(tree, ctx)];
  throwIfFatal(options.file);
  const { meta, labels } = options;
  // Custom entries of the PDF info dictionary (pdfmake passes unknown keys through to pdfkit as they are):
  // the data version, and which output this is and what it was built from, for `ek-towns verify`.
  const custom = {
    DataVersion: meta.version,
    ...(meta.provenance ? { EkTownsOutput: meta.provenance.output, EkTownsInputs: meta.provenance.inputs } : {}),
  };
  return {
    pageSize: 'A4',
    pageOrientation: 'portrait',
    pageMargins: [margins.side, margins.top, margins.side, margins.bottom],
    version: '1.7',
    language: meta.lang,
    displayTitle: true,
    info: {
      title: meta.title,
      author: meta.author,
      subject: meta.subject,
      keywords: meta.keywords.join(', '),
      creator: 'ek-towns',
      producer: 'ek-towns',
      // Fixed dates: they also feed the file identifier, so the same input gives the same bytes.
      creationDate: meta.date,
      modDate: meta.date,
      ...custom,
    },
    defaultStyle,
    styles,
    header: (_page: number, _pages: number, pageSize: ContextPageSize) => runningHeader(labels, pageSize),
    footer: (page: number, pages: number) => runningFooter(labels, page, pages),
    pageBreakBefore: keepHeadingsWithNext,
    content,
  };
}

function runningHeader(labels: WriterLabels, pageSize: ContextPageSize): Content {
  return {
    margin: [margins.side, 12 * mm, margins.side, 0],
    stack: [
      { text: labels.header, style: 'running' },
      { canvas: [{ type: 'line', x1: 0, y1: 3, x2: pageSize.width - 2 * margins.side, y2: 3, lineWidth: 0.4, lineColor: '#888888' }] },
    ],
  };
}

function runningFooter(labels: WriterLabels, page: number, pages: number): Content {
  return {
    margin: [margins.side, 9 * mm, margins.side, 0],
    columns: [
      { text: labels.pageOf.replaceAll('{page}', String(page)).replaceAll('{pages}', String(pages)), style: 'running' },
      { text: labels.footerNote, style: 'running', alignment: 'right' },
    ],
  };
}

/**
 * Moves a heading (or table caption) to the next page when the room left below its top is less than it needs for
 * itself and the start of the block that follows (`headlineLevel`, in points: see keepWithNext in handlers.ts).
 * Geometry only, because pdfmake reports wrong pages for the nodes inside kept-together blocks (table rows,
 * figures), so the nodes that follow a heading cannot be trusted. pdfmake asks once per node and lays the
 * document out again after each break.
 */
function keepHeadingsWithNext(node: Node): boolean {
  const { top, pageInnerHeight } = node.startPosition;
  // A node that starts a page already (its own break, or at the top) gains nothing from another break:
  // it would only leave a blank page behind.
  if (node.pageBreak === 'before' || top <= margins.top + 1) return false;
  return node.headlineLevel !== undefined && top + node.headlineLevel > margins.top + pageInnerHeight;
}
