import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A cheap fingerprint of everything a build reads — every file under the sources and templates, the compiled
 * code and the lock file, by size and mtime — and of the build's options. When it equals the one the last
 * complete build recorded and every output is still as written, nothing can have changed: the CLI says so
 * without loading the pipeline (the no-op build). Any doubt falls through to the full, content-hashed check.
 */
export function buildStamp(roots: string[], options: unknown): string {
  const hash = createHash('sha256').update(JSON.stringify(options));
  const code = dirname(dirname(fileURLToPath(import.meta.url)));
  for (const root of [...roots, code]) {
    if (!existsSync(root)) continue;
    for (const file of readdirSync(root, { recursive: true, encoding: 'utf8' }).sort()) {
      const stat = statSync(join(root, file));
      if (stat.isFile()) hash.update(`${root}/${file}:${stat.size}:${stat.mtimeMs}\n`);
    }
  }
  const lock = join(dirname(code), 'package-lock.json');
  if (existsSync(lock)) hash.update(`lock:${statSync(lock).mtimeMs}`);
  return hash.digest('hex').slice(0, 16);
}

/** True when the manifest's stamp matches and every output it records is on disk as written. */
export function upToDate(outDir: string, stamp: string): { outputs: number } | undefined {
  const path = join(outDir, 'manifest.json');
  if (!existsSync(path)) return undefined;
  try {
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as { stamp?: string; outputs: Record<string, { size: number; mtimeMs: number }> };
    if (manifest.stamp !== stamp) return undefined;
    const records = Object.entries(manifest.outputs);
    for (const [file, record] of records) {
      const full = join(outDir, file);
      if (!existsSync(full)) return undefined;
      const stat = statSync(full);
      if (stat.size !== record.size || stat.mtimeMs !== record.mtimeMs) return undefined;
    }
    return { outputs: records.length };
  } catch {
    return undefined;
  }
}
