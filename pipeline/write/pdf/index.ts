import type { Root } from 'mdast';
import type { WriteOptions } from '../options.js';
import { toPdfDefinition } from './definition.js';
import { reportMissingGlyphs } from './glyphs.js';
import { renderPdf } from './render.js';

/** The document tree → PDF bytes (A4 briefing). Same tree and options → same bytes. */
export async function writePdf(tree: Root, options: WriteOptions): Promise<Uint8Array> {
  reportMissingGlyphs(tree, options);
  // Throws every fatal message collected so far, missing glyphs included, before anything is rendered.
  const definition = toPdfDefinition(tree, options);
  return renderPdf(definition);
}
