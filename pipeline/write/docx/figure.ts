import { Resvg } from '@resvg/resvg-js';
import { ImageRun } from 'docx';
import { robotoFiles } from '../fonts.js';
import type { Figure } from '../options.js';

const pixelsPerPoint = 96 / 72; // docx sizes images in pixels at 96 dpi
/** Raster density against the displayed size: sharp on screen and in print at a modest file size. */
const rasterScale = 2;

/**
 * The figure as a picture scaled to the text width: Word 2016+ draws the SVG, older Word and LibreOffice the PNG
 * fallback. The PNG is rendered with our Roboto files only, never system fonts, so it is the same on every machine.
 */
export function figureImage(figure: Figure, textWidth: number, drawingId: number): ImageRun {
  const width = Math.round(textWidth * pixelsPerPoint);
  const height = Math.round((width * figure.height) / figure.width);
  return new ImageRun({
    type: 'svg',
    data: Buffer.from(figure.svg),
    fallback: { type: 'png', data: rasterise(figure, width * rasterScale) },
    transformation: { width, height },
    altText: { id: String(drawingId), description: figure.alt },
  });
}

/** PNGs drawn so far, by figure and width: a figure placed again (a repeated chart, the same width) is drawn once. */
const rasterised = new WeakMap<Figure, Map<number, Buffer>>();

function rasterise(figure: Figure, width: number): Buffer {
  const byWidth = rasterised.get(figure) ?? new Map<number, Buffer>();
  rasterised.set(figure, byWidth);
  let png = byWidth.get(width);
  if (!png) {
    png = new Resvg(figure.svg, {
      fitTo: { mode: 'width', value: width },
      font: { loadSystemFonts: false, fontFiles: Object.values(robotoFiles), defaultFontFamily: 'Roboto' },
    }).render().asPng();
    byWidth.set(width, png);
  }
  return png;
}
