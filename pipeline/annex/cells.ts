import type { ColumnType } from './spec.js';
import { EvaluationError } from './functions.js';
import type { CellValue } from './table.js';
import { isBilingual, type Localisable, YearSpan } from './values.js';

const describe = (value: unknown) =>
  Array.isArray(value) ? 'a list' : isBilingual(value) ? 'text' : value === null || typeof value !== 'object' ? JSON.stringify(value) : 'a mapping';

const empty = (value: unknown) => value === undefined || value === null || (Array.isArray(value) && value.length === 0);

/** An evaluated value → the typed value of a cell of `type`; a money amount also gives its currency. */
export function toCell(type: Exclude<ColumnType, 'citations'>, value: unknown): { value: CellValue; currency?: string } {
  if (empty(value)) return { value: null };
  switch (type) {
    case 'text':
      return { value: toText(value) };
    case 'number':
      if (typeof value !== 'number') throw new EvaluationError(`expected a number, got ${describe(value)}`);
      return { value };
    case 'year':
      if (value instanceof YearSpan && value.to === undefined) return { value: value.from };
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new EvaluationError(`expected one year, got ${describe(value)}`);
      return { value };
    case 'years':
      return { value: toYears(value) };
    case 'money': {
      const money = value as { amount?: unknown; currency?: unknown };
      if (typeof money.amount !== 'number' || typeof money.currency !== 'string') {
        throw new EvaluationError(`expected an amount with its currency ({amount, currency}), got ${describe(value)}`);
      }
      return { value: money.amount, currency: money.currency };
    }
  }
}

/** Text, or a list of texts joined with "; " (per language when any item is bilingual). */
function toText(value: unknown): Localisable {
  const items = (Array.isArray(value) ? value : [value]).map((item): Localisable => {
    if (typeof item === 'string' || typeof item === 'number') return String(item);
    if (isBilingual(item)) return item;
    if (item instanceof YearSpan) return String(item);
    throw new EvaluationError(`expected text, got ${describe(item)}`);
  });
  // One text is kept as it is: the sources' own object, whose field a message about its cell can name.
  if (items.length === 1) return items[0]!;
  if (items.every((item) => typeof item === 'string')) return items.join('; ');
  const pick = (lang: 'en' | 'es') => items.map((item) => (typeof item === 'string' ? item : item[lang])).join('; ');
  return { en: pick('en'), es: pick('es') };
}

/** Years and spans, each once, in order: the two city-status years the sources give stay visible. */
function toYears(value: unknown): YearSpan[] {
  const spans = (Array.isArray(value) ? value : [value]).map((item) => {
    if (item instanceof YearSpan) return item;
    if (typeof item === 'number' && Number.isInteger(item)) return new YearSpan(item);
    throw new EvaluationError(`expected years, got ${describe(item)}`);
  });
  const unique = new Map(spans.map((span) => [String(span), span]));
  return [...unique.values()].sort((a, b) => a.from - b.from || (a.to ?? a.from) - (b.to ?? b.from));
}
