#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { type OutputGroup, outputGroups, type ReportLayout, reportLayouts } from './build/choices.js';
import { makeOutputFolder, outputFolderProblem } from './build/output.js';
import { buildStamp, upToDate } from './build/stamp.js';

// Only what every command needs is imported here; each command loads its own modules, so that a build with
// nothing to do answers before the pipeline (YAML, templates, writers) is loaded at all.

const usage = `ek-towns — briefs, a bilingual report and annex tables on the small towns of East Kazakhstan (1925–1953)

Usage:
  ek-towns check [options]          validate sources, label catalogs, templates and annex specs, and render and
                                    parse every document's Markdown (writes nothing)
  ek-towns build [options]          validate, then write the outputs whose inputs changed under --out
  ek-towns watch [options]          build, then rebuild whenever a source or template is saved (Ctrl-C stops)
  ek-towns verify FILE…             tell whether PDF/DOCX/XLSX/HTML files match the current sources
  ek-towns confirm-translations     after reviewing the Spanish, record the English each translation matches
  ek-towns clean [--out DIR]        remove the outputs the manifest records (only files the pipeline wrote)

Options:
  --sources DIR     source data (default: sources)
  --templates DIR   templates and label catalogs (default: templates)
  --out DIR         output folder (default: output)
  --only GROUPS     build only these, comma-separated: ${outputGroups.join(', ')}
  --layout LAYOUT   bilingual report layout: separate (English, then Spanish; default) or parallel (side by side)
  --shard K/N       build only shard K of N of the per-town outputs (for batch runners); a normal build
                    afterwards makes the rest and merges the shards' manifests
  --jobs N          make outputs on N worker threads at once (1: on the main thread alone). Default: with
                    40 or more briefs, reports and annex documents to make, a worker per CPU core but one
                    (at least one); else the main thread alone
  --quiet           print only problems and the summary line
  -h, --help        show this help
  --version         print the version

Environment:
  SOURCE_DATE_EPOCH   build date (seconds since 1970) stamped into outputs; default: the data's release date

Exit codes: 0 ok; 1 data or template errors (each printed as file:line:col), an output that could not be
written, or an unexpected failure (said in one line); 2 usage errors (including an --out that cannot be made).
`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        sources: { type: 'string', default: 'sources' },
        templates: { type: 'string', default: 'templates' },
        out: { type: 'string', default: 'output' },
        only: { type: 'string' },
        layout: { type: 'string', default: 'separate' },
        shard: { type: 'string' },
        jobs: { type: 'string' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`ek-towns: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) return (process.stdout.write(usage), 0);
  if (values.version) return (process.stdout.write('ek-towns 0.1.0\n'), 0);
  const [command, ...rest] = positionals;
  const outProblem = command && ['build', 'watch', 'verify', 'clean'].includes(command) ? outputFolderProblem(values.out) : undefined;
  if (outProblem) {
    process.stderr.write(`ek-towns: ${outProblem}\n`);
    return 2;
  }
  if (command === 'verify' && rest.length > 0) return verify(rest, values);
  if (command === 'clean' && rest.length === 0) return (await import('./build/clean.js')).clean(values.out);
  if (command === 'confirm-translations' && rest.length === 0) return confirmTranslations(values.sources);
  if (rest.length > 0 || (command !== 'check' && command !== 'build' && command !== 'watch')) {
    process.stderr.write(`ek-towns: ${command ? `unknown command "${[command, ...rest].join(' ')}"` : 'missing command'}\n\n${usage}`);
    return 2;
  }
  const only = values.only?.split(',').map((g) => g.trim()) ?? [...outputGroups];
  const unknown = only.filter((g) => !(outputGroups as readonly string[]).includes(g));
  if (unknown.length > 0) {
    process.stderr.write(`ek-towns: unknown --only group "${unknown.join(', ')}"; choose from ${outputGroups.join(', ')}\n`);
    return 2;
  }

  if (!(reportLayouts as readonly string[]).includes(values.layout)) {
    process.stderr.write(`ek-towns: unknown --layout "${values.layout}"; choose from ${reportLayouts.join(', ')}\n`);
    return 2;
  }
  const paths = { sources: values.sources, templates: values.templates };
  if (command === 'check') return (await import('./build/check.js')).check(paths, process.env);
  const layout = values.layout as ReportLayout;
  const shardMatch = values.shard === undefined ? undefined : /^(\d+)\/(\d+)$/.exec(values.shard);
  const shard = shardMatch ? { index: Number(shardMatch[1]), count: Number(shardMatch[2]) } : undefined;
  if (values.shard !== undefined && (!shard || shard.index < 1 || shard.index > shard.count)) {
    process.stderr.write(`ek-towns: --shard takes K/N with 1 ≤ K ≤ N, e.g. --shard 2/4; got "${values.shard}"\n`);
    return 2;
  }
  const jobs: number | 'auto' = values.jobs === undefined ? 'auto' : Number(values.jobs);
  if (jobs !== 'auto' && (!Number.isInteger(jobs) || jobs < 1)) {
    process.stderr.write(`ek-towns: --jobs takes a whole number of threads, 1 or more; got "${values.jobs}"\n`);
    return 2;
  }
  // Made only once every option is known to be right: a mistyped option leaves no empty folder behind.
  const cannotMake = makeOutputFolder(values.out);
  if (cannotMake) {
    process.stderr.write(`ek-towns: ${cannotMake}\n`);
    return 2;
  }
  const groups = only as OutputGroup[];
  const stamp = buildStamp([paths.sources, paths.templates], { groups, layout, out: values.out, epoch: process.env.SOURCE_DATE_EPOCH ?? null });
  const options = { paths, outDir: values.out, groups, layout, quiet: values.quiet, env: process.env, stamp, jobs, ...(shard ? { shard } : {}) };
  if (command === 'watch') return (await import('./build/watch.js')).watch(options);
  const fresh = shard ? undefined : upToDate(values.out, stamp);
  if (fresh) {
    process.stdout.write(`nothing to do: ${fresh.outputs} outputs up to date\n`);
    return 0;
  }
  const { build } = await import('./build/run.js');
  return (await build(options)).code;
}

async function verify(files: string[], values: { sources: string; templates: string; out: string; layout: string }): Promise<number> {
  const { loadProject } = await import('./build/project.js');
  const { formatMessage } = await import('./diagnostics.js');
  const { planOutputs } = await import('./build/outputs.js');
  const { readManifest } = await import('./build/manifest.js');
  const { verifyFiles } = await import('./build/verify.js');
  const { project, files: loaded, sources } = loadProject({ sources: values.sources, templates: values.templates }, process.env);
  if (!project) {
    for (const message of loaded.flatMap((f) => f.messages)) process.stderr.write(`${formatMessage(message)}\n`);
    return 1;
  }
  const outputs = planOutputs(project, sources, { layout: values.layout as ReportLayout });
  const results = verifyFiles(files, outputs, readManifest(values.out).outputs, project.model.dataset.version);
  for (const result of results) (result.ok ? process.stdout : process.stderr).write(`${result.message}\n`);
  return results.every((r) => r.ok) ? 0 : 1;
}

/** Writes sources/translations.lock.yaml from the current, valid sources. */
async function confirmTranslations(sourcesDir: string): Promise<number> {
  const { writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { stringify } = await import('yaml');
  const { loadSources } = await import('./sources/load.js');
  const { readSourceTree } = await import('./sources/read.js');
  const { lockFileName } = await import('./sources/translations.js');
  const { formatMessage } = await import('./diagnostics.js');
  const result = loadSources(sourcesDir, readSourceTree(sourcesDir));
  const errors = result.files.flatMap((f) => f.messages.filter((m) => m.fatal));
  for (const message of errors) process.stderr.write(`${formatMessage(message)}\n`);
  if (errors.length > 0 || !result.model) return 1;
  const header = '# Written by `ek-towns confirm-translations`: for each bilingual text, a hash of the English its Spanish\n'
    + '# translation was reviewed against. `ek-towns check` warns where the English has changed since.\n';
  const lock = result.confirmedLock();
  writeFileSync(join(sourcesDir, lockFileName), header + stringify(lock, { sortMapEntries: true }));
  const count = Object.values(lock).reduce((n, texts) => n + Object.keys(texts).length, 0);
  process.stdout.write(`confirmed ${count} translations in ${join(sourcesDir, lockFileName)}\n`);
  return 0;
}

/**
 * The last resort: whatever no command handled (a bug, or the system failing under us) is said in one line, never
 * as a stack trace, with where it happened for the report.
 */
function unexpected(error: unknown): number {
  const where = (error as Error).stack?.split('\n').find((line) => line.includes('/dist/'))?.trim().replace(/^at /, '');
  process.stderr.write(`ek-towns: unexpected failure: ${(error as Error).message ?? String(error)}${where ? ` (at ${where})` : ''}\n`
    + 'Outputs written before it are whole. If this is not a problem of the disk or permissions, please report it with the command you ran.\n');
  return 1;
}

process.exitCode = await main(process.argv.slice(2)).catch(unexpected);
