import { Document, Packer, type Paragraph, TextRun } from 'docx';
import type { Root, RootContent } from 'mdast';
import type { ContainerDirective } from 'mdast-util-directive';
import { countTocs } from '../../markdown/directives.js';
import type { WriteOptions } from '../options.js';
import { zipPackage } from '../zip.js';
import { blocks, closeTocScope } from './blocks.js';
import { type Context, type DocumentState, wordLanguage } from './context.js';
import { deterministicParts } from './deterministic.js';
import { Pictures } from './figure.js';
import { Footnotes } from './footnotes.js';
import { languageEveryRun, languageParts } from './languages.js';
import { type Orientation, textHeight, textWidth } from './geometry.js';
import { type RunningTexts, section } from './page.js';
import { estimatePageNumbers } from './estimate.js';
import { embeddedRoboto } from './embedded-fonts.js';
import { documentStyles, fontTableXml, numbering, tableStylesXml } from './styles.js';

/**
 * The mdast tree → a restylable Word document: real styles, numbering, footnotes, bookmarks, a TOC field, SEQ
 * captions, one section per page orientation. The same tree and options give the same bytes.
 */
export async function writeDocx(tree: Root, options: WriteOptions): Promise<Uint8Array> {
  const { meta, labels } = options;
  const lang = wordLanguage(meta.lang);
  const tocs = countTocs(tree);
  const footnotes = new Footnotes(tree, (definition, at) => {
    // A definition starts afresh (no bold, link or list of its reference) but keeps the reference's language.
    const noteCtx: Context = { doc: at.doc, lang: at.lang, textWidth: at.textWidth, textHeight: at.textHeight, paragraphStyle: 'FootnoteText', note: true };
    const paragraphs = blocks(definition.children, noteCtx) as Paragraph[]; // docx types footnote content as paragraphs
    // Word writes a space between the footnote mark and its text.
    paragraphs[0]?.addRunToFront(new TextRun({ text: ' ', language: { value: at.lang } }));
    return paragraphs;
  });
  const doc: DocumentState = {
    options, footnoteId: (id, ctx) => footnotes.idFor(id, ctx), listInstances: 0, captionCounts: new Map(), drawings: 0, pictures: new Pictures(),
    tocScopes: tocs > 1 ? { count: 0 } : undefined, tocLanguages: [], pageBreakPending: false, sectionBlank: true, rowStart: false,
  };
  const texts: RunningTexts = { header: { text: labels.header, lang }, pageOf: { text: labels.pageOf, lang }, footerNote: { text: labels.footerNote, lang } };

  const runs = sectionRuns(tree.children, lang, texts).map((run) => {
    // Each section starts a page: a page break pending from the end of the last one has nothing left to do.
    doc.pageBreakPending = false;
    doc.sectionBlank = true;
    return { ...run, children: blocks(run.nodes, { doc, lang: run.lang, textWidth: textWidth(run.orientation), textHeight: textHeight(run.orientation) }) };
  }).filter((run) => run.children.length > 0); // e.g. a last `::pagebreak` alone: no empty page for it
  if (doc.tocScopes && runs.length > 0) closeTocScope(runs.at(-1)!.children, doc.tocScopes);
  const sections = runs.map((run) => section(run.children, run.orientation, run.texts));
  footnotes.reportUnreferenced({ doc, lang, textWidth: textWidth('portrait'), textHeight: textHeight('portrait') });

  const document = new Document({
    title: meta.title,
    subject: meta.subject,
    keywords: meta.keywords.join(', '),
    description: labels.footerNote,
    creator: 'ek-towns',
    lastModifiedBy: meta.author,
    // The data version, and which output this is and what it was built from, for `ek-towns verify`.
    customProperties: [
      { name: 'dataVersion', value: meta.version },
      ...(meta.provenance ? [{ name: 'EkTownsOutput', value: meta.provenance.output }, { name: 'EkTownsInputs', value: meta.provenance.inputs }] : []),
    ],
    styles: documentStyles(lang),
    // The table styles, which docx has no API for, as "external" styles: docx keeps its own and ours beside them, and
    // our page estimate (estimate.ts) reads them with the others (cell margins, spacing).
    externalStyles: tableStylesXml(),
    numbering,
    footnotes: footnotes.notes,
    // Only a table of contents needs the pages laid out (its page numbers); Word and LibreOffice work out the footer's
    // page count themselves, and the layout is most of the time a DOCX takes.
    ...(tocs > 0 ? { pageNumbers: estimatePageNumbers } : {}),
    sections: sections.length > 0 ? sections : [section([], 'portrait', texts)],
  });
  const deterministic = deterministicParts(meta.date);
  const parts = packageParts(document);
  const fonts = embeddedRoboto();
  const settings = parts.get('word/settings.xml');
  if (typeof settings !== 'string') throw new Error('docx no longer gives word/settings.xml as text: pipeline/write/docx/index.ts must decode it');
  return zipPackage(await doc.pictures.swapIn(parts), {
    date: meta.date,
    replace: {
      'word/fontTable.xml': fontTableXml(fonts.elements),
      // Word keeps the faces embedded when it saves the document again.
      'word/settings.xml': settings.replace('<w:displayBackgroundShape/>', '$&<w:embedTrueTypeFonts/>'),
      ...fonts.parts,
    },
    transform: (path, text) => {
      const languaged = languageParts.test(path) ? languageEveryRun(text, lang, path === 'word/document.xml' ? doc.tocLanguages : []) : text;
      return deterministic(path, languaged);
    },
  });
}

