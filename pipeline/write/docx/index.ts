import { readFileSync } from 'node:fs';
import { Document, Packer, type PageNumberEstimator, type Paragraph, TextRun } from 'docx';
import { estimatePageNumbersWith } from 'docx/layout';
import type { Root, RootContent } from 'mdast';
import { visit } from 'unist-util-visit';
import { robotoFiles } from '../fonts.js';
import type { WriteOptions } from '../options.js';
import { normaliseZip } from '../zip.js';
import { blocks, closeTocScope } from './blocks.js';
import { type Context, type DocumentState, wordLanguage } from './context.js';
import { deterministicParts } from './deterministic.js';
import { Footnotes } from './footnotes.js';
import { type Orientation, section, textWidth } from './page.js';
import { bodyFont, documentStyles, fontTableXml, numbering, tableStylesXml } from './styles.js';

/**
 * The mdast tree → a restylable Word document: real styles, numbering, footnotes, bookmarks, a TOC field, SEQ
 * captions, one section per page orientation. The same tree and options give the same bytes.
 */
export async function writeDocx(tree: Root, options: WriteOptions): Promise<Uint8Array> {
  const { meta, labels } = options;
  const lang = wordLanguage(meta.lang);
  const footnotes = new Footnotes(tree, (definition, at) => {
    // A definition starts afresh (no bold, link or list of its reference) but keeps the reference's language.
    const noteCtx: Context = { doc: at.doc, lang: at.lang, textWidth: at.textWidth, paragraphStyle: 'FootnoteText' };
    const paragraphs = blocks(definition.children, noteCtx) as Paragraph[]; // docx types footnote content as paragraphs
    // Word writes a space between the footnote mark and its text.
    paragraphs[0]?.addRunToFront(new TextRun({ text: ' ', language: { value: at.lang } }));
    return paragraphs;
  });
  const doc: DocumentState = {
    options, footnoteId: (id, ctx) => footnotes.idFor(id, ctx), listInstances: 0, captionCounts: new Map(), drawings: 0,
    tocScopes: countTocs(tree) > 1 ? { count: 0 } : undefined,
  };
  const contextFor = (orientation: Orientation): Context => ({ doc, lang, textWidth: textWidth(orientation) });

  const runs = orientationRuns(tree.children).map(({ orientation, nodes }) => ({ orientation, children: blocks(nodes, contextFor(orientation)) }));
  if (doc.tocScopes && runs.length > 0) closeTocScope(runs.at(-1)!.children, doc.tocScopes);
  const sections = runs.map(({ orientation, children }) => section(children, orientation, labels, lang));
  footnotes.reportUnreferenced(contextFor('portrait'));

  const document = new Document({
    title: meta.title,
    subject: meta.subject,
    keywords: meta.keywords.join(', '),
    description: labels.footerNote,
    creator: 'ek-towns',
    lastModifiedBy: meta.author,
    customProperties: [{ name: 'dataVersion', value: meta.version }],
    styles: documentStyles(lang),
    numbering,
    footnotes: footnotes.notes,
    pageNumbers: pageNumberEstimator(),
    sections: sections.length > 0 ? sections : [section([], 'portrait', labels, lang)],
  });
  const packed = await Packer.toBuffer(document);
  const deterministic = deterministicParts(meta.date);
  return normaliseZip(packed, {
    date: meta.date,
    replace: { 'word/fontTable.xml': fontTableXml },
    transform: (path, text) =>
      deterministic(path, path === 'word/styles.xml' ? text.replace('</w:styles>', `${tableStylesXml}</w:styles>`) : text),
  });
}

/** Top-level content split where `:::landscape` starts and ends: each run becomes a section. */
function orientationRuns(nodes: RootContent[]): { orientation: Orientation; nodes: RootContent[] }[] {
  const runs: { orientation: Orientation; nodes: RootContent[] }[] = [];
  for (const node of nodes) {
    if (node.type === 'containerDirective' && node.name === 'landscape') {
      runs.push({ orientation: 'landscape', nodes: node.children });
    } else if (runs.at(-1)?.orientation === 'portrait') {
      runs.at(-1)!.nodes.push(node);
    } else {
      runs.push({ orientation: 'portrait', nodes: [node] });
    }
  }
  return runs;
}

function countTocs(tree: Root): number {
  let count = 0;
  visit(tree, 'leafDirective', (node) => {
    if (node.name === 'toc') count++;
  });
  return count;
}

let estimator: PageNumberEstimator | undefined;

/**
 * Lays the pages out as Word would, so the TOC's page numbers, SEQ numbers and NUMPAGES are written filled in and
 * Word shows them without asking to update fields. Roboto is measured from our font files; `guess` carries on past
 * what the layout cannot follow exactly (our bold is Roboto Medium, which is not flagged bold), so numbers are
 * estimates that Word corrects on its next field update.
 */
function pageNumberEstimator(): PageNumberEstimator {
  estimator ??= estimatePageNumbersWith({
    guess: true,
    fonts: Object.values(robotoFiles).map((file) => ({ data: readFileSync(file), name: bodyFont })),
  });
  return estimator;
}
