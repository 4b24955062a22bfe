import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatMessage } from '../diagnostics.js';
import type { Model } from '../sources/model.js';
import { inShard, type Output, type outputGroups, planOutputs, type Shard } from './outputs.js';
import { type Job, produceAll, type Threads } from './pool.js';
import { combine } from './fingerprint.js';
import { readProvenance } from './verify.js';
import { fileState, journalRecord, manifestName, readManifest, recordOf, settleMtime, shardManifestName, writeManifest } from './manifest.js';
import { describeFileError, lockOutput, onInterrupt, writeOutput } from './output.js';
import type { Project } from '../documents/context.js';
import type { SourceLocators } from '../sources/load.js';
import { jobData, loadProject, type ProjectPaths, shareProject } from './project.js';
import { letTownsGo } from './town-files.js';
import type { ReportLayout } from './choices.js';

/**
 * The last good model, if an earlier build wrote one: the fallback for a broken town on the maps, and what
 * CHANGES.md compares with. Only as the build recorded it: a model.json edited or put there by hand could hold
 * anything.
 */
function readPreviousModel(outDir: string): Model | undefined {
  if (fileState(outDir, 'model.json', readManifest(outDir).outputs['model.json']) !== 'as-recorded') return undefined;
  return JSON.parse(readFileSync(join(outDir, 'model.json'), 'utf8')) as Model;
}

export interface BuildOptions {
  paths: ProjectPaths;
  outDir: string;
  groups: (typeof outputGroups)[number][];
  layout: ReportLayout;
  /** Threads to make outputs on (see pool.ts). Default 1: all on this thread. */
  jobs?: Threads;
  /** Build only shard k of n of the per-town jobs (see inShard). */
  shard?: Shard;
  /** buildStamp taken before reading anything; recorded after a complete build for the fast no-op check. */
  stamp?: string;
  quiet: boolean;
  env: NodeJS.ProcessEnv;
}

/**
 * Validate, then make in memory every output whose inputs changed since the manifest recorded it, and write each
 * atomically. One output's failure does not stop the others; a failed output's earlier file stays as it was.
 * A file in the output folder that the pipeline did not write is never overwritten. Returns the exit code.
 */
export interface BuildResult {
  code: 0 | 1;
  written: number;
  upToDate: number;
  failed: string[];
  summary: string;
}

export async function build(options: BuildOptions): Promise<BuildResult> {
  const progress = createProgress(options.quiet);
  const planned = loadAndPlan(options);
  if (!planned) {
    const summary = 'build stopped: fix the errors above; earlier outputs were left as they were';
    process.stderr.write(`${summary}\n`);
    return { code: 1, written: 0, upToDate: 0, failed: [], summary };
  }
  const { shard } = options;
  const lock = lockOutput(options.outDir, shard ? `.ek-towns.shard-${shard.index}-of-${shard.count}.lock` : undefined);
  if ('heldBy' in lock) {
    const summary = `another build (process ${lock.heldBy}) is writing to ${options.outDir}/; wait for it to finish, or stop it`;
    process.stderr.write(`${summary}\n`);
    return { code: 1, written: 0, upToDate: 0, failed: [], summary };
  }
  const stopHandling = onInterrupt(lock.release);
  try {
    return await buildLocked(options, planned, progress);
  } finally {
    stopHandling();
    lock.release();
  }
}

/**
 * Loads the project (its messages printed) and plans the outputs asked for; undefined if it does not load. Not async:
 * an async function keeps its variables across each await, used or not, and the previous build's model (as big as
 * the towns) is needed only here, and by CHANGES.md if it is asked for.
 */
function loadAndPlan(options: BuildOptions): { project: Project; sources: SourceLocators; outputs: Output[] } | undefined {
  const previous = readPreviousModel(options.outDir);
  // Of the load result, only where each source's fields are is kept: the rest holds the towns (see town-files.ts).
  const { project, files, sources: { sources } } = loadProject(options.paths, options.env, previous);
  for (const message of files.flatMap((f) => f.messages)) process.stderr.write(`${formatMessage(message)}\n`);
  if (!project) return undefined;
  const asked = planOutputs(project, { sources }, { layout: options.layout, ...(previous ? { previous } : {}) }).filter((o) => options.groups.includes(o.group));
  return { project, sources: { sources }, outputs: options.shard ? inShard(asked, options.shard) : asked };
}

