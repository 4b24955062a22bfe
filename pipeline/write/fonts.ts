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
