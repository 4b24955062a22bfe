import { ImageRun } from 'docx';
import type { Figure } from '../options.js';
import { drawPng } from './draw.js';

const pixelsPerPoint = 96 / 72; // docx sizes images in pixels at 96 dpi
/** Raster density against the displayed size: sharp on screen and in print at a modest file size. */
const rasterScale = 2;

/**
 * A document's PNG fallbacks, drawn on a thread of their own while the document is built (draw.ts): drawing them
 * was a third of the report's time on this thread. Each picture goes into the document as a placeholder (its own bytes, so docx names
 * its media part after them), swapped for the PNG when the package is zipped (`swapIn`). A figure placed again at
 * the same width is drawn once.
 */
export class Pictures {
  private readonly drawn = new Map<Figure, Map<number, { placeholder: Buffer; png: Promise<Buffer> }>>();
  private readonly byPlaceholder = new Map<string, Promise<Buffer>>();

  /** Placeholder bytes for `figure` drawn `width` pixels wide; the drawing starts now. */
  placeholder(figure: Figure, width: number): Buffer {
    const byWidth = this.drawn.get(figure) ?? new Map<number, { placeholder: Buffer; png: Promise<Buffer> }>();
    this.drawn.set(figure, byWidth);
    let picture = byWidth.get(width);
    if (!picture) {
      const placeholder = Buffer.from(`ek-towns picture ${this.byPlaceholder.size + 1}`);
      const png = drawing(figure.svg, width);
      picture = { placeholder, png };
      byWidth.set(width, picture);
      this.byPlaceholder.set(placeholder.toString('latin1'), png);
    }
    return picture.placeholder;
  }

  /** The package's parts with every placeholder replaced by its PNG, once all are drawn. */
  async swapIn(parts: Map<string, string | Uint8Array>): Promise<Map<string, string | Uint8Array>> {
    for (const [path, data] of parts) {
      const png = typeof data !== 'string' && path.startsWith('word/media/') ? this.byPlaceholder.get(Buffer.from(data).toString('latin1')) : undefined;
      if (png) parts.set(path, await png);
    }
    return parts;
  }
}

/**
 * PNGs drawn lately in this process, by SVG and width: a rebuild in `ek-towns watch` redraws only the figures whose
 * data changed (one town's timeline, not the report's seventeen others). A few dozen figures, a few MB.
 */
const recent = new Map<string, Promise<Buffer>>();
const recentMax = 64;

function drawing(svg: string, width: number): Promise<Buffer> {
  const key = `${width} ${svg}`;
  let png = recent.get(key);
  if (png) {
    recent.delete(key); // to the end: the oldest is dropped first
  } else {
    png = drawPng(svg, width);
    png.catch(() => recent.delete(key)); // awaited in swapIn, which reports the failure; not kept to fail again
  }
  recent.set(key, png);
  if (recent.size > recentMax) recent.delete(recent.keys().next().value!);
  return png;
}

/** The figure as a picture scaled to the text width: Word 2016+ draws the SVG, older Word and LibreOffice the PNG fallback. */
export function figureImage(figure: Figure, textWidth: number, drawingId: number, pictures: Pictures): ImageRun {
  const width = Math.round(textWidth * pixelsPerPoint);
  const height = Math.round((width * figure.height) / figure.width);
  return new ImageRun({
    type: 'svg',
    data: Buffer.from(figure.svg),
    fallback: { type: 'png', data: pictures.placeholder(figure, width * rasterScale) },
    transformation: { width, height },
    altText: { id: String(drawingId), description: figure.alt },
  });
}