async function buildLocked(
  options: BuildOptions,
  { project, sources, outputs }: NonNullable<ReturnType<typeof loadAndPlan>>,
  progress: ReturnType<typeof createProgress>,
): Promise<BuildResult> {
  const log = (line: string) => progress.line(line);
  // Several outputs often report the same problem (one template error, every brief): each line is said once.
  const said = new Set<string>();
  const warn = (text: string) => {
    progress.done();
    const fresh = text.split('\n').filter((line) => !said.has(line));
    for (const line of fresh) said.add(line);
    if (fresh.length > 0) process.stderr.write(`${fresh.join('\n')}\n`);
  };
  const manifestFile = options.shard ? shardManifestName(options.shard.index, options.shard.count) : manifestName;
  const manifest = readManifest(options.outDir);
  const failed: { output: Output; reason: string }[] = [];
  const jobs: (Job & { inputs: Record<string, string> })[] = [];
  for (const output of outputs) {
    const inputs = output.inputs();
    const inputHash = combine(inputs);
    const record = manifest.outputs[output.path];
    let state = fileState(options.outDir, output.path, record);
    // Not in the manifest, but a file that says it is this output (written before manifests existed, or by a
    // build whose manifest was lost) is still ours to replace.
    if (state === 'foreign' && readProvenance(join(options.outDir, output.path))?.output === output.path) state = 'changed';
    if (state === 'as-recorded' && record?.inputHash === inputHash) continue;
    if (state === 'foreign') failed.push({ output, reason: `a ${statSync(join(options.outDir, output.path)).isDirectory() ? 'folder' : 'file'} the pipeline did not write is in the way; move or delete it` });
    else jobs.push({ output, inputs, provenance: { output: output.path, inputs: inputHash }, data: () => jobData(project, output.town) });
  }
  // Outputs that each read one town need not have every town held while they are made (town-files.ts).
  if (jobs.every((job) => job.output.town !== undefined)) letTownsGo(project);
  const outcomes = produceAll(jobs, options.jobs ?? 1, () => ({ paths: options.paths, project: shareProject(project, sources), layout: options.layout }));
  let written = 0;
  // Taken in the order planned, whichever thread finished first, so that files, messages and the manifest come
  // out the same on any number of threads.
  let index = 0;
  for await (const outcome of outcomes) {
    const { output, inputs, provenance } = jobs[index]!;
    progress.update(index++, jobs.length, output.path);
    if (outcome.kind === 'skipped') {
      failed.push({ output, reason: `${outcome.reason}; the previous file, if any, was kept` });
      continue;
    }
    if (outcome.kind === 'failed') {
      warn(outcome.text);
      failed.push({ output, reason: 'see the errors above; the previous file, if any, was kept' });
      continue;
    }
    for (const warning of outcome.warnings) warn(warning);
    // Recorded before the file moves into place: if the build is killed in between, the next build still
    // knows the file is ours (by its hash) and never takes it for a stranger's.
    const record = recordOf(outcome.bytes, inputs, provenance.inputs);
    const before = manifest.outputs[output.path];
    manifest.outputs[output.path] = record;
    if (manifest.stamp) {
      // Until this build completes, the fast no-op check must not trust the folder.
      delete manifest.stamp;
      writeManifest(options.outDir, manifest, manifestFile);
    }
    journalRecord(options.outDir, manifestFile, output.path, record);
    try {
      writeOutput(options.outDir, output.path, outcome.bytes);
      settleMtime(options.outDir, output.path, record);
    } catch (error) {
      // The file there (if any) is as it was, so its record is too: a folder in the way is never taken for ours.
      if (before) manifest.outputs[output.path] = before;
      else delete manifest.outputs[output.path];
      journalRecord(options.outDir, manifestFile, output.path, before ?? null);
      failed.push({ output, reason: `could not be written: ${describeFileError(error)}; the previous file, if any, was kept` });
      continue;
    }
    written++;
    log(`wrote ${options.outDir}/${output.path}`);
  }
  progress.done();
  failed.sort((a, b) => outputs.indexOf(a.output) - outputs.indexOf(b.output));
  // A normal build also takes in what shards recorded, even when it had nothing to write itself; a complete
  // build records its stamp, so that the next run can tell at once that nothing changed.
  const shardsLeft = !options.shard && readdirSync(options.outDir).some((f) => f.startsWith('manifest.shard-'));
  const stamp = !options.shard && failed.length === 0 ? options.stamp : undefined;
  const stampChanged = stamp !== manifest.stamp;
  if (stamp) manifest.stamp = stamp;
  else delete manifest.stamp;
  if (written > 0 || shardsLeft || stampChanged) writeManifest(options.outDir, manifest, manifestFile);
  for (const { output, reason } of failed) process.stderr.write(`failed: ${options.outDir}/${output.path}: ${reason}\n`);
  const upToDate = outputs.length - written - failed.length;
  const summary = written === 0 && failed.length === 0
    ? `nothing to do: ${outputs.length} outputs up to date`
    : `${written} written, ${upToDate} up to date${failed.length ? `, ${failed.length} failed` : ''}`;
  if (!options.quiet) process.stdout.write(`${summary}\n`);
  return { code: failed.length > 0 ? 1 : 0, written, upToDate, failed: failed.map((f) => f.output.path), summary };
}

/**
 * On a terminal, one self-updating line: a bar, outputs done / total, the current item. In CI, in a pipe or
 * with --quiet, plain lines (and with --quiet, none but problems).
 */
function createProgress(quiet: boolean) {
  const live = !quiet && process.stdout.isTTY === true && !process.env.CI;
  let shown = false;
  const clear = () => {
    if (shown) process.stdout.write('\r\x1b[K');
    shown = false;
  };
  return {
    update(done: number, total: number, current: string) {
      if (!live) return;
      const width = 24;
      const filled = Math.round((done / Math.max(total, 1)) * width);
      clear();
      process.stdout.write(`[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${current}`.slice(0, process.stdout.columns ?? 100));
      shown = true;
    },
    line(text: string) {
      if (quiet) return;
      clear();
      if (!live) process.stdout.write(`${text}\n`);
    },
    done: clear,
  };
}
