import { parentPort, workerData } from 'node:worker_threads';
import { planOutputs } from './outputs.js';
import { produceOutcome } from './produce.js';
import { unshareProject } from './project.js';
import type { WorkerData, WorkerReply, WorkerRequest } from './pool.js';

// A worker thread of the build (pool.ts): it takes the project the main thread loaded and, for each output it is
// sent, plans it with the towns the job brings and makes it.
const data = workerData as WorkerData;
const port = parentPort!;
const { projectFor, sources } = unshareProject(data.paths, data.project);

port.on('message', async ({ path, provenance, job }: WorkerRequest) => {
  const project = projectFor?.(job);
  const withoutAnnex = !path.startsWith('annex/');
  const output = project && planOutputs(project, sources, { layout: data.layout, withoutAnnex }).find((o) => o.path === path);
  const outcome = output
    ? await produceOutcome(output, provenance)
    : { kind: 'failed' as const, text: `internal error: a build worker could not plan ${path} (please report it with the command you ran)` };
  port.postMessage({ outcome } satisfies WorkerReply);
});
port.postMessage({ ready: true } satisfies WorkerReply);