/**
 * The package's parts as docx makes them, before it zips them: `Packer.toBuffer` would deflate them all, only for
 * zipPackage to inflate them and deflate them again. `compiler` is
 * docx's own (not in its typings); if a release moves it, this fails loudly and the tests say so.
 */
function packageParts(document: Document): Map<string, string | Uint8Array> {
  const compiler = (Packer as unknown as { compiler?: { compile(file: Document, prettify: undefined, overrides: []): Map<string, string | Uint8Array> } }).compiler;
  if (!compiler) throw new Error('docx no longer has Packer.compiler: pipeline/write/docx/index.ts must zip with Packer.toBuffer');
  return compiler.compile(document, undefined, []);
}

/** Top-level content that makes one section: its page orientation, language and running header and footer. */
interface SectionRun {
  orientation: Orientation;
  lang: string;
  texts: RunningTexts;
  nodes: RootContent[];
  /** Which top-level `:::lang` container it is in (0: none): a section never spans two. */
  part: number;
}

/**
 * Top-level content split into sections, each starting a page: where `:::landscape` starts and ends, and around each
 * top-level `:::lang` container (a language part of the document, such as the Spanish half of the bilingual report).
 * A part's pages are in its language, and its attributes, each optional, give their running texts in that language:
 *
 *   :::lang{code=es header="Informe · Pueblos" pageOf="Página {page} de {pages}" footerNote="Datos v1.2.0"}
 *
 * `header` replaces `labels.header`, `pageOf` and `footerNote` the footer's labels; what is not given stays as the
 * labels have it, in the document's language. A `:::landscape` directly in a part turns its pages too.
 */
function sectionRuns(nodes: readonly RootContent[], lang: string, texts: RunningTexts): SectionRun[] {
  const runs: SectionRun[] = [];
  const add = (node: RootContent, orientation: Orientation, part: number, partLang: string, partTexts: RunningTexts) => {
    const last = runs.at(-1);
    if (last?.part === part && last.orientation === orientation) last.nodes.push(node);
    else runs.push({ orientation, lang: partLang, texts: partTexts, nodes: [node], part });
  };
  const addAll = (children: readonly RootContent[], part: number, partLang: string, partTexts: RunningTexts) => {
    for (const node of children) {
      if (isContainer(node, 'landscape')) for (const child of node.children) add(child, 'landscape', part, partLang, partTexts);
      else add(node, 'portrait', part, partLang, partTexts);
    }
  };
  let parts = 0;
  for (const node of nodes) {
    if (isContainer(node, 'lang')) {
      const attributes = node.attributes ?? {};
      const partLang = wordLanguage(attributes.code ?? '') || lang;
      const own = (key: keyof RunningTexts) => (attributes[key] ? { text: attributes[key], lang: partLang } : texts[key]);
      addAll(node.children, ++parts, partLang, { header: own('header'), pageOf: own('pageOf'), footerNote: own('footerNote') });
      // What follows the part is back in the document's language, on a page of its own.
      runs.push({ orientation: 'portrait', lang, texts, nodes: [], part: 0 });
    } else {
      addAll([node], 0, lang, texts);
    }
  }
  return runs.filter((run) => run.nodes.length > 0);
}

function isContainer(node: RootContent, name: string): node is ContainerDirective {
  return node.type === 'containerDirective' && node.name === name;
}
