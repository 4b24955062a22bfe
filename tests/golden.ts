import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';

export const fixturesDir = join(import.meta.dirname, 'fixtures');

/**
 * Compares `actual` with the golden file `tests/fixtures/<path>`. With UPDATE=1 it (re)writes the file
 * instead, so a reviewer sees the change in the diff. A missing golden file fails (never passes silently).
 */
export function expectGolden(path: string, actual: string): void {
  const file = join(fixturesDir, path);
  if (process.env.UPDATE === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`golden file ${file} is missing: run with UPDATE=1 and review it`);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}
