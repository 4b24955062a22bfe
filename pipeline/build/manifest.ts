import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeOutput } from './output.js';

export const manifestName = 'manifest.json';

/** What the build wrote: for every output, the inputs it was made from and the file as it was left. */
export interface Manifest {
  version: 1;
  outputs: Record<string, OutputRecord>;
}

export interface OutputRecord {
  /** combine(inputs): compared with the current inputs to decide whether to rebuild. */
  inputHash: string;
  inputs: Record<string, string>;
  /** The file as written; if it changed or vanished since, it is rebuilt. */
  sha256: string;
  size: number;
  mtimeMs: number;
}

export function readManifest(outDir: string): Manifest {
  const path = join(outDir, manifestName);
  if (!existsSync(path)) return { version: 1, outputs: {} };
  try {
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    if (manifest.version === 1 && manifest.outputs && typeof manifest.outputs === 'object') return manifest;
  } catch {
    // An unreadable manifest is treated as empty: everything is rebuilt, and outputs it recorded are refused
    // overwriting only if they look foreign (see isOurs).
  }
  return { version: 1, outputs: {} };
}

export function writeManifest(outDir: string, manifest: Manifest): void {
  const sorted = Object.fromEntries(Object.entries(manifest.outputs).sort(([a], [b]) => (a < b ? -1 : 1)));
  writeOutput(outDir, manifestName, Buffer.from(`${JSON.stringify({ version: 1, outputs: sorted }, null, 2)}\n`));
}

export type FileState = 'missing' | 'as-recorded' | 'changed' | 'foreign';

/** Is the file on disk the one we recorded (cheap: size and mtime), one we wrote then someone changed, or not ours? */
export function fileState(outDir: string, path: string, record: OutputRecord | undefined): FileState {
  const full = join(outDir, path);
  if (!existsSync(full)) return 'missing';
  if (!record) return 'foreign';
  const stat = statSync(full);
  return stat.size === record.size && stat.mtimeMs === record.mtimeMs ? 'as-recorded' : 'changed';
}

export function recordOf(outDir: string, path: string, inputs: Record<string, string>, inputHash: string, sha256: string): OutputRecord {
  const stat = statSync(join(outDir, path));
  return { inputHash, inputs, sha256, size: stat.size, mtimeMs: stat.mtimeMs };
}
