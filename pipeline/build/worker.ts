import { parentPort, workerData } from 'node:worker_threads';
import { planOutputs } from './outputs.js';
import { produceOutcome } from './produce.js';
import { unshareProject } from './project.js';
import type { WorkerData, WorkerReply, WorkerRequest } from './pool.js';

// A worker thread of the build (pool.ts): it takes the project the main thread loaded, plans the same outputs,
// and makes the ones it is sent, by path.
const data = workerData as WorkerData;
const port = parentPort!;
const { project, sources } = unshareProject(data.paths, data.project);
const outputs = new Map(project ? planOutputs(project, sources, { layout: data.layout }).map((o) => [o.path, o]) : []);

port.on('message', async ({ path, provenance }: WorkerRequest) => {
  const output = outputs.get(path);
  const outcome = output
    ? await produceOutcome(output, provenance)
    : { kind: 'failed' as const, text: `internal error: a build worker could not plan ${path} (please report it with the command you ran)` };
  port.postMessage({ outcome } satisfies WorkerReply);
});
port.postMessage({ ready: true } satisfies WorkerReply);
