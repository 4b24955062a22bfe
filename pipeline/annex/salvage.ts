import { z } from 'zod';
import type { FieldPath } from '../sources/yaml-file.js';
import { type AnnexSpec, annexSpec } from './spec.js';

/** The parts of a spec its expressions are checked in. */
export type CheckedParts = Pick<AnnexSpec, 'rows' | 'columns' | 'sort'>;
// Not strict at the top: the title, note and the rest are not needed to check expressions.
const checkedParts = z.object(annexSpec.pick({ rows: true, columns: true, sort: true }).shape);

/**
 * The rows, columns and sort of a spec that failed its schema, with every field the schema rejected taken out, so that
 * its expressions can still be checked against the data in the same run. Undefined when what is left is not whole: a
 * row or column lacks a field it must have.
 */
export function salvage(data: unknown): CheckedParts | undefined {
  const copy = structuredClone(data);
  // Each round takes out at least one field, or gives up; a rejected field's parent may be rejected in turn.
  for (let round = 0; round < 8; round++) {
    const result = checkedParts.safeParse(copy);
    if (result.success) return result.data;
    for (const issue of result.error.issues) if (!takeOut(copy, issue)) return undefined;
  }
  return undefined;
}

/** Removes what an issue is about: unknown keys, else the field (its parent's when it is missing; a list as a whole). */
function takeOut(data: unknown, issue: z.core.$ZodIssue): boolean {
  if (issue.code === 'unrecognized_keys') {
    const holder = at(data, issue.path as FieldPath) as Record<string, unknown> | undefined;
    for (const key of issue.keys) delete holder?.[key];
    return true;
  }
  let path = issue.path as FieldPath;
  if (at(data, path) === undefined) path = path.slice(0, -1);
  while (typeof path.at(-1) === 'number') path = path.slice(0, -1);
  const holder = at(data, path.slice(0, -1));
  const key = path.at(-1);
  if (key === undefined || !holder || typeof holder !== 'object' || !Object.hasOwn(holder, key)) return false;
  delete (holder as Record<string, unknown>)[key];
  return true;
}

function at(data: unknown, path: FieldPath): unknown {
  return path.reduce<unknown>((value, part) => (value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[part] : undefined), data);
}
