import type { FootnoteDefinition, Heading, Root } from 'mdast';
import type { Content } from 'pdfmake/interfaces.js';
import { visit } from 'unist-util-visit';
import type { Lang } from '../options.js';
import { type Context, blocks, noteId } from './handlers.js';

// WriterLabels has no word for this section yet; the two document languages are covered here.
const notesTitle: Record<Lang, string> = { en: 'Notes', es: 'Notas' };

/** Footnotes are numbered in order of first reference; definitions never referenced follow, in document order. */
export function numberFootnotes(tree: Root): Map<string, number> {
  const numbers = new Map<string, number>();
  const add = (identifier: string) => {
    if (!numbers.has(identifier)) numbers.set(identifier, numbers.size + 1);
  };
  visit(tree, 'footnoteReference', (node) => add(node.identifier));
  visit(tree, 'footnoteDefinition', (node) => add(node.identifier));
  return numbers;
}

/** The "Notes" section printed at the end of the document: a heading and one numbered entry per footnote. */
export function notesSection(tree: Root, ctx: Context): Content[] {
  const definitions = new Map<string, FootnoteDefinition>();
  visit(tree, 'footnoteDefinition', (node) => {
    definitions.set(node.identifier, node);
  });
  if (definitions.size === 0) return [];
  const title = notesTitle[ctx.options.meta.lang];
  // A heading like any other, so it gets the same style, bookmark and table-of-contents entry.
  const heading: Heading = { type: 'heading', depth: 2, children: [{ type: 'text', value: title }], data: { id: '_notes' } };
  const entries = [...ctx.footnoteNumbers].flatMap(([identifier, n]): Content[] => {
    const definition = definitions.get(identifier);
    if (!definition) return [];
    return [{
      columns: [
        { text: `${n}.`, width: 18, id: noteId(n) },
        { stack: blocks(definition.children, ctx), width: '*' },
      ],
      columnGap: 0,
      fontSize: 9,
    }];
  });
  return blocks([heading], ctx).concat(entries);
}
