import type { Paragraph } from 'docx';
import type { FootnoteDefinition, Root } from 'mdast';
import { visit } from 'unist-util-visit';
import { type Context, warn } from './context.js';

type Render = (definition: FootnoteDefinition, ctx: Context) => Paragraph[];

/**
 * Markdown footnotes as real Word footnotes. A definition is rendered at its first reference, so it takes that
 * place's language; Word numbers footnotes by position, so the ids only need to be unique.
 */
export class Footnotes {
  readonly notes: Record<number, { children: Paragraph[] }> = {};
  private readonly definitions = new Map<string, FootnoteDefinition>();
  private readonly ids = new Map<string, number>();

  constructor(tree: Root, private readonly render: Render) {
    visit(tree, 'footnoteDefinition', (definition) => {
      this.definitions.set(definition.identifier, definition);
    });
  }

  idFor(identifier: string, ctx: Context): number | undefined {
    const known = this.ids.get(identifier);
    if (known !== undefined) return known;
    const definition = this.definitions.get(identifier);
    if (!definition) return undefined;
    const id = this.ids.size + 1;
    this.ids.set(identifier, id);
    this.notes[id] = { children: this.render(definition, ctx) };
    return id;
  }

  /** A definition nothing refers to would vanish from the DOCX: say so. */
  reportUnreferenced(ctx: Context): void {
    for (const [identifier, definition] of this.definitions) {
      if (!this.ids.has(identifier)) {
        warn(ctx, definition, `footnote \`[^${definition.label ?? identifier}]\` is never referenced and is left out`, 'docx-unreferenced-footnote');
      }
    }
  }
}
