import type { Nodes, Root } from 'mdast';
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
  const tree = parseInPieces(String(file.value));
  checkNesting(file, tree);
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

/**
 * The same tree as one parse of `markdown`, parsed a piece at a time: micromark holds the events of all it parses
 * until it builds the tree (the report of 300 towns, 2.2 MB: ~340 MB live), a piece's only while it parses it.
 * Pieces are cut before each heading at the start of a line outside `:::` blocks and fenced code, which ends any
 * paragraph, list, quote or table before it; not at all when a definition (`[x]: url`, `[^x]: note`) could serve a
 * reference in another piece. Each piece's positions are moved to where it is in the whole.
 */
function parseInPieces(markdown: string): Root {
  const root: Root = { type: 'root', children: [] };
  for (const piece of pieces(markdown)) {
    const tree = processor.parse(piece.text) as Root;
    if (piece.offset > 0) {
      visit(tree, (node) => {
        for (const point of node.position ? [node.position.start, node.position.end] : []) {
          point.line += piece.line - 1;
          if (point.offset !== undefined) point.offset += piece.offset;
        }
      });
    }
    root.children.push(...tree.children);
  }
  const lines = markdown.split('\n');
  root.position = { start: { line: 1, column: 1, offset: 0 }, end: { line: lines.length, column: lines.at(-1)!.length + 1, offset: markdown.length } };
  return root;
}

function pieces(markdown: string): { text: string; line: number; offset: number }[] {
  if (/^ {0,3}\[[^\]]+\]:/m.test(markdown)) return [{ text: markdown, line: 1, offset: 0 }];
  const starts = [{ line: 1, offset: 0 }];
  let containers = 0;
  let fence: string | undefined;
  let offset = 0;
  markdown.split('\n').forEach((text, index) => {
    const opening = /^ {0,3}(`{3,}|~{3,})/.exec(text)?.[1];
    if (fence) {
      // Closed by a fence of the same character, at least as long, with nothing after it.
      const closing = /^ {0,3}(`+|~+)\s*$/.exec(text)?.[1];
      if (closing && closing[0] === fence[0] && closing.length >= fence.length) fence = undefined;
    } else if (opening) {
      fence = opening;
    } else if (/^ {0,3}:{3,}\s*$/.test(text)) {
      containers = Math.max(0, containers - 1);
    } else if (/^ {0,3}:{3,}[A-Za-z]/.test(text)) {
      containers++;
    } else if (containers === 0 && index > 0 && /^#{1,6}(\s|$)/.test(text)) {
      starts.push({ line: index + 1, offset });
    }
    offset += text.length + 1;
  });
  return starts.map((start, i) => ({ ...start, text: markdown.slice(start.offset, starts[i + 1]?.offset ?? markdown.length) }));
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

/** Schemes a link may use; a URL without one (`#id`, a relative path) is fine. */
const allowedSchemes = new Set(['http', 'https', 'mailto']);

/**
 * What a narrative of the sources must not hold, whatever document it goes into: links and images to `javascript:`,
 * `data:`, `file:`… (in the PDF and DOCX they would be active links; the HTML sanitiser drops them), and the block
 * directives that lay out a document (`::toc`, `::figure`, `:::landscape`…: templates place those). Checked when the
 * sources are loaded (pipeline/sources/markdown-fields.ts).
 */
export function narrativeProblems(markdown: string): string[] {
  // Both need a colon (a directive's mark, a URL's scheme), written or as a character reference (`&#58;`): most
  // narratives have neither, and parsing each is most of the time it takes to load many towns.
  if (!markdown.includes(':') && !markdown.includes('&')) return [];
  const problems: string[] = [];
  visit(processor.parse(markdown) as Root, (node) => {
    if (node.type === 'leafDirective' || node.type === 'containerDirective') {
      const directive = node as LeafDirective | ContainerDirective;
      problems.push(`\`${syntax[directive.type]}${directive.name}\` is a block directive, which only templates may use (they place tables of contents, figures, tables and callouts); a narrative holds text`);
      return;
    }
    if (node.type !== 'link' && node.type !== 'image' && node.type !== 'definition') return;
    // As browsers read it: spaces and control characters do not count, and a scheme ends at the first ":" before
    // any "/", "?" or "#".
    const url = node.url.replace(/[\u0000-\u0020\u007F]+/g, '');
    const end = url.search(/[:/?#]/);
    const scheme = end >= 0 && url[end] === ':' ? url.slice(0, end).toLowerCase() : undefined;
    if (scheme === undefined || allowedSchemes.has(scheme)) return;
    const shown = node.url.length > 40 ? `${node.url.slice(0, 39)}…` : node.url;
    problems.push(`${node.type === 'image' ? 'image at' : 'link to'} \`${shown}\`: only http(s), mailto, #id and relative addresses are allowed`);
  });
  return problems;
}

/**
 * Block containers (lists, block quotes, `:::` directives) nested deeper than this cannot be written: the PDF
 * writer warns from six levels on (pdfmake), and Word allows nine list levels. The documents need three or four.
 */
export const maxNesting = 5;

function checkNesting(file: VFile, tree: Root): void {
  const walk = (node: Nodes, depth: number): boolean => {
    const nested = node.type === 'list' || node.type === 'blockquote' || node.type === 'containerDirective' ? depth + 1 : depth;
    if (nested > maxNesting) {
      fail(file, node, `lists, block quotes and ::: blocks are nested more than ${maxNesting} levels deep here; flatten them`, 'too-deep');
      return true;
    }
    return 'children' in node && node.children.some((child) => walk(child as Nodes, nested));
  };
  walk(tree, 0);
}
