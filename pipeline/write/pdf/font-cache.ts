import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Decode each font file's tables once per process, not once per document, without sharing any per-document state.
 *
 * pdfkit opens every font anew for every document (`fontkit.create(bytes)`), and fontkit then decodes the tables
 * it needs (cmap, hmtx, loca, GSUB, GPOS, …) again: about a quarter of a brief's time.
 *
 * Sharing the whole fontkit font object across documents is NOT safe. fontkit keeps one Glyph object per glyph id
 * (`font._glyphs`), and a glyph's `codePoints` are those given by the call that first created it. When pdfkit
 * writes a document's font subset, fontkit creates the components of composite glyphs with no code points
 * (`TTFSubset._addGlyph` → `font.getGlyph(componentId)`). In Roboto ” is drawn from two ’ components, “ from two ‘,
 * « and » from ‹ and ›, á from a and an acute. A later document that draws ’ then gets the cached component glyph,
 * pdfkit copies its empty `codePoints` into the PDF's ToUnicode map, and ’ is gone from the text layer.
 *
 * So every document still gets its own fontkit font object (its own glyph cache, layout engine, cmap processor
 * and subset), and only the decoded tables are shared: the font's `_tables` object is replaced, right after the
 * table directory is read, by the one the first font made from the same bytes filled. fontkit does exactly this
 * itself when it makes a variation of a font (`getVariation`: `font._tables = this._tables`). Decoded tables are
 * plain data, read and never written once decoded (the subsetter clones what it changes); every read sets the byte
 * stream's position first, and all of a document's font work runs synchronously, so documents rendered
 * concurrently cannot disturb each other.
 */

interface FontkitFont {
  type: string;
  stream: { buffer: Uint8Array };
  _tables: Record<string, unknown>;
  constructor: { prototype: { _decodeDirectory: (this: FontkitFont) => unknown } };
}

// The fontkit module pdfkit itself loads.
const require = createRequire(import.meta.url);
const pdfkitPath = createRequire(require.resolve('pdfmake')).resolve('pdfkit');
const fontkit = createRequire(pdfkitPath)('fontkit') as { create(bytes: Uint8Array): FontkitFont };

/**
 * The fields fontkit 2's TrueType font sets in its constructor. If a release adds one, it might hold state that
 * is not a decoded table, so nothing is shared then (documents are made as without this module).
 */
const knownFields = ['type', 'defaultLanguage', 'stream', 'variationCoords', '_directoryPos', '_tables', '_glyphs', 'directory'];

const shared: { bytes: Buffer; tables: Record<string, unknown> }[] = [];
let installed = false;
let enabled = true;

/** Decode the tables of these font files once for every document of this process. */
export function shareFontParsing(paths: string[]): void {
  for (const path of paths) {
    const bytes = readFileSync(path);
    if (shared.some((font) => font.bytes.equals(bytes))) continue;
    const font = fontkit.create(bytes);
    const fields = Object.keys(font);
    if (font.type !== 'TTF' || fields.length !== knownFields.length || !knownFields.every((f) => fields.includes(f))) return;
    shared.push({ bytes, tables: font._tables });
    if (!installed) {
      // TTFFont's constructor sets `_tables = {}`, then reads the directory, then defines the lazy table getters
      // (which decode into `this._tables`).
      const prototype = font.constructor.prototype;
      const decodeDirectory = prototype._decodeDirectory;
      prototype._decodeDirectory = function (this: FontkitFont) {
        const directory = decodeDirectory.call(this);
        const bytes = this.stream.buffer;
        const same = enabled && shared.find((f) => f.bytes.length === bytes.length && f.bytes.equals(bytes));
        if (same) this._tables = same.tables;
        return directory;
      };
      installed = true;
    }
  }
}

/** Turn the sharing off (every document decodes its fonts again) or back on; for comparisons in tests. */
export function setFontSharing(on: boolean): void {
  enabled = on;
}
