import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatMessage } from '../diagnostics.js';
import type { Model } from '../sources/model.js';
import { DiagnosticsError } from '../diagnostics.js';
import { type Output, type outputGroups, planOutputs, projectInputs, SkippedOutput } from './outputs.js';
import { combine, hashBytes } from './fingerprint.js';
import { fileState, readManifest, recordOf, writeManifest } from './manifest.js';
import { writeOutput } from './output.js';
import { loadProject, type ProjectPaths } from './project.js';
import type { ReportLayout } from '../documents/report.js';

/** The last good model, if an earlier build wrote one: the fallback for a broken town on the maps. */
function readPreviousModel(outDir: string): Model | undefined {
  try {
    return JSON.parse(readFileSync(join(outDir, 'model.json'), 'utf8')) as Model;
  } catch {
    return undefined;
  }
}

export interface BuildOptions {
  paths: ProjectPaths;
  outDir: string;
  groups: (typeof outputGroups)[number][];
  layout: ReportLayout;
  quiet: boolean;
  env: NodeJS.ProcessEnv;
}

/**
 * Validate, then make in memory every output whose inputs changed since the manifest recorded it, and write each
 * atomically. One output's failure does not stop the others; a failed output's earlier file stays as it was.
 * A file in the output folder that the pipeline did not write is never overwritten. Returns the exit code.
 */
export async function build(options: BuildOptions): Promise<number> {
  const log = (line: string) => options.quiet || process.stdout.write(`${line}\n`);
  const previous = readPreviousModel(options.outDir);
  const { project, files, sources } = loadProject(options.paths, options.env, previous);
  for (const message of files.flatMap((f) => f.messages)) process.stderr.write(`${formatMessage(message)}\n`);
  if (!project) {
    process.stderr.write('build stopped: fix the errors above; earlier outputs were left as they were\n');
    return 1;
  }
  const outputs = planOutputs(project, sources, { layout: options.layout, ...(previous ? { previous } : {}) }).filter((o) => options.groups.includes(o.group));
  const manifest = readManifest(options.outDir);
  const failed: { output: Output; reason: string }[] = [];
  let written = 0;
  for (const output of outputs) {
    const inputs = output.inputs ?? projectInputs(project);
    const inputHash = combine(inputs);
    const record = manifest.outputs[output.path];
    const state = fileState(options.outDir, output.path, record);
    if (state === 'as-recorded' && record?.inputHash === inputHash) continue;
    if (state === 'foreign') {
      failed.push({ output, reason: 'a file the pipeline did not write is in the way; move or delete it' });
      continue;
    }
    try {
      const { bytes, messages } = await output.produce({ output: output.path, inputs: inputHash });
      for (const message of messages) process.stderr.write(`${formatMessage(message)}\n`);
      writeOutput(options.outDir, output.path, bytes);
      manifest.outputs[output.path] = recordOf(options.outDir, output.path, inputs, inputHash, hashBytes(bytes));
      written++;
      log(`wrote ${options.outDir}/${output.path}`);
    } catch (error) {
      if (error instanceof SkippedOutput) {
        failed.push({ output, reason: `${error.message}; the previous file, if any, was kept` });
        continue;
      }
      const text = error instanceof DiagnosticsError ? error.message : String((error as Error).stack ?? error);
      process.stderr.write(`${text}\n`);
      failed.push({ output, reason: 'see the errors above; the previous file, if any, was kept' });
    }
  }
  if (written > 0) writeManifest(options.outDir, manifest);
  for (const { output, reason } of failed) process.stderr.write(`failed: ${options.outDir}/${output.path}: ${reason}\n`);
  const upToDate = outputs.length - written - failed.length;
  const summary = written === 0 && failed.length === 0
    ? `nothing to do: ${outputs.length} outputs up to date`
    : `${written} written, ${upToDate} up to date${failed.length ? `, ${failed.length} failed` : ''}`;
  process.stdout.write(`${summary}\n`);
  return failed.length > 0 ? 1 : 0;
}
