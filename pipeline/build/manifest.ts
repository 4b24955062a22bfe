import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hashBytes } from './fingerprint.js';
import { writeOutput } from './output.js';

export const manifestName = 'manifest.json';
/** A shard's own manifest (shards write disjoint outputs, side by side): `manifest.shard-2-of-4.json`. */
export const shardManifestName = (index: number, count: number) => `manifest.shard-${index}-of-${count}.json`;
/** A shard's manifest or journal (a shard stopped early may have left only its journal). */
const shardManifest = /^manifest\.shard-\d+-of-\d+\.(json|journal)$/;

/** What the build wrote: for every output, the inputs it was made from and the file as it was left. */
export interface Manifest {
  version: 1;
  /** The buildStamp of the last complete build (see stamp.ts), for the fast no-op check. */
  stamp?: string;
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

/** The manifest, merged with the manifests shards left beside it (a shard's records are the newer). */
export function readManifest(outDir: string): Manifest {
  const shards = existsSync(outDir) ? [...new Set(readdirSync(outDir).filter((name) => shardManifest.test(name)).map((name) => name.replace(/\.journal$/, '.json')))].sort() : [];
  const outputs = Object.assign({}, ...[manifestName, ...shards].map((name) => readOne(join(outDir, name)).outputs)) as Manifest['outputs'];
  const { stamp } = readOne(join(outDir, manifestName));
  return { version: 1, outputs, ...(stamp && shards.length === 0 ? { stamp } : {}) };
}

/** A manifest with the records its journal holds (of a build that was stopped before it wrote the manifest). */
function readOne(path: string): Pick<Manifest, 'outputs' | 'stamp'> {
  const manifest = readManifestFile(path);
  const journal = journalOf(path);
  if (!existsSync(journal)) return manifest;
  for (const line of readFileSync(journal, 'utf8').split('\n')) {
    try {
      const { path: output, record } = JSON.parse(line) as { path: string; record: OutputRecord | null };
      if (record) manifest.outputs[output] = record;
      else delete manifest.outputs[output];
    } catch {
      // A line cut short by a kill, or an empty one: the record before it stands.
    }
  }
  return manifest;
}

function readManifestFile(path: string): Pick<Manifest, 'outputs' | 'stamp'> {
  if (!existsSync(path)) return { outputs: {} };
  try {
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    if (manifest.version === 1 && manifest.outputs && typeof manifest.outputs === 'object') return manifest;
  } catch {
    // Unreadable: treated as empty, so its outputs are rebuilt (their files are then "foreign" and refused;
    // delete them to rebuild).
  }
  return { outputs: {} };
}

/** `manifest.journal` beside `manifest.json`: records appended while a build runs, folded into the manifest at its end. */
const journalOf = (manifestPath: string) => manifestPath.replace(/\.json$/, '.journal');

/**
 * Records one output, before its file moves into place, by appending a line to the manifest's journal: rewriting
 * the whole manifest for each output would cost a run of many towns time and memory in the square of their number.
 */
/** `null` forgets the output (its file could not be written, and there was none of ours before). */
export function journalRecord(outDir: string, name: string, path: string, record: OutputRecord | null): void {
  appendFileSync(journalOf(join(outDir, name)), `${JSON.stringify({ path, record })}\n`);
}

/** Writes the manifest (or a shard's); the full manifest absorbs the shards' ones, which are then removed. */
export function writeManifest(outDir: string, manifest: Manifest, name = manifestName): void {
  const sorted = Object.fromEntries(Object.entries(manifest.outputs).sort(([a], [b]) => (a < b ? -1 : 1)));
  const stamp = name === manifestName && manifest.stamp ? { stamp: manifest.stamp } : {};
  writeOutput(outDir, name, Buffer.from(`${JSON.stringify({ version: 1, ...stamp, outputs: sorted }, null, 2)}\n`));
  rmSync(journalOf(join(outDir, name)), { force: true });
  if (name !== manifestName) return;
  for (const shard of readdirSync(outDir).filter((file) => shardManifest.test(file))) rmSync(join(outDir, shard));
}

export type FileState = 'missing' | 'as-recorded' | 'changed' | 'foreign';

/**
 * Is the file on disk the one we recorded, one we wrote that someone changed since, or not ours at all?
 * Size and mtime answer cheaply; the content hash decides when the mtime is unknown (the build was
 * interrupted between recording the output and renaming it into place).
 */
export function fileState(outDir: string, path: string, record: OutputRecord | undefined): FileState {
  const full = join(outDir, path);
  if (!existsSync(full)) return 'missing';
  if (!record) return 'foreign';
  const stat = statSync(full);
  if (stat.size !== record.size) return 'changed';
  if (stat.mtimeMs === record.mtimeMs) return 'as-recorded';
  if (hashBytes(readFileSync(full)) !== record.sha256) return 'changed';
  record.mtimeMs = stat.mtimeMs;
  return 'as-recorded';
}

/** The record of an output about to be written; its mtime is filled in once the file is in place. */
export function recordOf(bytes: Uint8Array, inputs: Record<string, string>, inputHash: string): OutputRecord {
  return { inputHash, inputs, sha256: hashBytes(bytes), size: bytes.length, mtimeMs: 0 };
}

export function settleMtime(outDir: string, path: string, record: OutputRecord): void {
  record.mtimeMs = statSync(join(outDir, path)).mtimeMs;
}
