import type { Root } from 'mdast';
import type { ContainerDirective, LeafDirective, TextDirective } from 'mdast-util-directive';
import remarkDirective from 'remark-directive';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import type { Position } from 'unist';
import type { VFile } from 'vfile';
import { throwIfFatal } from '../diagnostics.js';
import { calloutKinds, containerDirectives, leafDirectives, textDirectives } from './directives.js';

const processor = unified().use(remarkParse).use(remarkGfm).use(remarkDirective).freeze();

const known: Record<string, readonly string[]> = {
  leafDirective: leafDirectives,
  containerDirective: containerDirectives,
  textDirective: textDirectives,
};
const syntax = { leafDirective: '::', containerDirective: ':::', textDirective: ':' } as const;

/** Markdown → one mdast tree. Unknown or malformed directives are located errors on `file`. */
export function parseMarkdown(file: VFile): Root {
  const tree = processor.parse(file) as Root;
  visit(tree, (node) => {
    if (node.type !== 'leafDirective' && node.type !== 'containerDirective' && node.type !== 'textDirective') return;
    const directive = node as LeafDirective | ContainerDirective | TextDirective;
    const names = known[directive.type]!;
    if (!names.includes(directive.name)) {
      fail(file, directive, `unknown directive \`${syntax[directive.type]}${directive.name}\`; known here: ${names.map((n) => syntax[directive.type] + n).join(', ')}`, 'unknown-directive');
    }
    checkAttributes(file, directive);
  });
  throwIfFatal(file);
  return tree;
}

function checkAttributes(file: VFile, node: LeafDirective | ContainerDirective | TextDirective): void {
  const attrs = node.attributes ?? {};
  const need = (name: string) => {
    if (!attrs[name]) fail(file, node, `directive \`${node.name}\` needs the attribute \`${name}\``, 'directive-attribute');
  };
  if (node.name === 'figure') { need('src'); need('id'); }
  if (node.name === 'table' || node.name === 'ref' || node.name === 'anchor') need('id');
  if (node.name === 'lang') need('code');
  if (node.name === 'table' && attrs.widths && !/^\d+(\.\d+)?(,\d+(\.\d+)?)*$/.test(attrs.widths)) {
    fail(file, node, `table widths must be numbers separated by commas, got "${attrs.widths}"`, 'directive-attribute');
  }
  if (node.name === 'listof' && attrs.kind !== 'figure' && attrs.kind !== 'table') {
    fail(file, node, `listof kind must be figure or table, got "${attrs.kind ?? ''}"`, 'directive-attribute');
  }
  if (node.name === 'callout' && attrs.kind && !(calloutKinds as readonly string[]).includes(attrs.kind)) {
    fail(file, node, `callout kind must be one of ${calloutKinds.join(', ')}, got "${attrs.kind}"`, 'directive-attribute');
  }
}

function fail(file: VFile, node: { position?: Position }, reason: string, ruleId: string): void {
  // Collect every problem first, so one run reports them all; the caller maps places back to templates/YAML.
  file.message(reason, { place: node.position, ruleId, source: 'ek-towns' }).fatal = true;
}
