import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';

/** The one way the pipeline writes a file: inside the output folder, atomically (temp file + rename). */
export function writeOutput(outDir: string, path: string, bytes: Uint8Array): void {
  const target = resolve(outDir, path);
  const root = resolve(outDir);
  if (!target.startsWith(root + sep)) throw new Error(`refusing to write outside ${outDir}: ${path}`);
  mkdirSync(dirname(target), { recursive: true });
  const temp = `${dirname(target)}/.${relative(dirname(target), target)}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, bytes);
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
