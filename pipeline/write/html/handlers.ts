import type { Element, ElementContent, Properties } from 'hast';
import type { Heading, Html, Nodes, Paragraph, Parents, Root } from 'mdast';
import type { ContainerDirective, LeafDirective, TextDirective } from 'mdast-util-directive';
import { toString } from 'mdast-util-to-string';
import { defaultHandlers, type Options as ToHastOptions } from 'remark-rehype';
import type { WriteOptions } from '../options.js';
import '../../markdown/directives.js';

type Handlers = NonNullable<ToHastOptions['handlers']>;
type State = Parameters<NonNullable<ToHastOptions['unknownHandler']>>[0];
type DirectiveHandler<Node> = (state: State, node: Node) => ElementContent | ElementContent[];

/** Figure id → `data:` URL of its SVG, filled while converting; the images are inserted after sanitising. */
export type FigureSources = Map<string, string>;

/** Parents whose children are blocks: a raw HTML block there becomes a paragraph of text. */
const blockParents = new Set(['root', 'blockquote', 'listItem', 'footnoteDefinition', 'containerDirective']);

const element = (tagName: string, properties: Properties, children: ElementContent[]): Element =>
  ({ type: 'element', tagName, properties, children });
const text = (value: string): ElementContent => ({ type: 'text', value });

/**
 * mdast → hast handlers for remark-rehype: one handler per directive, looked up by name in a plain map per
 * directive type, plus headings (ids) and raw HTML (shown as text). Anything else unknown is reported.
 */
export function createHandlers(tree: Root, options: WriteOptions, figureSources: FigureSources) {
  const warn = (reason: string, node: Nodes, ruleId: string) =>
    options.file.message(reason, { place: node.position, ruleId, source: 'ek-towns' });

  const unsupported = (state: State, node: Nodes): ElementContent[] => {
    const name = 'name' in node ? ` \`${node.name}\`` : '';
    warn(`the HTML writer does not support \`${node.type}\`${name}; its content is kept without markup`, node, 'html-unsupported-node');
    if ('value' in node) return [text(node.value)];
    return state.all(node);
  };

  // A container's block children separated by newlines, as remark-rehype does for its own blocks.
  const blocks = (state: State, node: ContainerDirective) => state.wrap(state.all(node), true);

  const leaf = new Map<string, DirectiveHandler<LeafDirective>>([
    ['pagebreak', () => element('div', { className: ['page-break'] }, [])],
    ['toc', () => tableOfContents(tree, options.labels.contents)],
    ['figure', (state, node) => {
      const id = node.attributes?.id ?? '';
      const src = node.attributes?.src ?? '';
      const figure = Object.hasOwn(options.figures, src) ? options.figures[src] : undefined;
      const image = element('img', { alt: figure?.alt ?? '' }, []);
      if (figure) {
        figureSources.set(id, `data:image/svg+xml;base64,${Buffer.from(figure.svg).toString('base64')}`);
        // Points → CSS pixels, so the browser reserves the right box before the image loads.
        image.properties.width = Math.round((figure.width * 4) / 3);
        image.properties.height = Math.round((figure.height * 4) / 3);
      } else {
        warn(`no figure named \`${src}\` was drawn; its image is missing`, node, 'html-missing-figure').fatal = true;
      }
      return element('figure', { id }, [image, element('figcaption', {}, caption(state, node.data?.label, node.children))]);
    }],
  ]);

  const container = new Map<string, DirectiveHandler<ContainerDirective>>([
    ['table', (state, node) => {
      const [first, ...rest] = node.children;
      const label = first?.type === 'paragraph' && first.data?.directiveLabel ? first : undefined;
      const body = label ? { ...node, children: rest } : node;
      return element('figure', { className: ['table'], id: node.attributes?.id ?? '' }, state.wrap([
        element('figcaption', {}, caption(state, node.data?.label, label?.children ?? [])),
        ...state.all(body),
      ], true));
    }],
    ['callout', (state, node) =>
      element('aside', { className: ['callout', node.attributes?.kind ?? 'note'] }, blocks(state, node))],
    ['facts', (state, node) => element('aside', { className: ['facts'] }, blocks(state, node))],
    ['titlepage', (state, node) => element('header', { className: ['titlepage'] }, blocks(state, node))],
    ['landscape', (state, node) => element('section', { className: ['landscape'] }, blocks(state, node))],
    ['lang', (state, node) => element('div', { lang: node.attributes?.code ?? '' }, blocks(state, node))],
  ]);

  const inline = new Map<string, DirectiveHandler<TextDirective>>([
    ['lang', (state, node) => element('span', { lang: node.attributes?.code ?? '' }, state.all(node))],
    ['anchor', (_, node) => element('span', { id: node.attributes?.id ?? '' }, [])],
  ]);

  const dispatch = <Node extends LeafDirective | ContainerDirective | TextDirective>(
    map: Map<string, DirectiveHandler<Node>>,
  ) => (state: State, node: Node) => (map.get(node.name) ?? unsupported)(state, node);

  const handlers: Handlers = {
    leafDirective: dispatch(leaf),
    containerDirective: dispatch(container),
    textDirective: dispatch(inline),
    heading: (state, node: Heading) => {
      const result = defaultHandlers.heading(state, node);
      result.properties.id = node.data?.id;
      return result;
    },
    // Narratives are untrusted: raw HTML is never parsed or passed through, the reader sees it as written.
    html: (_, node: Html, parent: Parents | undefined) => {
      warn('raw HTML is shown as text, not rendered', node, 'html-raw-as-text');
      return parent && blockParents.has(parent.type) ? element('p', {}, [text(node.value)]) : text(node.value);
    },
  };
  return { handlers, unknownHandler: unsupported };
}

function caption(state: State, label: string | undefined, children: Paragraph['children']): ElementContent[] {
  return [text(`${label}: `), ...state.all({ type: 'paragraph', children })];
}

/**
 * Headings of depth 1–2 as a nested list: each depth-2 heading under the depth-1 heading before it. An entry keeps
 * the language of a `:::lang` block its heading sits in, so screen readers pronounce it right.
 */
function tableOfContents(tree: Root, title: string): Element {
  const list = element('ol', {}, []);
  let chapter: Element | undefined;
  let sections: Element | undefined;
  const add = (heading: Heading, lang: string | undefined) => {
    const link = element('a', { href: `#${heading.data?.id}`, lang }, [text(toString(heading))]);
    const item = element('li', {}, [link]);
    if (heading.depth === 2 && chapter) {
      if (!sections) chapter.children.push((sections = element('ol', {}, [])));
      sections.children.push(item);
      return;
    }
    list.children.push(item);
    if (heading.depth === 1) [chapter, sections] = [item, undefined];
  };
  const walk = (parent: Parents, lang: string | undefined) => {
    for (const node of parent.children) {
      if (node.type === 'heading' && node.depth <= 2) add(node, lang);
      else if (node.type === 'containerDirective' && node.name === 'lang') walk(node, node.attributes?.code ?? lang);
      else if ('children' in node) walk(node, lang);
    }
  };
  walk(tree, undefined);
  return element('nav', { className: ['toc'] }, [element('h2', {}, [text(title)]), list]);
}
