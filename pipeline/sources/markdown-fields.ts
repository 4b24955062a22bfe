import type { z } from 'zod';
import { narrativeProblems } from '../markdown/parse.js';
import { bilingualMarkdown } from './schema.js';
import type { FieldPath } from './yaml-file.js';

export interface MarkdownProblem { path: FieldPath; reason: string }

/**
 * Checks every narrative (a `bilingualMarkdown` field, found by walking the data along its schema) for what a
 * narrative must not hold whatever the document: links and images to `javascript:`, `data:`, `file:`…, and layout
 * directives (`::toc`, `:::landscape`…). Reported when the sources are loaded, so `check` finds them, at the field.
 */
export function checkMarkdownFields(schema: z.ZodType, data: unknown): MarkdownProblem[] {
  const problems: MarkdownProblem[] = [];
  walk(schema, data, [], (path, text) => {
    for (const reason of narrativeProblems(text)) problems.push({ path, reason });
  });
  return problems;
}

function walk(schema: z.ZodType, value: unknown, path: FieldPath, visit: (path: FieldPath, text: string) => void): void {
  if (value === undefined || value === null) return;
  if (schema === bilingualMarkdown) {
    for (const [lang, text] of Object.entries(value as Record<string, unknown>)) if (typeof text === 'string') visit([...path, lang], text);
    return;
  }
  const def = schema._zod.def as { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType; innerType?: z.ZodType; in?: z.ZodType };
  if (def.innerType) return walk(def.innerType, value, path, visit);
  if (def.type === 'pipe' && def.in) return walk(def.in, value, path, visit);
  if (def.type === 'array' && def.element && Array.isArray(value)) return value.forEach((item, i) => walk(def.element!, item, [...path, i], visit));
  if (def.type === 'object' && def.shape && typeof value === 'object') {
    for (const [key, child] of Object.entries(def.shape)) walk(child, (value as Record<string, unknown>)[key], [...path, key], visit);
  }
}
