import type { CustomTableLayout, PageOrientation, StyleDictionary } from 'pdfmake/interfaces.js';

/** Points per millimetre: the print margins below are thought of in millimetres. */
export const mm = 72 / 25.4;

const a4 = { width: 595.28, height: 841.89 };

/** Side margins of 20 mm; top and bottom leave room for the running header and footer. */
export const margins = { side: 20 * mm, top: 25 * mm, bottom: 22 * mm } as const;

interface PageGeometry {
  textWidth: number;
  /** Height available to body content between header and footer. */
  usableHeight: number;
}

export const pages: Record<PageOrientation, PageGeometry> = {
  portrait: { textWidth: a4.width - 2 * margins.side, usableHeight: a4.height - margins.top - margins.bottom },
  landscape: { textWidth: a4.height - 2 * margins.side, usableHeight: a4.width - margins.top - margins.bottom },
};

export const body = { fontSize: 10, lineHeight: 1.25 } as const;
export const tableFontSize = 9;
/** Near-black rather than pure black: prints as solid black, reads softer on screen. */
const ink = '#1a1a1a';
const grey = '#555555';
/** Dark blue: prints as dark grey; links are also underlined so they survive grey-scale printing. */
export const linkColor = '#1f3f74';

/** Space after a block (paragraph, list, table…), in points. */
export const blockGap = 6;

/** Headings 1–4 (deeper ones look like 4): size steps of about 1.2, more space above than below. */
export const headingStyles = [
  { fontSize: 18, lineHeight: 1.15, margin: [0, 4, 0, 10] },
  { fontSize: 13.5, lineHeight: 1.15, margin: [0, 12, 0, 5] },
  { fontSize: 11.5, lineHeight: 1.15, margin: [0, 9, 0, 4] },
  { fontSize: 10.5, lineHeight: 1.15, margin: [0, 7, 0, 3] },
] as const;

const caption = { fontSize: 9, lineHeight: 1.2, margin: [0, 4, 0, 4] } as const;
/** One caption line with its margins. */
export const captionHeight = caption.fontSize * caption.lineHeight + caption.margin[1] + caption.margin[3];

export const styles: StyleDictionary = {
  ...Object.fromEntries(headingStyles.map((style, i) => [`h${i + 1}`, { ...style, margin: [...style.margin], bold: true, color: '#000000' }])),
  caption: { ...caption, margin: [...caption.margin] },
  running: { fontSize: 8, lineHeight: 1, color: grey },
  tocTitle: { fontSize: 13.5, bold: true, color: '#000000', margin: [0, 0, 0, 8] },
  tocEntry: { fontSize: 10 },
  tocMajor: { fontSize: 10, bold: true },
};

export const defaultStyle = { font: 'Roboto', fontSize: body.fontSize, lineHeight: body.lineHeight, color: ink };

/** A block taller than this share of a page may not be kept together (pdfmake would drop it: upstream #2560). */
export const keepTogetherLimit = 0.8;

const box = (fill: string, border: number, borderColor: string): CustomTableLayout => ({
  hLineWidth: () => border,
  vLineWidth: () => border,
  hLineColor: () => borderColor,
  vLineColor: () => borderColor,
  fillColor: () => fill,
  // The last block inside adds its own bottom gap, hence less padding below.
  paddingLeft: () => 9,
  paddingRight: () => 9,
  paddingTop: () => 8,
  paddingBottom: () => Math.max(0, 8 - blockGap),
});

/** Table layouts by name, registered once on the pdfmake instance so definitions stay plain data. */
export const tableLayouts: Record<string, CustomTableLayout> = {
  // Book-style rules: strong lines above and below, a lighter one under the header, hairlines between rows.
  'ek-rules': {
    hLineWidth: (i, node) => (i === 0 || i === node.table.body.length ? 0.8 : i === 1 ? 0.5 : 0.25),
    hLineColor: (i, node) => (i === 0 || i === 1 || i === node.table.body.length ? '#333333' : '#b3b3b3'),
    vLineWidth: () => 0,
    paddingLeft: (i) => (i === 0 ? 0 : 6),
    paddingRight: (i, node) => (i === (node.table.widths?.length ?? 1) - 1 ? 0 : 6),
    paddingTop: () => 3,
    paddingBottom: () => 3,
  },
  'ek-note': box('#f2f2f2', 0.75, '#666666'),
  'ek-warning': box('#f2f2f2', 1.5, '#333333'),
  'ek-facts': box('#ebebeb', 0.5, '#999999'),
  'ek-quote': {
    hLineWidth: () => 0,
    vLineWidth: (i) => (i === 0 ? 2 : 0),
    vLineColor: () => '#999999',
    paddingLeft: () => 10,
    paddingRight: () => 0,
    paddingTop: () => 1,
    paddingBottom: () => 0,
  },
};
