/**
 * The directives our documents use, and what each writer must make of them.
 * This file is the contract between the Markdown the templates render and the writers.
 *
 *   ::pagebreak                         leaf       start a new page
 *   ::toc[Title]                        leaf       table of contents: headings of depth 1–2 from here to the next ::toc;
 *                                                  the label, if any, is its title (else the writer's labels.contents)
 *   ::listof{kind=figure|table}         leaf       list of figures or tables; replaced by a list of links by `resolveLinkTargets`
 *   ::figure[Caption]{#id src=name}     leaf       figure: options.figures[name] (SVG), numbered caption
 *   :::table[Caption]{#id}              container  wraps one GFM table; numbered caption above it. Optional:
 *                                                  label="Annex A1" replaces the number ("Table 3"); widths="3,1,2"
 *                                                  gives the columns' relative widths
 *   :::titlepage                        container  a title page: first paragraph is the title, the rest smaller; a page of its own
 *   :::callout{kind=note|warning}       container  boxed note (e.g. conflicting sources)
 *   :::facts                            container  the facts box of a brief
 *   :::landscape                        container  content set on landscape pages
 *   :::lang{code=es header="…"}         container  block content in another language; at the top level it starts a new
 *                                                  section, with optional running header and footer words in its
 *                                                  language: header="…" pageOf="Página {page} de {pages}" footerNote="…"
 *   :::parallel                         container  side-by-side languages: children are :::lang containers in pairs
 *                                                  (en, es, en, es…); each pair is one row, left and right
 *   :lang[texto]{code=es}               text       inline span in another language
 *   :anchor{#id}                        text       invisible link target (bookmark), e.g. a reference entry
 *   :ref{#id}                           text       cross-reference; resolved into a link by `resolveLinkTargets`
 *
 * After `resolveLinkTargets` (link-targets.ts): headings carry `data.id`; figure and table directives carry
 * `data.kind`, `data.label` ("Figure 3", or the `label` attribute) and `data.number` when numbered; refs are
 * ordinary `link` nodes to `#id`.
 * Writers turn every heading id, figure/table id and anchor into a bookmark, and `#id` links into internal links.
 */
import type { Root } from 'mdast';
import { visit } from 'unist-util-visit';

export const leafDirectives = ['pagebreak', 'toc', 'figure', 'listof'] as const;
export const containerDirectives = ['titlepage', 'table', 'callout', 'facts', 'landscape', 'lang', 'parallel'] as const;
export const textDirectives = ['lang', 'ref', 'anchor'] as const;

export type LeafDirectiveName = (typeof leafDirectives)[number];
export type ContainerDirectiveName = (typeof containerDirectives)[number];
export type TextDirectiveName = (typeof textDirectives)[number];

export const calloutKinds = ['note', 'warning'] as const;

/** The number of `::toc` in a document: with several, each lists only the headings from itself to the next. */
export function countTocs(tree: Root): number {
  let count = 0;
  visit(tree, 'leafDirective', (node) => {
    if (node.name === 'toc') count++;
  });
  return count;
}

declare module 'mdast' {
  interface Data {
    /** Set by resolveLinkTargets: `id` on headings; kind/number/label on figure and table directives. */
    id?: string;
    kind?: 'figure' | 'table';
    number?: number;
    label?: string;
  }
}
