import { z } from 'zod';
import type { Model } from '../sources/model.js';
import * as schema from '../sources/schema.js';

/** What a row (or a repeated column) can see: variable name → value. */
export type Scope = Record<string, unknown>;

const townModel = schema.town.extend({ cityStatusConflict: z.boolean() });

/**
 * The top-level collections a spec may go through, with the zod schema of their items (so a spec's field paths
 * are checked when it is loaded, against the same definition that validates the sources).
 */
export interface Collection {
  variable: string;
  /** Variables besides `variable` each item brings: a programme's town. */
  schemas: Record<string, z.ZodType>;
  scopes(model: Model): Scope[];
  /** A stable key of an item, for the ids of repeated columns (`events-ridder`). */
  key(scope: Scope): string;
}

export const collections: Record<string, Collection> = {
  towns: {
    variable: 'town',
    schemas: { town: townModel },
    scopes: (model) => model.towns.map((town) => ({ town })),
    key: (scope) => (scope.town as { slug: string }).slug,
  },
  stages: {
    variable: 'stage',
    schemas: { stage: schema.stage },
    scopes: (model) => model.stages.map((stage) => ({ stage })),
    key: (scope) => (scope.stage as { id: string }).id,
  },
  programs: {
    variable: 'program',
    schemas: { program: schema.programFile, town: townModel },
    scopes: (model) => model.programs.map((program) => ({ program, town: model.towns.find((t) => t.slug === program.town) })),
    key: (scope) => (scope.program as { town: string }).town,
  },
};

/** The schema one step below `parent`: a field of an object, through lists and optional wrappers. */
function child(parent: z.ZodType, field: string, path: string): { schema?: z.ZodType; problem?: string } {
  const node = unwrap(parent);
  const def = node._zod.def as { type: string; shape?: Record<string, z.ZodType> };
  if (def.type === 'object') {
    const next = def.shape![field];
    if (next) return { schema: next };
    return { problem: `unknown field "${field}" in ${path} (known: ${Object.keys(def.shape!).join(', ')})` };
  }
  // Unions (citations) and records are not walked further: accepted as they are.
  if (def.type === 'union' || def.type === 'record' || def.type === 'any' || def.type === 'unknown') return {};
  return { problem: `${path} is ${describe(def.type)}: it has no field "${field}"` };
}

/** Through optional/default wrappers and lists: a list's field is each item's field. */
function unwrap(node: z.ZodType): z.ZodType {
  let current = node;
  for (;;) {
    const def = current._zod.def as { type: string; innerType?: z.ZodType; element?: z.ZodType };
    if (def.innerType) current = def.innerType;
    else if (def.type === 'array') current = def.element!;
    else return current;
  }
}

function describe(type: string): string {
  const names: Record<string, string> = { string: 'text', number: 'a number', boolean: 'true or false', enum: 'a code' };
  return names[type] ?? type;
}

/** Checks a field path below a variable's schema; returns the schema it ends at, or the problem and its field's index. */
export function walkFields(root: z.ZodType, variable: string, fields: string[]): { schema?: z.ZodType; problem?: string; field?: number } {
  let current: z.ZodType | undefined = root;
  let path = variable;
  for (const [index, field] of fields.entries()) {
    if (!current) return {};
    const step = child(current, field, path);
    if (step.problem) return { problem: step.problem, field: index };
    current = step.schema;
    path = `${path}.${field}`;
  }
  return current ? { schema: current } : {};
}

/** Whether the schema holds a list of objects: a nested collection such as `towns.events`. */
export function isListOfObjects(node: z.ZodType): boolean {
  let current = node;
  for (;;) {
    const def = current._zod.def as { type: string; innerType?: z.ZodType; element?: z.ZodType };
    if (def.innerType) current = def.innerType;
    else if (def.type === 'array') return unwrap(def.element!)._zod.def.type === 'object';
    else return false;
  }
}
