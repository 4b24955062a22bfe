import { z } from 'zod';

/**
 * The one definition of the sources: zod schemas give both the TypeScript types and the rules.
 * Objects are strict, so a misspelt field is an error instead of being ignored.
 * Cross-file rules (citation keys, stage ids, event years) live in cross-check.ts.
 */

export const slugPattern = /^[a-z0-9-]+$/;
const slug = z.string().regex(slugPattern, { message: 'expected a slug of a–z, 0–9 and "-"' });
const year = z
  .number({ message: 'expected a year between 1700 and 2100' })
  .int({ message: 'expected a year between 1700 and 2100' })
  .min(1700, { message: 'expected a year between 1700 and 2100' })
  .max(2100, { message: 'expected a year between 1700 and 2100' });

/**
 * Longest texts accepted, in characters. Generous (the paper's longest passage is about 1,200), but they keep a
 * pasted book chapter out of a 2–4 page brief: the PDF of a 1 MB narrative took minutes to lay out.
 */
export const maxTextLength = 2_000;
export const maxMarkdownLength = 20_000;
/**
 * Control characters (pasted from a word processor or a terminal) and broken UTF-16 show in no document: the PDF
 * font has no glyph for them, and Word refuses some of them in its XML. Line breaks and tabs are fine.
 */
const unprintable = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const printable = () => z.string().superRefine((value, ctx) => {
  const found = unprintable.exec(value);
  if (!found) return;
  const code = found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  ctx.addIssue({ code: 'custom', message: `expected text without control characters (U+${code} at character ${found.index + 1})` });
});
const text = (message: string, max: number) =>
  printable().trim().min(1, { message }).max(max, { message: `expected at most ${max} characters` });

/** Plain text in both languages (a name, a label). */
export const bilingualText = z.strictObject({
  en: text('expected English text', maxTextLength),
  es: text('expected Spanish text', maxTextLength),
});
/** Markdown in both languages (a narrative); inserted into documents as Markdown on purpose. */
export const bilingualMarkdown = z.strictObject({
  en: text('expected English text', maxMarkdownLength),
  es: text('expected Spanish text', maxMarkdownLength),
});
/** A plain string that is not bilingual (a spelling, a source, a reference's title). */
const longest = printable().max(maxTextLength, { message: `expected at most ${maxTextLength} characters` });
const plain = (message?: string) => longest.min(1, message ? { message } : undefined);

/** A citation: a reference key, or a key with the pages where known. */
export const citation = z.union([
  z.string().min(1),
  z.strictObject({ key: z.string().min(1), pages: z.string().min(1) }),
]);
/** Every fact carries at least one citation. */
const cited = { cite: z.array(citation).min(1, { message: 'expected at least one citation' }) };

const endsAfterStart = (fact: unknown) => {
  const { year: from, to } = fact as { year: number; to?: number };
  return to === undefined || to >= from;
};
/** A dated fact: `year`, or `year`–`to` for a span. */
const datedFact = <T extends z.ZodRawShape>(shape: T) =>
  z.strictObject({ year, to: year.optional(), ...shape, ...cited }).refine(endsAfterStart, {
    message: 'expected `to` to be the same year as `year` or later',
    path: ['to'],
  });

export const branch = z.enum(['metal-ores', 'electricity', 'agricultural-processing', 'transport', 'nuclear-research']);
export const townType = z.enum(['industrial', 'industrial-transport', 'scientific-experimental']);
export const foundingBasis = z.enum(['trade-routes', 'ore-deposit', 'railway', 'state-order', 'hydro-construction']);
export const factorKind = z.enum(['historical-background', 'state-interest']);

export const formerName = z.strictObject({
  name: bilingualText,
  /** Year the name came into use, where the paper gives it. */
  from: year.optional(),
  /** Year the name was replaced. */
  until: year.optional(),
  note: bilingualText.optional(),
  ...cited,
});

/** A name from outside the paper (e.g. the Kazakh spelling) names its source. */
export const nativeName = z.strictObject({
  lang: z.enum(['kk', 'ru']),
  name: plain(),
  source: plain(),
});

export const event = datedFact({
  stage: slug,
  text: bilingualMarkdown,
  /** A few words for the timeline figure; without it the figure shows the year only. */
  label: bilingualText.optional(),
});

