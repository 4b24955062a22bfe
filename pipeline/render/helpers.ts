import Handlebars from 'handlebars';
import type { Origin } from '../sources/load.js';
import type { Citation, Reference } from '../sources/schema.js';
import type { Lang } from '../write/options.js';
import { citationKey, citationText, referenceOrder, referenceParts } from './cite.js';
import { escapeCell, escapeLabel, escapeLink, escapeText } from './escape.js';
import type { Labels } from './labels.js';

type Loc = { start: { line: number; column: number } };
interface HelperOptions { loc?: Loc; hash: Record<string, unknown>; fn?: (context: unknown, options?: unknown) => string; inverse?: (context: unknown) => string }

/** A data or label problem found while rendering, at the template's place (`loc`). */
export class TemplateFault extends Error {
  constructor(message: string, readonly loc?: Loc) {
    super(message);
  }
}


/** What one render produced, beyond the Markdown: the sources it cited and where each inserted value came from. */
export interface RenderState {
  lang: Lang;
  cited: Map<string, Reference>;
  /** Each inserted value in output order, to trace a place in the generated Markdown back to its source. */
  trace: { output: string; loc?: Loc; origin?: Origin }[];
}

export interface Helpers {
  names: Set<string>;
  functions: Record<string, (...args: never[]) => unknown>;
  /** Starts a render in `lang`; helpers read and fill the returned state. */
  begin(lang: Lang): RenderState;
}

const locales: Record<Lang, string> = { en: 'en-GB', es: 'es-ES' };

