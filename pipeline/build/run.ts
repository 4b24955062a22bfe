import { formatMessage } from '../diagnostics.js';
import { DiagnosticsError } from '../diagnostics.js';
import { type Output, type outputGroups, planOutputs } from './outputs.js';
import { writeOutput } from './output.js';
import { loadProject, type ProjectPaths } from './project.js';
import type { ReportLayout } from '../documents/report.js';

export interface BuildOptions {
  paths: ProjectPaths;
  outDir: string;
  groups: (typeof outputGroups)[number][];
  layout: ReportLayout;
  quiet: boolean;
  env: NodeJS.ProcessEnv;
}

/**
 * Validate, then make every output in memory and write each atomically. One output's failure does not stop
 * the others; the failed output's earlier file stays as it was. Returns the exit code.
 */
export async function build(options: BuildOptions): Promise<number> {
  const log = (line: string) => options.quiet || process.stdout.write(`${line}\n`);
  const { project, files, sources } = loadProject(options.paths, options.env);
  for (const message of files.flatMap((f) => f.messages)) process.stderr.write(`${formatMessage(message)}\n`);
  if (!project) {
    process.stderr.write('build stopped: fix the errors above; earlier outputs were left as they were\n');
    return 1;
  }
  const outputs = planOutputs(project, sources, { layout: options.layout }).filter((o) => options.groups.includes(o.group));
  const failed: Output[] = [];
  for (const output of outputs) {
    try {
      const { bytes, messages } = await output.produce();
      for (const message of messages) process.stderr.write(`${formatMessage(message)}\n`);
      writeOutput(options.outDir, output.path, bytes);
      log(`wrote ${options.outDir}/${output.path}`);
    } catch (error) {
      failed.push(output);
      const text = error instanceof DiagnosticsError ? error.message : String((error as Error).stack ?? error);
      process.stderr.write(`${text}\nfailed: ${options.outDir}/${output.path} (the previous file, if any, was kept)\n`);
    }
  }
  const summary = `${outputs.length - failed.length} of ${outputs.length} outputs written${failed.length ? `; ${failed.length} failed: ${failed.map((o) => o.path).join(', ')}` : ''}`;
  process.stdout.write(`${summary}\n`);
  return failed.length > 0 ? 1 : 0;
}
