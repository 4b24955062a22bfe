import { z } from 'zod';
import { bilingualText, citation } from '../sources/schema.js';

/**
 * An annex table spec, `templates/annex/<id>.yaml`: the table is declared here, so adding a table or a column
 * needs no code. Strict like the sources: a misspelt field is a located error, and every visible text is
 * bilingual. Values are expressions (expression.ts), checked against the data schema when the spec is loaded.
 */

const expression = z.string().trim().min(1, { message: 'expected an expression, e.g. town.name' });
const name = z.string().regex(/^[a-z][a-zA-Z0-9]*$/, { message: 'expected a name of letters and digits, e.g. status' });
const columnId = z.string().regex(/^[a-z][a-z0-9-]*$/, { message: 'expected a column id of a–z, 0–9 and "-"' });

export const columnTypes = ['text', 'number', 'year', 'years', 'money', 'citations'] as const;
export type ColumnType = (typeof columnTypes)[number];

/** Where the rows come from: one row per item of a collection, optionally filtered. */
export const rowSource = z.strictObject({
  /** `towns`, `stages`, `programs`, or a list inside their items: `towns.events`, `programs.measures`. */
  each: z.string().regex(/^[a-z][a-zA-Z]*(\.[a-z][a-zA-Z]*)?$/, { message: 'expected a collection such as towns or towns.events' }),
  /** The name of the item of a nested list (`towns.events` as `event`); the parent keeps its name (`town`). */
  as: name.optional(),
  /** Keep only the items for which this is true. */
  where: expression.optional(),
  /** True for rows that are invented examples: every format labels them (the programme files say so). */
  illustrative: expression.optional(),
  /** Named values for the columns, so rows from several sources can fill the same columns differently. */
  let: z.record(name, expression, { message: 'expected names of letters and digits, each with an expression' }).default({}),
});

export const column = z.strictObject({
  id: columnId,
  /** The column header; a column repeated per item (`each`) takes `headerValue` instead. */
  header: bilingualText.optional(),
  /** One column per item of a top-level collection (a matrix), e.g. `each: towns` with `headerValue: town.name`. */
  each: z.enum(['towns', 'stages'], { message: 'expected towns or stages' }).optional(),
  headerValue: expression.optional(),
  /** What the cell shows; not needed for `type: citations`, which lists the row's sources. */
  value: expression.optional(),
  type: z.enum(columnTypes).default('text'),
  /** Width in characters (the XLSX column width); PDF and DOCX size columns from their content. */
  width: z.number().positive({ message: 'expected a width > 0' }).default(14),
  align: z.enum(['left', 'right', 'center']).optional(),
  format: z.strictObject({ decimals: z.number().int().min(0).max(6) }).optional(),
});

export const annexSpec = z.strictObject({
  id: z.string().regex(/^A[1-9][0-9]*$/, { message: 'expected an annex table id such as A1' }),
  title: bilingualText,
  /** The source note printed below the table (before the citations). */
  note: bilingualText,
  /** Works the table as a whole rests on, besides those its cells cite. */
  cite: z.array(citation).default([]),
  /** Wide tables go on landscape pages in PDF and DOCX. */
  orientation: z.enum(['portrait', 'landscape']).default('portrait'),
  rows: z.array(rowSource).min(1, { message: 'expected at least one row source' }),
  /** Column ids to sort the rows by (empty cells first); rows keep their source order otherwise. */
  sort: z.array(columnId).default([]),
  columns: z.array(column).min(1, { message: 'expected at least one column' }),
});

export type AnnexSpec = z.infer<typeof annexSpec>;
export type ColumnSpec = z.infer<typeof column>;
