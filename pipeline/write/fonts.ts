import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// Fonts come from an npm package (pdfmake ships Roboto, which covers Spanish and Kazakh Cyrillic),
// never from the system, so every machine renders the same glyphs.
const require = createRequire(import.meta.url);
const robotoDir = join(dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto');

export const robotoFiles = {
  normal: join(robotoDir, 'Roboto-Regular.ttf'),
  bold: join(robotoDir, 'Roboto-Medium.ttf'),
  italics: join(robotoDir, 'Roboto-Italic.ttf'),
  bolditalics: join(robotoDir, 'Roboto-MediumItalic.ttf'),
} as const;

export type RobotoFace = keyof typeof robotoFiles;

/** The face of bold and italic text (our bold is Roboto Medium, in the PDF as in the DOCX). */
export const robotoFaceOf = (bold?: boolean, italic?: boolean): RobotoFace =>
  bold ? (italic ? 'bolditalics' : 'bold') : italic ? 'italics' : 'normal';

/** No character of Roboto's Latin and Cyrillic is wider than this many ems (Ѹ is 1.18): a short word surely fits. */
export const widestCharacter = 1.2;
