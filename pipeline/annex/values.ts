import type { BilingualText, Citation } from '../sources/schema.js';
import type { Lang } from '../write/options.js';

/** A value while an expression is evaluated, with the citations of the facts it was read through. */
export interface Cited {
  value: unknown;
  cites: Citation[];
}

/** Text that is the same in every language (a name, a code) or given per language. */
export type Localisable = string | BilingualText;

/** A year or a span of years ("1941–1945"), as dated facts give them (`year`/`to`, `from`/`until`). */
export class YearSpan {
  constructor(readonly from: number, readonly to?: number) {}
  toString(): string {
    return this.to !== undefined && this.to !== this.from ? `${this.from}–${this.to}` : String(this.from);
  }
}

export function isBilingual(value: unknown): value is BilingualText {
  return typeof value === 'object' && value !== null && typeof (value as BilingualText).en === 'string' && typeof (value as BilingualText).es === 'string';
}

export function inLanguage(text: Localisable, lang: Lang): string {
  return typeof text === 'string' ? text : text[lang];
}

/** The citations a value carries itself: a fact's `cite`, or those of each fact in a list. */
export function citesOf(value: unknown): Citation[] {
  if (Array.isArray(value)) return value.flatMap(citesOf);
  if (typeof value === 'object' && value !== null && Array.isArray((value as { cite?: unknown }).cite)) {
    return (value as { cite: Citation[] }).cite;
  }
  return [];
}

const citationId = (citation: Citation) => (typeof citation === 'string' ? citation : `${citation.key}@${citation.pages}`);

/** Each citation once, in the order first met. */
export function uniqueCitations(citations: Citation[]): Citation[] {
  const seen = new Map<string, Citation>();
  for (const citation of citations) if (!seen.has(citationId(citation))) seen.set(citationId(citation), citation);
  return [...seen.values()];
}

/** Reads a dotted path below a value; through a list, each item's field (lists of lists are flattened). */
export function readPath(start: unknown, fields: string[]): Cited {
  let value = start;
  const cites: Citation[] = [];
  for (const field of fields) {
    if (value === undefined || value === null) return { value: undefined, cites };
    // The facts passed through on the way are what the value rests on.
    cites.push(...citesOf(value));
    value = Array.isArray(value) ? value.flatMap((item) => own(item, field) ?? []) : own(value, field);
  }
  return { value, cites };
}

/** Only the data's own fields: a path never reaches `constructor` or a prototype. */
function own(value: unknown, field: string): unknown {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, field) ? (value as Record<string, unknown>)[field] : undefined;
}

/** What `where`, `when` and `illustrative` count as true: anything but nothing, false, empty text and empty lists. */
export function truthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : value !== undefined && value !== null && value !== false && value !== '';
}
