import GithubSlugger from 'github-slugger';
import type { Link, List, ListItem, Parent, PhrasingContent, Root } from 'mdast';
import type { ContainerDirective, LeafDirective, TextDirective } from 'mdast-util-directive';
import { toString } from 'mdast-util-to-string';
import type { Position } from 'unist';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { throwIfFatal } from '../diagnostics.js';
import './directives.js';

export type CaptionKind = 'figure' | 'table';
export interface CaptionLabels { figure: string; table: string }

/**
 * Gives every link target its id, once, so all writers agree:
 * - headings get `data.id`, a GitHub-style slug of their text (after `headingIdPrefix`, so documents joined
 *   from several parts keep their ids apart);
 * - `::figure` and `:::table` get `data.number` and `data.label` ("Figure 3") in document order;
 * - `:anchor{#id}` marks a target inside text (e.g. a reference-list entry);
 * - `:ref{#id}` becomes a link to `#id` whose text is the caption label.
 * A ref or an internal link (`#id`) to an unknown id is a located error, and so is a duplicate id.
 */
export function resolveLinkTargets(tree: Root, file: VFile, labels: CaptionLabels, headingIdPrefix = ''): Root {
  const slugger = new GithubSlugger();
  const counters: Record<CaptionKind, number> = { figure: 0, table: 0 };
  const labelsById = new Map<string, string>();
  const captioned: { kind: CaptionKind; id: string; label: string; caption: PhrasingContent[] }[] = [];
  const error = (reason: string, place: Position | undefined, ruleId: string) => {
    file.message(reason, { place, ruleId, source: 'ek-towns' }).fatal = true;
  };
  const addTarget = (id: string, label: string, place: Position | undefined) => {
    if (labelsById.has(id)) error(`duplicate id \`${id}\``, place, 'duplicate-id');
    labelsById.set(id, label);
  };

  visit(tree, (node) => {
    if (node.type === 'heading') {
      // A heading "Constructor" or "__proto__" must not get the id of an Object.prototype property: pdfmake keeps
      // ids as keys of a plain object and refused such a heading ("Node id 'constructor' already exists").
      const slug = headingIdPrefix + slugger.slug(toString(node));
      const id = slug in Object.prototype ? headingIdPrefix + slugger.slug(`${toString(node)} section`) : slug;
      node.data = { ...node.data, id };
      addTarget(id, toString(node), node.position);
      return;
    }
    if (node.type === 'textDirective' && node.name === 'anchor') {
      addTarget(node.attributes?.id ?? '', '', node.position);
      return;
    }
    if (node.type !== 'leafDirective' && node.type !== 'containerDirective') return;
    const directive = node as LeafDirective | ContainerDirective;
    const kind: CaptionKind | undefined =
      directive.name === 'figure' ? 'figure' : directive.name === 'table' ? 'table' : undefined;
    if (!kind) return;
    const custom = directive.attributes?.label;
    const number = custom ? undefined : ++counters[kind];
    const label = custom ?? `${labels[kind]} ${number}`;
    directive.data = { ...directive.data, kind, label, ...(number ? { number } : {}) };
    addTarget(directive.attributes?.id ?? '', label, directive.position);
    captioned.push({ kind, id: directive.attributes?.id ?? '', label, caption: captionOf(directive) });
  });

  visit(tree, 'leafDirective', (node: LeafDirective, index, parent: Parent | undefined) => {
    if (node.name !== 'listof' || !parent || index === undefined) return;
    const items: ListItem[] = captioned
      .filter((c) => c.kind === node.attributes?.kind)
      .map((c) => ({
        type: 'listItem',
        spread: false,
        children: [{ type: 'paragraph', children: [{ type: 'link', url: `#${c.id}`, children: [{ type: 'text', value: `${c.label}: ` }, ...structuredClone(c.caption)] }] }],
      }));
    parent.children.splice(index, 1, { type: 'list', ordered: false, spread: false, children: items, position: node.position } as List);
  });

  visit(tree, 'link', (node: Link) => {
    if (node.url.startsWith('#') && !labelsById.has(node.url.slice(1))) {
      error(`link to unknown target \`${node.url}\``, node.position, 'unknown-link-target');
    }
  });
  visit(tree, 'textDirective', (node: TextDirective, index, parent: Parent | undefined) => {
    if (node.name !== 'ref' || !parent || index === undefined) return;
    const id = node.attributes?.id ?? '';
    const label = labelsById.get(id);
    if (!label) return error(`reference to unknown figure or table \`#${id}\``, node.position, 'unknown-ref');
    const link: Link = { type: 'link', url: `#${id}`, children: [{ type: 'text', value: label }], position: node.position };
    parent.children.splice(index, 1, link);
  });
  throwIfFatal(file);
  return tree;
}

/** A figure's caption is its label (`::figure[…]`); a table's is the container's label paragraph. */
function captionOf(directive: LeafDirective | ContainerDirective): PhrasingContent[] {
  if (directive.type === 'leafDirective') return directive.children;
  const first = directive.children[0];
  return first?.type === 'paragraph' && first.data?.directiveLabel ? first.children : [];
}
