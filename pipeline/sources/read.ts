import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceFile } from './load.js';

/**
 * The filesystem edge of loading: every file below `root`, in a stable order. A missing folder has no files (the
 * loader then says what is missing) rather than stopping the program.
 */
export function readSourceTree(root: string): SourceFile[] {
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) return [];
  const entries = readdirSync(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
    .map((path) => ({ path, bytes: readFileSync(path), readAgain: () => readFileSync(path) }));
}
