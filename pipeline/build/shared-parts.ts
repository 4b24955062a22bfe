import type { Root } from 'mdast';
import { VFile } from 'vfile';
import type { Project } from '../documents/context.js';
import { parseMarkdown } from '../markdown/parse.js';
import type { RenderState } from '../render/helpers.js';
import type { DocumentMeta, WriteOptions } from '../write/options.js';

/** A document's Markdown as rendered, and its Markdown parsed when that was done already (see sharedPart). */
export type Rendered = { file: VFile; state: RenderState; options: WriteOptions; parsed?: Root };

/** A document rendered (and parsed, once an output took it), and how many of the outputs made from it have yet to take it. */
type Entry = { rendered: Rendered; parsed?: Root; left: number };
/** Documents rendered, by project and name, while an output made from them is still to come. */
const parts = new WeakMap<Project, Map<string, Entry>>();

function entryOf(project: Project, name: string, uses: number, render: () => Rendered): Entry {
  const byName = parts.get(project) ?? new Map<string, Entry>();
  parts.set(project, byName);
  let entry = byName.get(name);
  if (!entry) {
    entry = { rendered: render(), left: uses };
    byName.set(name, entry);
  }
  return entry;
}

/**
 * The document as rendered, to hash what its outputs are made from (see writerInputs), not to be changed: kept for
 * the outputs that take it with sharedPart, so that a build which makes them renders it once.
 */
export function renderedPart(project: Project, name: string, uses: number, render: () => Rendered): Rendered {
  return entryOf(project, name, uses, render).rendered;
}

/**
 * A document rendered and parsed once for the `uses` outputs this thread makes from it (the report's DOCX and web
 * page; the annex's DOCX and PDF): rendering and parsing was much of their time. Each takes it with its own `meta`
 * (which names the output); those that ask first get copies (file, tree) they may change, the last the originals,
 * and the part is let go. A part asked for fewer times (an output already up to date, or made on another thread)
 * goes with the project at the end of the build.
 */
export function sharedPart(project: Project, name: string, uses: number, render: () => Rendered, meta: DocumentMeta): Rendered {
  const entry = entryOf(project, name, uses, render);
  const part = { ...entry.rendered, parsed: (entry.parsed ??= parseMarkdown(entry.rendered.file)) };
  if (--entry.left === 0) {
    parts.get(project)!.delete(name);
    return { ...part, options: { ...part.options, meta } };
  }
  const file = new VFile({ path: part.file.path, value: part.file.value, data: { ...part.file.data } });
  file.messages.push(...part.file.messages);
  return { ...part, file, parsed: structuredClone(part.parsed), options: { ...part.options, meta, file } };
}