export function createHelpers(references: Reference[], labels: Labels, origins: WeakMap<object, Origin>): Helpers {
  const byId = new Map(references.map((r) => [r.id, r]));
  let state: RenderState = { lang: 'en', cited: new Map(), trace: [] };
  const builtinEach = Handlebars.helpers.each as (context: unknown, options: HelperOptions) => string;

  const options = (args: unknown[]) => args.at(-1) as HelperOptions;
  /** The value in the render's language: a bilingual {en, es} picks one; text and numbers pass through. */
  const pick = (value: unknown, loc: Loc | undefined, helper: string): { text: string; origin?: Origin } => {
    if (value === undefined || value === null) throw new TemplateFault(`{{${helper}}} got no value: a missing optional field, or a field name that does not exist?`, loc);
    if (typeof value === 'string' || typeof value === 'number') return { text: String(value) };
    if (typeof value === 'object' && state.lang in value) {
      const origin = origins.get(value);
      const text = (value as Record<Lang, string>)[state.lang];
      return { text, ...(origin ? { origin: { file: origin.file, path: [...origin.path, state.lang] } } : {}) };
    }
    throw new TemplateFault(`{{${helper}}} expected text, a number or a bilingual {en, es} value`, loc);
  };
  const emit = (output: string, loc: Loc | undefined, origin?: Origin) => {
    state.trace.push({ output, ...(loc ? { loc } : {}), ...(origin ? { origin } : {}) });
    return output;
  };
  const escaping = (name: string, escape: (text: string) => string) => (value: unknown, ...rest: unknown[]) => {
    const { loc } = options(rest);
    const { text, origin } = pick(value, loc, name);
    return emit(escape(text), loc, origin);
  };
  const label = (key: string, loc: Loc | undefined) => {
    const text = labels[state.lang].get(key);
    if (text === undefined) throw new TemplateFault(`unknown label "${key}"`, loc);
    return text;
  };
  const cite = (citations: Citation[], loc: Loc | undefined) => {
    if (!Array.isArray(citations) || citations.length === 0) throw new TemplateFault('{{cite}} needs a list of citations', loc);
    return citations.map((citation) => {
      const reference = byId.get(citationKey(citation));
      if (!reference) throw new TemplateFault(`unknown citation key "${citationKey(citation)}"`, loc);
      state.cited.set(reference.id, reference);
      return escapeLink(citationText(citation, reference, state.lang), `#ref-${state.lang}-${reference.id}`)!;
    });
  };

  const functions = {
    /**
     * {{t "brief.facts.river"}}: a label in the render's language. Extra arguments extend the key
     * ({{t "types" town.type.value}} → "types.industrial"); {name} placeholders are filled from the hash, escaped
     * for text, or for a directive label with context="label".
     */
    t: (...args: unknown[]) => {
      const { loc, hash } = options(args);
      const key = args.slice(0, -1).join('.');
      const escape = hash.context === 'label' ? escapeLabel : escapeText;
      return label(key, loc).replace(/\{(\w+)\}/g, (_, name: string) => {
        if (!(name in hash)) throw new TemplateFault(`label "${key}" needs {{t … ${name}=…}}`, loc);
        const { text, origin } = pick(hash[name], loc, 't');
        return emit(escape(text), loc, origin);
      });
    },
    /** {{tlist "bases" town.founding.bases}} → "trade routes and railway": each value's label, joined for the language. */
    tlist: (prefix: string, values: unknown[], ...rest: unknown[]) => {
      const { loc } = options(rest);
      if (!Array.isArray(values)) throw new TemplateFault('{{tlist}} needs a list', loc);
      return new Intl.ListFormat(locales[state.lang], { type: 'conjunction' }).format(values.map((v) => label(`${prefix}.${v}`, loc)));
    },
    text: escaping('text', escapeText),
    cell: escaping('cell', escapeCell),
    label: escaping('label', escapeLabel),
    /** Narrative fields are Markdown on purpose: inserted as they are (the writers still show raw HTML as text). */
    md: (value: unknown, ...rest: unknown[]) => {
      const { loc } = options(rest);
      const { text, origin } = pick(value, loc, 'md');
      return emit(text.trim(), loc, origin);
    },
    /** {{cite fact.cite}} → "(Ualtaeva, 2011; Kuznetsov, 1970)" linked to the reference list; bare=true drops the brackets. */
    cite: (citations: Citation[], ...rest: unknown[]) => {
      const { loc, hash } = options(rest);
      const parts = cite(citations, loc).join('; ');
      return emit(hash.bare ? parts : `(${parts})`, loc);
    },
    /** The works cited so far in this render, sorted as a reference list is: place it after the text that cites. */
    references: () => [...state.cited.values()].sort(referenceOrder(state.lang)),
    /** One reference-list entry with its anchor: "Ualtaeva, A. S. (2011). *Title*. Journal. Publisher. URL" */
    reference: (reference: Reference, ...rest: unknown[]) => {
      const { loc } = options(rest);
      const parts = referenceParts(reference, state.lang);
      const pieces = [`${escapeText(parts.authors)} (${escapeText(parts.year)}).`];
      if (parts.title) pieces.push(`*${escapeText(parts.title)}*.`);
      if (parts.container) pieces.push(`${escapeText(parts.container)}.`);
      if (parts.publisher) pieces.push(`${escapeText(parts.publisher)}.`);
      if (parts.url) pieces.push(escapeLink(parts.url, parts.url) ?? escapeText(parts.url));
      return emit(`:anchor{#ref-${state.lang}-${reference.id}}${pieces.join(' ')}`, loc);
    },
    /** {{years 1933 1937}} → "1933–1937"; a single year when `to` is absent or equal. */
    years: (from: number, to: unknown, ...rest: unknown[]) => {
      const end = typeof to === 'number' ? to : undefined;
      const { loc } = options(typeof to === 'number' ? rest : [to, ...rest]);
      if (typeof from !== 'number') throw new TemplateFault('{{years}} needs a year', loc);
      return emit(end !== undefined && end !== from ? `${from}–${end}` : String(from), loc);
    },
    /**
     * {{#each (byYear cityStatus)}}: dated facts, one entry per year in first-seen order, each with the citations of
     * every fact of that year: two sources that agree print "1941 (Amanbekova et al., n.d.; Kratenko, 2002)", not
     * "1941 (…); 1941 (…)"; sources that differ still print each year.
     */
    byYear: (facts: unknown, ...rest: unknown[]) => {
      const { loc } = options(rest);
      if (!Array.isArray(facts)) throw new TemplateFault('{{byYear}} needs a list of dated facts', loc);
      const years = new Map<number, Map<string, Citation>>();
      for (const { year, cite } of facts as { year: number; cite: Citation[] }[]) {
        const cited = years.get(year) ?? new Map<string, Citation>();
        for (const citation of cite) cited.set(JSON.stringify(citation), citation);
        years.set(year, cited);
      }
      return [...years].map(([year, cited]) => ({ year, cite: [...cited.values()] }));
    },
    /** Locale number formatting: 1,234 (en-GB) and 1234 / 12.345 (es-ES, which groups from five digits). */
    number: (value: number, ...rest: unknown[]) => {
      const { loc } = options(rest);
      if (typeof value !== 'number') throw new TemplateFault('{{number}} needs a number', loc);
      return emit(escapeText(new Intl.NumberFormat(locales[state.lang]).format(value)), loc);
    },
    /** "a, b and c" / "a, b y c", each item escaped. */
    list: (items: unknown[], ...rest: unknown[]) => {
      const { loc } = options(rest);
      if (!Array.isArray(items)) throw new TemplateFault('{{list}} needs a list', loc);
      const texts = items.map((item) => escapeText(pick(item, loc, 'list').text));
      return emit(new Intl.ListFormat(locales[state.lang], { type: 'conjunction' }).format(texts), loc);
    },
    /** {{link text url}}: a link from data; only http(s), mailto, #id and relative paths are allowed. */
    link: (text: unknown, url: unknown, ...rest: unknown[]) => {
      const { loc } = options(rest);
      const markdown = typeof url === 'string' ? escapeLink(pick(text, loc, 'link').text, url) : undefined;
      if (!markdown) throw new TemplateFault(`{{link}} refuses the URL ${JSON.stringify(url)}`, loc);
      return emit(markdown, loc);
    },
    eq: (a: unknown, b: unknown) => a === b,
    /** Like the built-in, but a missing list is an error (a misspelt field), not silently nothing. */
    each: (context: unknown, ...rest: unknown[]) => {
      const helperOptions = options(rest);
      if (context === undefined) throw new TemplateFault('{{#each}} got no list: a field name that does not exist?', helperOptions.loc);
      return builtinEach.call(undefined, context, helperOptions);
    },
  };
  return {
    names: new Set(Object.keys(functions)),
    functions: functions as unknown as Helpers['functions'],
    begin(lang) {
      state = { lang, cited: new Map(), trace: [] };
      return state;
    },
  };
}
