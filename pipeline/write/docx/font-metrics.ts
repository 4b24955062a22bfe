import { readFileSync } from 'node:fs';
import { type RobotoFace, robotoFiles } from '../fonts.js';

/**
 * What the DOCX page estimate needs of a TrueType font, read straight from its tables: units per em, the horizontal
 * header's ascender, descender and line gap, and each character's advance width. fontkit gives the same, but loading
 * it (and its Unicode data) was a tenth of a DOCX-only run.
 */
export interface FontMetrics {
  unitsPerEm: number;
  ascent: number;
  descent: number;
  lineGap: number;
  /** Advance width in font units of the glyph the font's cmap gives the code point (.notdef if none). */
  advanceOf(codePoint: number): number;
}

export function readFontMetrics(bytes: Buffer): FontMetrics {
  const tables = new Map<string, number>();
  const count = bytes.readUInt16BE(4);
  for (let i = 0; i < count; i++) {
    const record = 12 + 16 * i;
    tables.set(bytes.toString('latin1', record, record + 4), bytes.readUInt32BE(record + 8));
  }
  const offset = (tag: string) => {
    const at = tables.get(tag);
    if (at === undefined) throw new Error(`font has no ${tag} table`);
    return at;
  };
  const head = offset('head');
  const hhea = offset('hhea');
  const hmtx = offset('hmtx');
  const metricsCount = bytes.readUInt16BE(hhea + 34);
  const advanceOfGlyph = (glyph: number) => bytes.readUInt16BE(hmtx + 4 * Math.min(glyph, metricsCount - 1));
  const glyphOf = cmapLookup(bytes, offset('cmap'));
  return {
    unitsPerEm: bytes.readUInt16BE(head + 18),
    ascent: bytes.readInt16BE(hhea + 4),
    descent: bytes.readInt16BE(hhea + 6),
    lineGap: bytes.readInt16BE(hhea + 8),
    advanceOf: (codePoint) => advanceOfGlyph(glyphOf(codePoint)),
  };
}

/** The cmap's Unicode subtable of format 4 (the Basic Multilingual Plane: Roboto's only one) as a lookup. */
function cmapLookup(bytes: Buffer, cmap: number): (codePoint: number) => number {
  const subtables: { platform: number; encoding: number; at: number; format: number }[] = [];
  for (let i = 0; i < bytes.readUInt16BE(cmap + 2); i++) {
    const record = cmap + 4 + 8 * i;
    const at = cmap + bytes.readUInt32BE(record + 4);
    subtables.push({ platform: bytes.readUInt16BE(record), encoding: bytes.readUInt16BE(record + 2), at, format: bytes.readUInt16BE(at) });
  }
  const unicode = (s: (typeof subtables)[number]) => s.platform === 0 || (s.platform === 3 && s.encoding === 1);
  const basic = subtables.find((s) => unicode(s) && s.format === 4);
  if (!basic) throw new Error('font has no Unicode cmap of format 4');
  const segments = bytes.readUInt16BE(basic.at + 6) / 2;
  const ends = basic.at + 14;
  const starts = ends + 2 * segments + 2;
  const deltas = starts + 2 * segments;
  const rangeOffsets = deltas + 2 * segments;
  return (codePoint) => {
    if (codePoint > 0xffff) return 0;
    for (let i = 0; i < segments; i++) {
      if (codePoint > bytes.readUInt16BE(ends + 2 * i)) continue;
      const start = bytes.readUInt16BE(starts + 2 * i);
      if (codePoint < start) return 0;
      const delta = bytes.readInt16BE(deltas + 2 * i);
      const rangeOffset = bytes.readUInt16BE(rangeOffsets + 2 * i);
      if (rangeOffset === 0) return (codePoint + delta) & 0xffff;
      const glyph = bytes.readUInt16BE(rangeOffsets + 2 * i + rangeOffset + 2 * (codePoint - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}

const roboto = new Map<RobotoFace, { font: FontMetrics; widths: Map<number, number> }>();

function robotoFace(face: RobotoFace) {
  let entry = roboto.get(face);
  if (!entry) {
    entry = { font: readFontMetrics(readFileSync(robotoFiles[face])), widths: new Map() };
    roboto.set(face, entry);
  }
  return entry;
}

/** The metrics of one of Roboto's faces, read once per thread. */
export const robotoMetrics = (face: RobotoFace): FontMetrics => robotoFace(face).font;

/** The advance width in ems of a character in one of Roboto's faces. */
export function robotoAdvance(codePoint: number, face: RobotoFace): number {
  const { font, widths } = robotoFace(face);
  let width = widths.get(codePoint);
  if (width === undefined) {
    width = font.advanceOf(codePoint) / font.unitsPerEm;
    widths.set(codePoint, width);
  }
  return width;
}
