import type { Element, ElementContent, Root as HastRoot } from 'hast';
import type { Root } from 'mdast';
import rehypeSanitize from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { throwIfFatal } from '../../diagnostics.js';
import type { Lang, WriteOptions } from '../options.js';
import { createHandlers, type FigureSources } from './handlers.js';
import { sanitizeSchema } from './schema.js';
import { stylesheet } from './style.js';

/** Words remark-rehype writes into the footnote section, in the document's language. */
const footnoteWords: Record<Lang, { label: string; backLabel: (reference: number) => string }> = {
  en: { label: 'Notes', backLabel: (reference) => `Back to reference ${reference + 1}` },
  es: { label: 'Notas', backLabel: (reference) => `Volver a la referencia ${reference + 1}` },
};

/** The document tree → one standalone, sanitised HTML5 page (UTF-8). Same input, same bytes. */
export function writeHtml(tree: Root, options: WriteOptions): Uint8Array {
  const figureSources: FigureSources = new Map();
  const words = footnoteWords[options.meta.lang];
  const processor = unified()
    .use(remarkRehype, {
      ...createHandlers(tree, options, figureSources),
      footnoteLabel: words.label,
      footnoteBackLabel: words.backLabel,
      // A visible "Notes" heading (the default hides it for sighted readers), also in print.
      footnoteLabelProperties: {},
    })
    .use(rehypeSanitize, sanitizeSchema)
    .use(rehypeStringify);
  const body = processor.runSync(tree, options.file);
  throwIfFatal(options.file);
  insertFigureImages(body, figureSources);
  return new TextEncoder().encode(processor.stringify(page(body, options), options.file));
}

// The sanitiser rejects `data:` URLs, and untrusted Markdown must not get them; our own SVGs are added afterwards.
function insertFigureImages(tree: HastRoot, sources: FigureSources): void {
  visit(tree, 'element', (figure: Element) => {
    const src = figure.tagName === 'figure' ? sources.get(String(figure.properties.id)) : undefined;
    const image = figure.children.find((child): child is Element => child.type === 'element' && child.tagName === 'img');
    if (src && image) image.properties.src = src;
  });
}

function page(body: HastRoot, { meta, labels }: WriteOptions): HastRoot {
  const el = (tagName: string, properties: Element['properties'], children: ElementContent[] = []): Element =>
    ({ type: 'element', tagName, properties, children });
  const text = (value: string): ElementContent => ({ type: 'text', value });
  // One element per line keeps the page readable and its diffs small.
  const lines = (children: ElementContent[]): ElementContent[] => children.flatMap((child) => [text('\n'), child]).concat(text('\n'));
  const head = el('head', {}, lines([
    el('meta', { charSet: 'utf-8' }),
    el('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
    el('title', {}, [text(meta.title)]),
    el('meta', { name: 'description', content: meta.subject }),
    el('meta', { name: 'keywords', content: meta.keywords.join(', ') }),
    el('meta', { name: 'author', content: meta.author }),
    // Which output the page is and the hash of its inputs, for `ek-towns verify` (as PDF info and DOCX properties).
    ...(meta.provenance ? [el('meta', { name: 'EkTownsOutput', content: meta.provenance.output }), el('meta', { name: 'EkTownsInputs', content: meta.provenance.inputs })] : []),
    el('style', {}, [text(stylesheet)]),
  ]));
  const pageBody = el('body', {}, lines([
    el('header', {}, [el('p', {}, [text(labels.header)])]),
    el('main', {}, [...(body.children as ElementContent[]), text('\n')]),
    el('footer', {}, [el('p', {}, [text(labels.footerNote)])]),
  ]));
  return { type: 'root', children: [{ type: 'doctype' }, text('\n'), el('html', { lang: meta.lang }, lines([head, pageBody])), text('\n')] };
}
