import { createRequire } from 'node:module';

/**
 * Where a word may be hyphenated, by the TeX hyphenation patterns of its language (npm `hyphen`, from CTAN), for the
 * words of a table cell that are wider than their column: set at a syllable with a hyphen ("departa-mento") rather
 * than at whatever letter the column ends ("departamen|to"), as both writers did.
 */

const require = createRequire(import.meta.url);
type Hyphenate = (text: string) => string;

// The documents' languages. Text in another (a Kazakh name in Cyrillic) is not cut: these patterns find no syllable
// in it, and the writer breaks it where it must, as before.
const patternModules: Record<string, string> = { en: 'hyphen/en-gb', es: 'hyphen/es' };
const hyphenators = new Map<string, Hyphenate>();
const softHyphen = '\u00ad';

/** `word` cut where it may be hyphenated in `lang` (a language tag: `es`, `en-GB`); one piece if nowhere. */
export function syllables(word: string, lang: string): string[] {
  const language = lang.toLowerCase().split('-')[0]!;
  const module = patternModules[language];
  if (!module) return [word];
  let hyphenate = hyphenators.get(language);
  if (!hyphenate) {
    hyphenate = (require(module) as { hyphenateSync: Hyphenate }).hyphenateSync;
    hyphenators.set(language, hyphenate);
  }
  return hyphenate(word).split(softHyphen);
}

/**
 * `word` in as few pieces as the syllables allow, each of which `fits` with a hyphen after it (the last without):
 * each piece as long as it can be. A syllable that does not fit on its own stays whole, for the writer to break.
 */
export function hyphenatedPieces(word: string, lang: string, fits: (text: string) => boolean): string[] {
  const parts = syllables(word, lang);
  const pieces: string[] = [];
  let current = '';
  for (const [i, part] of parts.entries()) {
    const longer = current + part;
    if (current === '' || fits(i === parts.length - 1 ? longer : `${longer}-`)) {
      current = longer;
    } else {
      pieces.push(current);
      current = part;
    }
  }
  return [...pieces, current];
}
