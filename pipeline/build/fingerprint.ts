import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Short, stable content hashes: what an output was built from, recorded in the manifest and in the file. */
export function hashBytes(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

/**
 * A hash of a value's JSON with keys sorted, so equal data gives equal hashes however it was written. The JSON is
 * hashed as it is written, in pieces, never built whole: a thousand towns' model is megabytes of it.
 */
export function hashJson(value: unknown): string {
  const hash = createHash('sha256');
  let pending = '';
  writeStableJson(value, (text) => {
    pending += text;
    if (pending.length > 65_536) {
      hash.update(pending);
      pending = '';
    }
  });
  return hash.update(pending).digest('hex').slice(0, 16);
}

function writeStableJson(value: unknown, write: (text: string) => void): void {
  // As JSON.stringify would: a Date (a document's date, in its writer options) is its ISO string, not `{}`.
  if (value instanceof Date) {
    write(JSON.stringify(value));
  } else if (Array.isArray(value)) {
    write('[');
    value.forEach((item, index) => {
      if (index > 0) write(',');
      writeStableJson(item, write);
    });
    write(']');
  } else if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    write('{');
    entries.forEach(([key, item], index) => {
      write(`${index > 0 ? ',' : ''}${JSON.stringify(key)}:`);
      writeStableJson(item, write);
    });
    write('}');
  } else {
    write(JSON.stringify(value) ?? 'null');
  }
}

/** One hash over a named set of input hashes: the output's "input hash". */
export function combine(inputs: Record<string, string>): string {
  return hashJson(inputs);
}

let pipelineHash: string | undefined;
/**
 * The pipeline's own version: its compiled code and the locked dependencies (fonts and map data come from
 * packages), so a code or dependency change rebuilds everything.
 */
export function pipelineVersion(): string {
  if (pipelineHash) return pipelineHash;
  const dist = dirname(dirname(fileURLToPath(import.meta.url)));
  // Compiled JavaScript when run from dist/, TypeScript when the tests run the sources directly.
  const code = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(js|ts)$/.test(f) && !f.endsWith('.d.ts')).sort();
  const hash = createHash('sha256');
  for (const file of code) hash.update(file).update(readFileSync(join(dist, file)));
  hash.update(readFileSync(join(dirname(dist), 'package-lock.json')));
  return (pipelineHash = hash.digest('hex').slice(0, 16));
}
