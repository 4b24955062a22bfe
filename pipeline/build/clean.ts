import { existsSync, readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { manifestName, readManifest } from './manifest.js';

/** Removes what the build wrote (the outputs its manifests record, then the manifests), and nothing else. */
export function clean(outDir: string): number {
  const manifest = readManifest(outDir);
  const root = resolve(outDir);
  let removed = 0;
  for (const path of Object.keys(manifest.outputs)) {
    const full = resolve(outDir, path);
    // Only files: a folder where an output was recorded is somebody's, not ours.
    if (!full.startsWith(root + sep) || !statSync(full, { throwIfNoEntry: false })?.isFile()) continue;
    rmSync(full);
    removed++;
    // Folders the build made and left empty go too; the output folder itself stays.
    for (let dir = dirname(full); dir.startsWith(root + sep) && readdirSync(dir).length === 0; dir = dirname(dir)) rmdirSync(dir);
  }
  if (existsSync(outDir)) {
    for (const name of readdirSync(outDir).filter((f) => f === manifestName || f === 'manifest.journal' || f.startsWith('manifest.shard-'))) rmSync(join(outDir, name));
  }
  process.stdout.write(`removed ${removed} outputs from ${outDir}/\n`);
  return 0;
}
