import type { z } from 'zod';
import type { Labels } from '../render/labels.js';
import type { BilingualText } from '../sources/schema.js';
import { walkFields } from './collections.js';
import type { Expression } from './expression.js';
import { type Cited, citesOf, isBilingual, type Localisable, readPath, truthy, YearSpan } from './values.js';

/** A value of the wrong kind met while evaluating (the checks at load time cannot see the data). */
export class EvaluationError extends Error {}

interface CheckInput {
  args: Expression[];
  /** The schema each argument's value has, where known. */
  shapes: (z.ZodType | undefined)[];
  labels: Labels;
}

export interface FunctionDefinition {
  /** How it is called, for messages. */
  usage: string;
  arity: [min: number, max: number];
  /** Arguments that must be text literals ('rest': from the second on). */
  literals: number[] | 'rest';
  /** Checks at load time beyond the argument count; returns the problem. */
  check?(input: CheckInput): string | undefined;
  /** The schema of the result, when it is the first argument's (`where` keeps items as they are). */
  keepsShape?: boolean;
  run(args: Cited[], labels: Labels): Cited;
}

const listOf = (value: unknown): unknown[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);
const fieldsOf = (literal: Cited) => String(literal.value).split('.');
const checkField = (input: CheckInput, index: number): string | undefined => {
  const items = input.shapes[0];
  const field = input.args[index] as { value: string };
  return items ? walkFields(items, 'each item', String(field.value).split('.')).problem : undefined;
};

function labelText(labels: Labels, key: string): BilingualText {
  const en = labels.en.get(key);
  const es = labels.es.get(key);
  if (en === undefined || es === undefined) throw new EvaluationError(`unknown label "${key}" (templates/i18n)`);
  return { en, es };
}

function toLocalisable(value: unknown): Localisable {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (isBilingual(value)) return value;
  throw new EvaluationError(`expected text, got ${Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a mapping' : String(value)}`);
}

const mapText = (text: Localisable, change: (text: string) => string): Localisable =>
  typeof text === 'string' ? change(text) : { en: change(text.en), es: change(text.es) };

/** Every text a value holds, in every language: what `mentions` searches. */
const textsOf = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : isBilingual(value) ? [value.en, value.es] : Array.isArray(value) ? value.flatMap(textsOf) : [];

export const functions: Record<string, FunctionDefinition> = {
  label: {
    usage: "label('key') or label('prefix', code)",
    arity: [1, 2],
    literals: [0],
    check: ({ args, labels }) => {
      const key = String((args[0] as { value: string }).value);
      if (args.length === 1) return labels.en.has(key) ? undefined : `unknown label "${key}" (not in templates/i18n/en.yaml)`;
      return [...labels.en.keys()].some((k) => k.startsWith(`${key}.`)) ? undefined : `no label starts with "${key}." (templates/i18n/en.yaml)`;
    },
    run: ([key, code], labels) => {
      if (!code) return { value: labelText(labels, String(key!.value)), cites: [] };
      const one = (value: unknown) => {
        if (typeof value !== 'string') throw new EvaluationError(`label('${key!.value}', …) expected a code, got ${typeof value}`);
        return labelText(labels, `${key!.value}.${value}`);
      };
      const value = code.value === undefined ? undefined : Array.isArray(code.value) ? code.value.map(one) : one(code.value);
      return { value, cites: [...code.cites, ...citesOf(code.value)] };
    },
  },

  dated: {
    usage: "dated(items, 'field'): each item's field followed by its year(s), e.g. \"Lead plant (1927)\"",
    arity: [2, 2],
    literals: [1],
    check: (input) => checkField(input, 1),
    run: ([items, field]) => {
      const list = listOf(items!.value);
      const value = list.flatMap((item) => {
        const fact = item as { year?: number; from?: number; to?: number; until?: number };
        const from = fact.year ?? fact.from;
        const years = typeof from === 'number' ? String(new YearSpan(from, fact.to ?? fact.until)) : undefined;
        const text = readPath(item, fieldsOf(field!)).value;
        if (text === undefined) return years === undefined ? [] : [years];
        return [years === undefined ? toLocalisable(text) : mapText(toLocalisable(text), (t) => `${t} (${years})`)];
      });
      return { value, cites: [...items!.cites, ...citesOf(list)] };
    },
  },

  where: {
    usage: "where(items, 'field', value): the items whose field is value",
    arity: [3, 3],
    literals: [1],
    check: (input) => checkField(input, 1),
    keepsShape: true,
    run: ([items, field, wanted]) => {
      const keep = (item: unknown) => {
        const value = readPath(item, fieldsOf(field!)).value;
        return Array.isArray(value) ? value.includes(wanted!.value) : value === wanted!.value;
      };
      return { value: listOf(items!.value).filter(keep), cites: items!.cites };
    },
  },

  mentions: {
    usage: "mentions(text, 'word', …): whether the text contains any of the words (any case)",
    arity: [2, 50],
    literals: 'rest',
    run: ([text, ...words]) => {
      const haystack = textsOf(text!.value).join('\n').toLowerCase();
      return { value: words.some((word) => haystack.includes(String(word.value).toLowerCase())), cites: [] };
    },
  },

  when: {
    usage: 'when(condition, value): the value, or nothing when the condition is false or empty',
    arity: [2, 2],
    literals: [],
    run: ([condition, value]) => (truthy(condition!.value) ? value! : { value: undefined, cites: [] }),
  },

  span: {
    usage: 'span(from, to): a year, or a span of years when to is given and later',
    arity: [1, 2],
    literals: [],
    run: ([from, to]) => {
      if (from!.value === undefined) return { value: undefined, cites: from!.cites };
      if (typeof from!.value !== 'number' || (to?.value !== undefined && typeof to.value !== 'number')) {
        throw new EvaluationError('span(from, to) expected years');
      }
      return { value: new YearSpan(from!.value, to?.value as number | undefined), cites: [...from!.cites, ...(to?.cites ?? [])] };
    },
  },
};
