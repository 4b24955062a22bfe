import { readFileSync } from 'node:fs';
import { robotoFiles } from '../write/fonts.js';

/** Escapes text for use in SVG element content and attribute values (labels come from data). */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}

/** Fixed formatting (1 decimal, no "-0") so the same figure always gives the same bytes. */
export function num(n: number): string {
  const r = Math.round(n * 10) / 10;
  return String(r === 0 ? 0 : r);
}

const FONT = 'Roboto';

/**
 * A `<text>` element at baseline (x, y); `anchor` is the SVG text-anchor. A `halo` colour first draws the
 * text outlined in that colour (not paint-order, which the PDF writer's SVG converter ignores), so the
 * label stays legible over lines such as borders.
 */
export function text(
  x: number,
  y: number,
  content: string,
  opts: { size: number; bold?: boolean; anchor?: 'start' | 'middle' | 'end'; fill?: string; halo?: string },
): string {
  const attrs = [
    `x="${num(x)}" y="${num(y)}" font-size="${num(opts.size)}"`,
    opts.bold ? ' font-weight="bold"' : '',
    opts.anchor && opts.anchor !== 'start' ? ` text-anchor="${opts.anchor}"` : '',
  ].join('');
  const fill = opts.fill ? ` fill="${opts.fill}"` : '';
  const halo = opts.halo
    ? `<text ${attrs} fill="${opts.halo}" stroke="${opts.halo}" stroke-width="3" stroke-linejoin="round">${esc(content)}</text>`
    : '';
  return `${halo}<text ${attrs}${fill}>${esc(content)}</text>`;
}

/** The root element: size in points, one font family for all text (the writers embed Roboto). */
export function svgDoc(width: number, height: number, body: string[], defs = ''): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}" font-family="${FONT}">`,
    defs ? `<defs>${defs}</defs>` : '',
    `<rect width="${num(width)}" height="${num(height)}" fill="#fff"/>`,
    ...body,
    '</svg>\n',
  ].join('\n');
}

/**
 * Advance widths read from the same Roboto TTF files the writers embed (cmap format 4 + hmtx),
 * so label layout (collisions, fitting in bands) matches what is printed, for any script Roboto covers.
 * Kerning is ignored: it changes widths by well under the padding the layouts leave.
 */
class FontMetrics {
  private readonly data: DataView;
  private readonly unitsPerEm: number;
  private readonly hmtx: number;
  private readonly numberOfHMetrics: number;
  private readonly cmap: number;
  private readonly cache = new Map<number, number>();

  constructor(file: string) {
    const buf = readFileSync(file);
    this.data = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const tables = new Map<string, number>();
    for (let i = 0, n = this.u16(4); i < n; i++) {
      const rec = 12 + 16 * i;
      tables.set(buf.toString('latin1', rec, rec + 4), this.u32(rec + 8));
    }
    const table = (tag: string): number => {
      const offset = tables.get(tag);
      if (offset === undefined) throw new Error(`${file}: no ${tag} table`);
      return offset;
    };
    this.unitsPerEm = this.u16(table('head') + 18);
    this.numberOfHMetrics = this.u16(table('hhea') + 34);
    this.hmtx = table('hmtx');
    const cmap = table('cmap');
    let sub = -1;
    for (let i = 0, n = this.u16(cmap + 2); i < n; i++) {
      const rec = cmap + 4 + 8 * i;
      const platform = this.u16(rec);
      const encoding = this.u16(rec + 2);
      if ((platform === 3 && encoding === 1) || (platform === 0 && encoding === 3)) sub = cmap + this.u32(rec + 4);
    }
    if (sub < 0 || this.u16(sub) !== 4) throw new Error(`${file}: no Unicode BMP cmap (format 4)`);
    this.cmap = sub;
  }

  private u16(at: number): number {
    return this.data.getUint16(at);
  }

  private u32(at: number): number {
    return this.data.getUint32(at);
  }

  private glyph(code: number): number {
    const segX2 = this.u16(this.cmap + 6);
    const ends = this.cmap + 14;
    const starts = ends + segX2 + 2;
    const deltas = starts + segX2;
    const rangeOffsets = deltas + segX2;
    for (let i = 0; i < segX2; i += 2) {
      if (this.u16(ends + i) < code) continue;
      const start = this.u16(starts + i);
      if (start > code) return 0;
      const delta = this.u16(deltas + i);
      const rangeOffset = this.u16(rangeOffsets + i);
      if (rangeOffset === 0) return (code + delta) & 0xffff;
      const g = this.u16(rangeOffsets + i + rangeOffset + 2 * (code - start));
      return g === 0 ? 0 : (g + delta) & 0xffff;
    }
    return 0;
  }

  /** Advance width of one character in em. */
  advance(code: number): number {
    let w = this.cache.get(code);
    if (w === undefined) {
      const g = Math.min(code > 0xffff ? 0 : this.glyph(code), this.numberOfHMetrics - 1);
      w = this.u16(this.hmtx + 4 * g) / this.unitsPerEm;
      this.cache.set(code, w);
    }
    return w;
  }
}

const metrics: { normal?: FontMetrics; bold?: FontMetrics } = {};

/** Width in points of `content` set in Roboto at `size` points. */
export function textWidth(content: string, size: number, bold = false): number {
  const m = bold
    ? (metrics.bold ??= new FontMetrics(robotoFiles.bold))
    : (metrics.normal ??= new FontMetrics(robotoFiles.normal));
  let em = 0;
  for (const ch of content) em += m.advance(ch.codePointAt(0)!);
  return em * size;
}
