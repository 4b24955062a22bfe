import type { Lang } from '../write/options.js';
import type { Citation, Reference } from '../sources/schema.js';

// No-break spaces inside the abbreviations and before a page number: a line (or a page) never ends on "s." or "p.".
const words = {
  en: { and: 'and', etAl: 'et\u00a0al.', noDate: 'n.d.', page: 'p.\u00a0' },
  es: { and: 'y', etAl: 'et\u00a0al.', noDate: 's.\u00a0f.', page: 'p.\u00a0' },
} as const;

export const citationKey = (citation: Citation) => (typeof citation === 'string' ? citation : citation.key);

/** "Ualtaeva", "Absemetov and Zinoviev", "Hamdouch et al." or the short title for works without an author. */
export function authorLabel(reference: Reference, lang: Lang): string {
  const names = reference.author.map((a) => a.family);
  const etAl = reference.note?.includes('et al.') === true;
  if (names.length === 0) return reference['title-short'] ?? reference.title ?? reference.id;
  if (names.length >= 3 || etAl) return `${names[0]} ${words[lang].etAl}`;
  return names.join(` ${words[lang].and} `);
}

export function yearLabel(reference: Reference, lang: Lang): string {
  return reference.issued ? String(reference.issued.year) : words[lang].noDate;
}

/** Author-date text of one citation, as the paper cites: "Ualtaeva, 2011" (with ", p. 12" where pages are known). */
export function citationText(citation: Citation, reference: Reference, lang: Lang): string {
  const pages = typeof citation === 'string' ? '' : `, ${words[lang].page}${citation.pages}`;
  return `${authorLabel(reference, lang)}, ${yearLabel(reference, lang)}${pages}`;
}

/** A reference-list entry in plain parts; the caller escapes and emphasises. */
export function referenceParts(reference: Reference, lang: Lang): { authors: string; year: string; title?: string; container?: string; publisher?: string; url?: string } {
  // "Family, Given; Family, Given" where initials are known; family names alone read as in the text ("A and B").
  const people = reference.author.some((a) => a.given)
    ? reference.author.map((a) => (a.given ? `${a.family}, ${a.given}` : a.family)).join('; ')
    : reference.author.map((a) => a.family).join(', ').replace(/, ([^,]*)$/, ` ${words[lang].and} $1`);
  const etAl = reference.note?.includes('et al.') ? ` ${words[lang].etAl}` : '';
  return {
    authors: people ? `${people}${etAl}` : (reference['title-short'] ?? reference.title ?? reference.id),
    year: yearLabel(reference, lang),
    ...(reference.title && reference.author.length > 0 ? { title: reference.title } : {}),
    ...(reference['container-title'] ? { container: reference['container-title'] } : {}),
    ...(reference.publisher ? { publisher: reference.publisher } : {}),
    ...(reference.URL ? { url: reference.URL } : {}),
  };
}

const locales: Record<Lang, string> = { en: 'en-GB', es: 'es-ES' };

/** The order of a reference list: by the authors' family names (or the title), then the year ("Ualtaeva (2011)" first). */
export function referenceOrder(lang: Lang): (a: Reference, b: Reference) => number {
  const key = (r: Reference) => (r.author.length > 0 ? r.author.map((a) => a.family).join(' ') : referenceParts(r, lang).authors);
  const year = (r: Reference) => r.issued?.year ?? Number.MAX_SAFE_INTEGER;
  return (a, b) => key(a).localeCompare(key(b), locales[lang]) || year(a) - year(b) || a.id.localeCompare(b.id);
}
