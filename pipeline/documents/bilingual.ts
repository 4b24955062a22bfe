import type { BlockContent, Paragraph, Root, RootContent } from 'mdast';
import type { ContainerDirective, LeafDirective } from 'mdast-util-directive';
import { visit } from 'unist-util-visit';
import type { Figure, Lang } from '../write/options.js';

export interface LanguagePart {
  lang: Lang;
  tree: Root;
  figures: Record<string, Figure>;
  /** Running header and footer words for this part's pages, in its language. */
  header: string;
  pageOf: string;
  footerNote: string;
}

const container = (name: string, attributes: Record<string, string>, children: RootContent[]): ContainerDirective => ({
  type: 'containerDirective', name, attributes, children: children as BlockContent[],
});

/**
 * Joins an English and a Spanish render of the same document into one tree. `separate`: the English document,
 * then the Spanish one in a `:::lang` container (each keeps its title page and contents). `parallel`: one title
 * page and contents, then the two languages side by side, one aligned row per section.
 * Figure names are prefixed with the language, so both parts' figures can live in one document.
 */
export function joinLanguages(english: LanguagePart, spanish: LanguagePart, layout: 'separate' | 'parallel'): { tree: Root; figures: Record<string, Figure> } {
  const figures = { ...prefixFigures(english), ...prefixFigures(spanish) };
  if (layout === 'separate') {
    const spanishPart = container('lang', { code: spanish.lang, header: spanish.header, pageOf: spanish.pageOf, footerNote: spanish.footerNote }, spanish.tree.children);
    return { tree: { type: 'root', children: [...english.tree.children, spanishPart] }, figures };
  }
  const [enFront, enBody] = splitFront(english.tree);
  const [esFront, esBody] = splitFront(spanish.tree);
  const enSections = sections(enBody);
  const esSections = sections(esBody);
  // Same template, same data: the sections correspond one to one. Should a narrative differ in shape, the rest
  // is put side by side as one block rather than misaligned.
  const pairs = enSections.length === esSections.length
    ? enSections.map((section, i) => [section, esSections[i]!] as const)
    : [[enBody, esBody] as const];
  const rows = pairs.flatMap(([en, es]) => [container('lang', { code: english.lang }, en), container('lang', { code: spanish.lang }, es)]);
  return { tree: { type: 'root', children: [...bilingualFront(enFront, esFront, spanish.lang), container('parallel', {}, rows)] }, figures };
}

function prefixFigures(part: LanguagePart): Record<string, Figure> {
  visit(part.tree, 'leafDirective', (node: LeafDirective) => {
    if (node.name === 'figure' && node.attributes?.src) node.attributes.src = `${part.lang}/${node.attributes.src}`;
  });
  return Object.fromEntries(Object.entries(part.figures).map(([name, figure]) => [`${part.lang}/${name}`, figure]));
}

/** The title page and contents before the first heading, and the rest. */
function splitFront(tree: Root): [RootContent[], RootContent[]] {
  const first = tree.children.findIndex((node) => node.type === 'heading');
  return first < 0 ? [[], tree.children] : [tree.children.slice(0, first), tree.children.slice(first)];
}

/** Blocks grouped from one heading (depth 1–3) to the next. */
function sections(blocks: RootContent[]): RootContent[][] {
  const out: RootContent[][] = [];
  for (const block of blocks) {
    if (block.type === 'heading' && block.depth <= 3) out.push([block]);
    else if (out.length > 0) out.at(-1)!.push(block);
    else out.push([block]);
  }
  return out;
}

/** One title page with each English line followed by its Spanish line, and the English contents (it lists both). */
function bilingualFront(english: RootContent[], spanish: RootContent[], spanishLang: Lang): RootContent[] {
  const enTitle = english.find((n): n is ContainerDirective => n.type === 'containerDirective' && n.name === 'titlepage');
  const esTitle = spanish.find((n): n is ContainerDirective => n.type === 'containerDirective' && n.name === 'titlepage');
  const toc = english.filter((n) => n.type === 'leafDirective' && n.name === 'toc');
  if (!enTitle || !esTitle) return [...english];
  const lines = enTitle.children.flatMap((line, i) => {
    const other = esTitle.children[i];
    if (line.type !== 'paragraph' || other?.type !== 'paragraph') return [line];
    const spanishLine: Paragraph = { type: 'paragraph', children: [{ type: 'textDirective', name: 'lang', attributes: { code: spanishLang }, children: other.children }] };
    return [line, spanishLine];
  });
  return [{ ...enTitle, children: lines }, ...toc];
}
