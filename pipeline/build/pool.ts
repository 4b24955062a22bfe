import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import type { Provenance } from '../write/options.js';
import type { ReportLayout } from './choices.js';
import type { Output } from './outputs.js';
import { internalError, type Outcome, outcomeOfError, produceOutcome } from './produce.js';
import type { JobData, ProjectPaths, SharedProject } from './project.js';

/** What a worker needs to plan the same outputs as the main thread. */
export interface WorkerData {
  paths: ProjectPaths;
  project: SharedProject;
  layout: ReportLayout;
}
export interface WorkerRequest { path: string; provenance: Provenance; job: JobData }
export type WorkerReply = { ready: true } | { outcome: Outcome };

/**
 * A number of threads (N > 1: N worker threads; 1: this thread alone), or 'auto': from autoMinimum weighed outputs
 * on, a worker per CPU core but one (at least one), the core left to this thread, which hashes, writes and records
 * what the workers make.
 */
export type Threads = number | 'auto';

/**
 * Each worker starts cold (its own modules, fonts and compiled code), which costs more than it saves on a small
 * build: on 2 cores the eight towns' build takes 7-8 s on this thread alone and 10 s with two workers. For 200
 * briefs (2 cores, other jobs running) this thread alone took 38-44 s and 345-365 MiB, two workers 46-51 s and
 * 390 MiB, one worker 59-67 s and 273 MiB: a worker's heap is bounded, so its memory stays flat, and for a run of
 * thousands of briefs, flat memory is what matters.
 */
const autoMinimum = 40;

export interface Job {
  output: Output;
  provenance: Provenance;
  /** What a worker needs of the model to make it (see project.ts jobData), asked for only when one does. */
  data: () => JobData;
}

/**
 * Makes the outputs on worker threads as `threads` says (see Threads), or on this one when that is 1 or there are
 * fewer than two weighed outputs (or, for 'auto', fewer than autoMinimum). Outputs with a `weight` go to the
 * workers, heaviest first, so the longest (the report) does not start last; the others are quick and made here,
 * which keeps this thread free to take in the workers' results and hand them their next output. Yields each job's
 * outcome in the jobs' order, whatever order they finish in, and keeps none once yielded (a large run's PDFs
 * would otherwise all stay in memory).
 */
export async function* produceAll(jobs: readonly Job[], threads: Threads, workerData: () => WorkerData): AsyncGenerator<Outcome> {
  const resolvers: (((outcome: Outcome) => void) | undefined)[] = [];
  const outcomes: (Promise<Outcome> | undefined)[] = jobs.map((_, index) => new Promise<Outcome>((resolve) => { resolvers[index] = resolve; }));
  // A promise's resolver keeps what it was resolved with, as long as the resolver is kept: each is let go once used,
  // or every PDF of a large run would stay in memory.
  const settle = (index: number, outcome: Outcome) => {
    const resolve = resolvers[index];
    resolvers[index] = undefined;
    resolve?.(outcome);
  };
  const queued = jobs.map((job, index) => ({ job, index }));
  const heavy = queued.filter(({ job }) => job.output.weight !== undefined).sort((a, b) => b.job.output.weight! - a.job.output.weight!);
  const workers = threads === 'auto' ? (heavy.length >= autoMinimum ? Math.max(1, availableParallelism() - 1) : 0) : threads > 1 ? threads : 0;
  const pooled = workers > 0 && heavy.length > 1;
  const here = pooled ? queued.filter(({ job }) => job.output.weight === undefined) : [...queued];
  const makeHere = async (list: Queued[]) => {
    for (let next = list.shift(); next; next = list.shift()) {
      // Let the event loop run between outputs: workers' results are taken in, Ctrl-C and SIGTERM handled promptly.
      await new Promise((resolve) => setImmediate(resolve));
      settle(next.index, await produceOutcome(next.job.output, next.job.provenance));
    }
  };
  if (pooled) {
    const data = workerData();
    // Twice: V8 picks the pages to compact by what they held at the collection before, when the towns were still
    // loaded; the second moves what is left of them, and the heap shrinks (1,000 towns: 143 → 66 MB).
    compactHeap();
    compactHeap();
    let working = Math.min(workers, heavy.length);
    // Should every worker stop early (one that cannot start, or runs out of memory), this thread makes what is left.
    const stopped = () => --working === 0 && void makeHere(heavy);
    for (let n = working; n > 0; n--) startWorker(data, () => heavy.shift(), settle, stopped);
  }
  void makeHere(here);
  for (const [index, outcome] of outcomes.entries()) {
    outcomes[index] = undefined;
    if (pooled && index > 0 && index % compactEvery === 0) compactHeap();
    yield await outcome!;
  }
}

type Queued = { job: Job; index: number };

/**
 * Collects this thread's garbage now: when the workers start, and every `compactEvery` outcomes after. This thread
 * allocates little while workers run, so V8 would leave its heap as loading left it (1,000 towns: a 140 MB heap, the
 * towns let go or not) and let the outputs copied here to be written pile up outside it (~0.3 MB a second) until its
 * memory reducer runs, a minute or more in, at the run's peak. ~70 ms a time with 1,000 towns loaded; measured
 * peaks in two runs each: 100 towns 278 → 252–254 MiB, 1,000 towns 357 → 324–335 MiB.
 */
const compactEvery = 50;
let collect: (() => void) | undefined;
function compactHeap(): void {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
}

/**
 * A bound on each worker's heap. Left alone, V8 lets a heap grow to several times what it holds before it collects,
 * and a PDF or DOCX leaves much behind; bounded, it collects sooner, so a long run's memory stays near what it uses.
 * Measured on 200 briefs (2 workers): unbounded 35 s and 630 MiB; this bound about 44 s and 400 MiB; a young
 * generation of 16 MB collected so often it took 55–60 s. Generous for a brief or the report of the eight towns; an
 * output that needs more is made on the main thread.
 */
const workerHeap = { maxOldGenerationSizeMb: 192, maxYoungGenerationSizeMb: 48 };

/** A worker that takes jobs from `take` while there are any, then stops; `stopped` is called when it has. */
function startWorker(workerData: WorkerData, take: () => Queued | undefined, settle: (index: number, outcome: Outcome) => void, stopped: () => void): void {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData, resourceLimits: workerHeap });
  let current: Queued | undefined;
  const feed = () => {
    for (current = take(); current; current = take()) {
      let job: JobData;
      try {
        job = current.job.data();
      } catch (error) {
        // Its town's file changed since the build read it (town-files.ts): that output is skipped, the next is sent.
        settle(current.index, outcomeOfError(current.job.output.path, error));
        continue;
      }
      return worker.postMessage({ path: current.job.output.path, provenance: current.job.provenance, job } satisfies WorkerRequest);
    }
    void worker.terminate();
  };
  // A worker that dies fails the output it was making; the other threads make the rest. One that ran out of its
  // heap hands the output to this thread, which has no such bound.
  const died = (reason: unknown) => {
    const dying = current;
    current = undefined;
    if (!dying) return;
    if ((reason as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') void produceOutcome(dying.job.output, dying.job.provenance).then((outcome) => settle(dying.index, outcome));
    else settle(dying.index, { kind: 'failed', text: internalError(dying.job.output.path, reason) });
  };
  worker.on('message', (reply: WorkerReply) => {
    if ('outcome' in reply && current) settle(current.index, reply.outcome);
    feed();
  });
  worker.on('error', died);
  worker.on('exit', (code) => {
    died(new Error(`a build worker stopped (exit code ${code})`));
    stopped();
  });
}
