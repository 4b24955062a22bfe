import type { z } from 'zod';
import type { FieldPath } from './yaml-file.js';

/** A validation problem, in words an editor understands, with where to point. */
export interface FieldProblem {
  path: FieldPath;
  /** Point at the key (unknown or missing field) rather than the value. */
  at: 'key' | 'value';
  reason: string;
}

export function formatFieldPath(path: FieldPath): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${part}` : part), '');
}

const languageNames: Record<string, string> = { en: 'English', es: 'Spanish' };

/** zod issues → problems; custom schema messages (they start with "expected") are kept, zod's defaults reworded. */
export function describeIssues(issues: z.core.$ZodIssue[], valueAt: (path: FieldPath) => unknown): FieldProblem[] {
  return issues.flatMap((issue): FieldProblem[] => {
    const path = issue.path as FieldPath;
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...path, key], at: 'key', reason: 'unknown field (not in the schema: check the spelling)' }));
    }
    const value = valueAt(path);
    const last = path.at(-1);
    if (value === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_union')) {
      const language = typeof last === 'string' ? languageNames[last] : undefined;
      const reason = language ? `missing ${language} text (translation)` : 'missing required field';
      return [{ path, at: 'key', reason }];
    }
    const got = issue.code === 'too_big' && typeof value === 'string' ? `${value.length} characters` : describeValue(value);
    return [{ path, at: 'value', reason: `${expectation(issue)}, got ${got}` }];
  });
}

function expectation(issue: z.core.$ZodIssue): string {
  if (issue.message.startsWith('expected')) return issue.message;
  switch (issue.code) {
    case 'invalid_type': return `expected ${article(issue.expected)}`;
    case 'invalid_value': return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small': return issue.origin === 'array' ? `expected at least ${issue.minimum} item(s)` : `expected a value ≥ ${issue.minimum}`;
    case 'too_big': return issue.origin === 'array' ? `expected at most ${issue.maximum} item(s)` : `expected a value ≤ ${issue.maximum}`;
    case 'invalid_union': return 'expected a reference key, or a mapping with `key` and `pages`';
    case 'invalid_format': return `expected ${issue.format === 'url' ? 'a URL' : `text matching ${issue.format}`}`;
    default: return issue.message;
  }
}

function article(type: string): string {
  const names: Record<string, string> = {
    string: 'text', number: 'a number', boolean: 'true or false', object: 'a mapping', array: 'a list',
  };
  return names[type] ?? type;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…"` : text;
}
