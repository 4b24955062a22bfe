import { robotoFaceOf, widestCharacter } from '../fonts.js';
import { hyphenatedPieces } from '../hyphenation.js';
import { robotoFace } from './faces.js';

interface Run { text?: unknown; bold?: boolean; italics?: boolean; fontSize?: number }

/**
 * A table cell's runs with each word wider than the cell (`width` points) hyphenated at its syllables: pdfmake breaks
 * a line after a hyphen, and would otherwise cut such a word at the letter where the column ends. Each piece is as
 * wide as the column allows, so no two pieces share a line and every hyphen added ends one. Widths are measured as
 * pdfkit sets the text (fontkit's layout, kerning included), so a word pdfmake would set whole is left whole.
 */
export function hyphenateWideWords<R extends Run>(runs: R[], width: number, fontSize: number, lang: string): R[] {
  return runs.map((run) => {
    if (typeof run.text !== 'string') return run;
    const size = run.fontSize ?? fontSize;
    const face = robotoFace(robotoFaceOf(run.bold, run.italics));
    const fits = (text: string) => (face.layout(text).advanceWidth / face.unitsPerEm) * size <= width;
    const surelyFits = (word: string) => word.length * widestCharacter * size <= width;
    // Words, and the parts of a hyphenated word, where pdfmake may break a line.
    const words = run.text.split(/(\s+|(?<=[-\u2013\u2014]))/);
    if (words.every(surelyFits)) return run;
    const text = words.map((word) => (surelyFits(word) || fits(word) ? word : hyphenatedPieces(word, lang, fits).join('-'))).join('');
    return { ...run, text };
  });
}
