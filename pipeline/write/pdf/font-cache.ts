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

interface Glyph { id: number; codePoints: number[] }
interface Position { xAdvance: number; yAdvance: number; xOffset: number; yOffset: number }
interface GlyphRun { glyphs: Glyph[]; positions: Position[]; script: unknown; language: unknown; direction: unknown }
type Layout = (this: FontkitFont, text: unknown, ...rest: unknown[]) => GlyphRun;

interface FontkitFont {
  type: string;
  stream: { buffer: Uint8Array };
  _tables: Record<string, unknown>;
  getGlyph(id: number, codePoints: number[]): Glyph;
  glyphsForString(text: string): Glyph[];
  glyphForCodePoint(codePoint: number): Glyph;
  constructor: { prototype: { _decodeDirectory: (this: FontkitFont) => unknown; layout: Layout } };
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
      prototype.layout = shapeOnce(prototype.layout);
      installed = true;
    }
  }
}

/** A word as fontkit shaped it: glyph ids with the code points they were made with, and their positions. */
interface Shape {
  ids: number[];
  codePoints: number[][];
  positions: number[]; // xAdvance, yAdvance, xOffset, yOffset of each glyph
  script: unknown;
  language: unknown;
  direction: unknown;
}

/** fontkit's GlyphRun and GlyphPosition classes, taken from the first run it makes (it does not export them). */
type RunClass = new (glyphs: Glyph[], features: unknown, script: unknown, language: unknown, direction: unknown) => GlyphRun;
type PositionClass = new (xAdvance: number, yAdvance: number, xOffset: number, yOffset: number) => Position;
let Run: RunClass | undefined;
let Position: PositionClass | undefined;

/**
 * Words shaped by each shared font, kept for every later document. Shaping (fontkit's GSUB/GPOS layout) was a
 * third of a brief's time, and pdfkit caches a word only within one document. A document never gets another's
 * Glyph objects (see above): a word found here is made again from its glyph ids in the asking font, which creates
 * each glyph as its own layout would, in the same order, so the document's subset and ToUnicode map are the same.
 */
const shapes = new WeakMap<object, Map<string, Shape>>();
/**
 * The words first met, a face at most: the eight towns' briefs and annexes use about 3,300 in the regular face. A
 * word kept costs ~0.9 KB of heap, so a run of many towns keeps at most ~4.5 MB a face. Words past it are shaped
 * each time.
 */
const wordsPerFont = 5_000;

function shapeOnce(layout: Layout): Layout {
  return function (this: FontkitFont, text: unknown, ...rest: unknown[]): GlyphRun {
    const [features] = rest;
    const byWord = enabled && shared.some((f) => f.tables === this._tables) ? (shapes.get(this._tables) ?? new Map<string, Shape>()) : undefined;
    // pdfkit asks for a word and at most an array of features; anything else is shaped as usual.
    if (!byWord || typeof text !== 'string' || rest.length > 1 || (features !== undefined && !Array.isArray(features))) return layout.call(this, text, ...rest);
    shapes.set(this._tables, byWord);
    const key = `${features ? (features as string[]).join(',') : ''}\u0000${text}`;
    const shape = byWord.get(key);
    if (!shape) {
      const run = layout.call(this, text, ...rest);
      Run ??= run.constructor as RunClass;
      Position ??= run.positions[0]?.constructor as PositionClass | undefined;
      if (byWord.size < wordsPerFont && Position) {
        byWord.set(key, {
          ids: run.glyphs.map((g) => g.id),
          codePoints: run.glyphs.map((g) => [...g.codePoints]),
          positions: run.positions.flatMap((p) => [p.xAdvance, p.yAdvance, p.xOffset, p.yOffset]),
          script: run.script,
          language: run.language,
          direction: run.direction,
        });
      }
      return run;
    }
    // The glyphs fontkit's layout makes before substituting (one per character) and the space it always asks for.
    this.glyphsForString(text);
    if (shape.ids.length > 0) this.glyphForCodePoint(0x20);
    const { positions } = shape;
    const again = new Run!(shape.ids.map((id, i) => this.getGlyph(id, shape.codePoints[i]!)), features, shape.script, shape.language, shape.direction);
    // Fresh positions: pdfkit scales a run's positions in place.
    again.positions = shape.ids.map((_, i) => new Position!(positions[4 * i]!, positions[4 * i + 1]!, positions[4 * i + 2]!, positions[4 * i + 3]!));
    return again;
  };
}

/** Turn the sharing off (every document decodes its fonts again) or back on; for comparisons in tests. */
export function setFontSharing(on: boolean): void {
  enabled = on;
}
