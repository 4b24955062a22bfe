import { createRequire } from 'node:module';
import { type RobotoFace, robotoFiles } from '../fonts.js';

/** What the PDF writer asks of a Roboto face itself, apart from pdfmake: which characters it draws, and widths. */
export interface Face {
  unitsPerEm: number;
  hasGlyphForCodePoint(codePoint: number): boolean;
  layout(text: string): { advanceWidth: number };
}
// fontkit (pdfkit's font parser) ships no types; only these members are needed.
const fontkit = createRequire(import.meta.url)('fontkit') as { openSync(path: string): Face };

const faces = new Map<RobotoFace, Face>();

/** A Roboto face, parsed once per process. */
export function robotoFace(name: RobotoFace): Face {
  let face = faces.get(name);
  if (!face) {
    face = fontkit.openSync(robotoFiles[name]);
    faces.set(name, face);
  }
  return face;
}

export const faceNames = Object.keys(robotoFiles) as RobotoFace[];
