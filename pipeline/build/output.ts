import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, type Stats, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';

/** The temp file being written right now, so a signal handler can remove it. */
let pendingTemp: string | undefined;

/** The one way the pipeline writes a file: inside the output folder, atomically (temp file + rename). */
export function writeOutput(outDir: string, path: string, bytes: Uint8Array): void {
  const target = resolve(outDir, path);
  const root = resolve(outDir);
  if (!target.startsWith(root + sep)) throw new Error(`refusing to write outside ${outDir}: ${path}`);
  mkdirSync(dirname(target), { recursive: true });
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  pendingTemp = temp;
  try {
    writeFileSync(temp, bytes);
    renameSync(temp, target);
  } finally {
    rmSync(temp, { force: true });
    pendingTemp = undefined;
  }
}

/**
 * Why `outDir` cannot be the output folder, if it cannot: it, or a folder above it, is a file. Said before anything
 * is read or written, so that the file is left alone.
 */
export function outputFolderProblem(outDir: string): string | undefined {
  const target = resolve(outDir);
  for (let path = target; ; path = dirname(path)) {
    const stat = statOrNothing(path);
    if (stat && !stat.isDirectory()) {
      return path === target
        ? `--out "${outDir}" is a file, not a folder; name a folder for the outputs (it is made if missing)`
        : `--out "${outDir}" cannot be made: "${path}" is a file, not a folder`;
    }
    if (stat || dirname(path) === path) return undefined;
  }
}

/**
 * Makes the output folder and any missing folders above it, one level at a time: Node's recursive mkdir never
 * returns where a parent answers ENOENT although it exists (under /proc). Why it cannot be made, if it cannot.
 */
export function makeOutputFolder(outDir: string): string | undefined {
  const missing: string[] = [];
  for (let path = resolve(outDir); !statOrNothing(path) && dirname(path) !== path; path = dirname(path)) missing.unshift(path);
  for (const path of missing) {
    try {
      mkdirSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      return `--out "${outDir}" cannot be made: "${path}": ${describeFileError(error)}`;
    }
  }
  return undefined;
}

/** Why a file operation failed, in words ("permission denied (EACCES)"); the caller says which file. */
export function describeFileError(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  const words = code ? fileErrorWords[code] : undefined;
  return words ? `${words} (${code})` : message;
}

const fileErrorWords: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or folder (or it cannot be made there)',
  ENOTDIR: 'a file is in the way where a folder should be',
  EISDIR: 'a folder is in the way where a file should be',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EIO: 'input/output error from the device',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long',
};

/** A path below a file fails with ENOTDIR, not ENOENT: either way, nothing is there. */
function statOrNothing(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * One build at a time per output folder (per shard: shards write disjoint files): a second one refuses with a
 * clear message instead of interleaving writes. A lock left by a process that no longer runs is taken over.
 */
export function lockOutput(outDir: string, name = '.ek-towns.lock'): { release(): void } | { heldBy: number } {
  const problem = makeOutputFolder(outDir);
  if (problem) throw new Error(problem);
  const path = join(outDir, name);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return { release: () => rmSync(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(path, 'utf8'));
      if (holder && holder !== process.pid && isRunning(holder)) return { heldBy: holder };
      rmSync(path, { force: true });
    }
  }
  return { heldBy: Number(existsSync(path) ? readFileSync(path, 'utf8') : 0) };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * On SIGINT/SIGTERM: remove the temp file being written and release the lock, then exit (130/143). Outputs
 * already written are whole (renamed into place) and recorded in the manifest.
 */
export function onInterrupt(release: () => void): () => void {
  const handler = (signal: NodeJS.Signals) => {
    if (pendingTemp) rmSync(pendingTemp, { force: true });
    release();
    process.stderr.write(`\ninterrupted (${signal}): finished outputs are kept, the one in progress was discarded\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', handler).on('SIGTERM', handler);
  return () => process.off('SIGINT', handler).off('SIGTERM', handler);
}