export const town = z.strictObject({
  slug,
  name: bilingualText,
  /** Other spellings the paper itself uses (Ayaguz, Shemonaikha, Riddick…). */
  spellings: z.array(plain()).default([]),
  nativeNames: z.array(nativeName).default([]),
  formerNames: z.array(formerName).default([]),
  /** Secret code names (Kurchatov). */
  codeNames: z.array(formerName).default([]),
  river: z.strictObject({ name: bilingualText, ...cited }).optional(),
  type: z.strictObject({ value: townType, ...cited }),
  specialisation: z.strictObject({ branch, text: bilingualText, ...cited }),
  adminRole: z.strictObject({ text: bilingualText, ...cited }).optional(),
  founding: z.strictObject({
    period: bilingualText,
    bases: z.array(foundingBasis).min(1),
    text: bilingualMarkdown,
    ...cited,
  }),
  /** One entry per statement in the sources; two different years mean the sources conflict. */
  cityStatus: z.array(z.strictObject({ year, ...cited })).default([]),
  enterprises: z.array(z.strictObject({ name: bilingualText, from: year.optional(), ...cited })).default([]),
  events: z.array(event).min(1, { message: 'expected at least one dated event' }),
  factors: z
    .array(z.strictObject({ kind: factorKind, text: bilingualMarkdown, ...cited }))
    .min(1, { message: 'expected the decisive factors' }),
  evacuation: z
    .array(
      z.strictObject({
        year: year.optional(),
        kind: z.enum(['institution', 'enterprise', 'hospital', 'people', 'production']),
        text: bilingualMarkdown,
        /** A count the paper gives (people, beds…), stored as a number for tables. */
        count: z.number().int().nonnegative().optional(),
        ...cited,
      }),
    )
    .default([]),
  observations: z.array(z.strictObject({ text: bilingualMarkdown, ...cited })).default([]),
  coordinates: z.strictObject({
    lat: z.number().min(40).max(56),
    lon: z.number().min(45).max(90),
    source: plain('coordinates must name their source'),
  }),
});

export const stage = z.strictObject({
  id: slug,
  title: bilingualText,
  from: year,
  to: year,
  summary: bilingualMarkdown,
  events: z.array(datedFact({ text: bilingualMarkdown })).default([]),
  ...cited,
});
export const stagesFile = z.strictObject({ stages: z.array(stage).min(1) });

export const regionFile = z.strictObject({
  name: bilingualText,
  summary: bilingualMarkdown,
  events: z.array(datedFact({ text: bilingualMarkdown })).min(1),
  typology: z.strictObject({ text: bilingualMarkdown, ...cited }),
  conclusions: z
    .array(z.strictObject({ text: bilingualMarkdown, /** Also printed in every town brief. */ inBriefs: z.boolean().default(false), ...cited }))
    .min(1),
  method: z.strictObject({ text: bilingualMarkdown, ...cited }),
  introduction: z.strictObject({ text: bilingualMarkdown, ...cited }),
});

/** CSL-JSON-like: only what the paper lets us know; unknown details stay absent, never invented. */
export const reference = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/),
  type: z.enum(['article-journal', 'book', 'chapter', 'thesis', 'webpage', 'document', 'dataset']),
  author: z.array(z.strictObject({ family: plain(), given: longest.optional() })).default([]),
  /** A work cited by title (no personal author), e.g. "Zyryanovskoye Field". */
  'title-short': longest.optional(),
  title: longest.optional(),
  'container-title': longest.optional(),
  publisher: longest.optional(),
  URL: z.url({ protocol: /^https?$/, message: 'expected an http(s) address' }).optional(),
  issued: z.strictObject({ year }).optional(),
  /** How the documents cite it in text, when not derivable: "Ualtaeva, 2011". */
  note: longest.optional(),
});
export const referencesFile = z.strictObject({ references: z.array(reference).min(1) });

const amount = z.number().nonnegative({ message: 'expected a number ≥ 0' });
export const measure = z.strictObject({
  id: slug,
  measure: bilingualText,
  objective: bilingualText,
  factor: factorKind,
  indicator: bilingualText,
  baseline: z.strictObject({ value: z.number(), year }),
  target: z.strictObject({ value: z.number(), year }),
  horizon: year,
  responsible: bilingualText,
  cost: z.strictObject({ amount, currency: z.string().regex(/^[A-Z]{3}$/, { message: 'expected an ISO 4217 code such as KZT' }) }),
  funding: bilingualText,
});
export const programFile = z.strictObject({
  town: slug,
  /** The paper gives no measures: example rows must be labelled as such in every format. */
  illustrative: z.boolean(),
  measures: z.array(measure).min(1),
});

export type BilingualText = z.infer<typeof bilingualText>;
export type Citation = z.infer<typeof citation>;
export type Town = z.infer<typeof town>;
export type Stage = z.infer<typeof stage>;
export type Region = z.infer<typeof regionFile>;
export type Reference = z.infer<typeof reference>;
export type Program = z.infer<typeof programFile>;
export type Measure = z.infer<typeof measure>;

export const datasetFile = z.strictObject({
  version: z.string().regex(/^\d+\.\d+\.\d+$/, { message: 'expected a version like 1.2.0' }),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected a date like 2026-11-26' }),
});
