// `make bench`: how long the build takes, against the targets of issue 8. Prints the machine, then one table:
// median of several runs with min–max, and the target beside each figure. Not a test: nothing fails on a slow
// figure; the exit code is non-zero only if a build fails or a PDF reads back wrong.
//
// Environment:
//   BENCH_QUICK=1        fewer runs and 100 synthetic towns only
//   BENCH_RUNS=n         runs per measure (default 3; 2 when quick)
//   BENCH_TOWNS=a,b      synthetic scale sizes (default 100,1000; 100 when quick)
//   BENCH_SCALE_LIMIT=s  stop a synthetic build after s seconds (default 2400) and report the PDFs it made by then
//   BENCH_ONLY=a,b       run only these sections: full (cold and no-op), edit (as a process and in watch), marginal,
//                        docx, scale
//   BENCH_KEEP=1         keep the temporary folders (printed)
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { writeSyntheticSources } from './synthetic.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bench = join(root, 'tests', 'bench');
const cli = join(root, 'dist', 'cli.js');
const quick = process.env.BENCH_QUICK === '1';
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? (quick ? 2 : 3)));
const townSizes = (process.env.BENCH_TOWNS ?? (quick ? '100' : '100,1000')).split(',').filter(Boolean).map(Number);
const scaleLimit = Number(process.env.BENCH_SCALE_LIMIT ?? 2400);
const only = process.env.BENCH_ONLY?.split(',');
const want = (section) => !only || only.includes(section);
const work = mkdtempSync(join(os.tmpdir(), 'ek-towns-bench-'));
const log = (line) => process.stderr.write(`bench: ${line}\n`);
const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const gnuTime = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%M', 'true'], { stdio: 'ignore' }).status === 0;
let failures = 0;

// ---------------------------------------------------------------------------------------------------------- helpers

/** Runs a whole process; returns wall seconds, peak RSS in MiB (if measurable) and the exit status. */
function timed(command, args, options = {}) {
  let argv = [...(options.limit && has('timeout') ? ['timeout', '--foreground', '-s', 'KILL', String(options.limit)] : []), command, ...args];
  const rssFile = join(work, 'rss.txt');
  if (gnuTime) argv = ['/usr/bin/time', '-f', '%M', '-o', rssFile, ...argv];
  else if (command === process.execPath) argv.splice(argv.indexOf(command) + 1, 0, '--import', new URL('./max-rss.mjs', import.meta.url).href);
  rmSync(rssFile, { force: true });
  const start = performance.now();
  const result = spawnSync(argv[0], argv.slice(1), {
    cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options, env: { ...process.env, EK_BENCH_RSS: rssFile, ...options.env },
  });
  const seconds = (performance.now() - start) / 1000;
  const rss = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)) / 1024 : undefined;
  // timeout -s KILL exits 137 (under /usr/bin/time, which then reports the signal).
  const stopped = Boolean(options.limit) && (result.status === 137 || result.status === 124 || seconds >= options.limit);
  if (result.status !== 0 && !stopped) {
    failures++;
    log(`FAILED (${result.status}): ${[command, ...args].join(' ')}\n${(result.stderr ?? '').slice(-2000)}`);
  }
  return { seconds, rss, ok: result.status === 0, stopped, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

const build = (args, options) => timed(process.execPath, [cli, 'build', '--quiet', ...args], options);
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const rows = [];
/** One table row: values in `unit`; `target` is { max, text } or undefined. */
function row(name, values, unit, target, note = '') {
  rows.push({ name, values, unit, target, note });
  const valid = values.filter((v) => v !== undefined && !Number.isNaN(v));
  log(`  ${name}: ${valid.length ? format(median(valid), unit) : '–'}${valid.length > 1 ? ` (${valid.map((v) => format(v, unit)).join(', ')})` : ''}`);
}

function format(value, unit) {
  if (value === undefined || Number.isNaN(value)) return '–';
  if (unit === 's') return `${value.toFixed(value < 10 ? 2 : 1)} s`;
  if (unit === 'ms') return `${value.toFixed(value < 100 ? 1 : 0)} ms`;
  if (unit === 'MiB') return `${value.toFixed(0)} MiB`;
  if (unit === 'x') return `${value.toFixed(2)}×`;
  if (unit === '/s') return `${value.toFixed(1)}/s`;
  return `${value} ${unit}`;
}

function printTable() {
  const lines = rows.map(({ name, values, unit, target, note }) => {
    const valid = values.filter((v) => v !== undefined && !Number.isNaN(v));
    const mid = valid.length ? median(valid) : undefined;
    const range = valid.length > 1 ? `${format(Math.min(...valid), unit)} – ${format(Math.max(...valid), unit)}` : valid.length ? `(1 run)` : '';
    let verdict = '';
    if (target && mid !== undefined) {
      const ok = target.min !== undefined ? mid >= target.min : mid <= target.max;
      verdict = ok ? 'met' : target.max ? `MISSED (${(mid / target.max).toFixed(mid < 2 * target.max ? 2 : 1)}× the target)` : 'MISSED';
    }
    return [name, format(mid, unit), range, target?.text ?? '', verdict, note];
  });
  const header = ['measure', 'median', 'min – max', 'target', '', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const show = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  process.stdout.write(`\n${show(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${lines.map(show).join('\n')}\n`);
}

/** Runs `tasks` (functions returning promises) with at most `limit` at a time. */
async function pool(tasks, limit) {
  const results = [];
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  }));
  return results;
}

// ---------------------------------------------------------------------------------------------------------- machine

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
process.stdout.write([
  'ek-towns bench',
  `machine: ${os.availableParallelism()} CPUs (nproc), ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}`,
  `node ${process.version}; runs per measure: ${runs}${quick ? ' (BENCH_QUICK)' : ''}; synthetic towns: ${townSizes.join(', ')}`,
  `load average at start: ${load()}${gnuTime ? '' : ' (no /usr/bin/time: peak RSS from process.resourceUsage())'}`,
  '',
].join('\n'));

// ---------------------------------------------------------------------------------------------- full and no-op builds

if (want('full')) {
  const cold = [];
  const coldThreads = [];
  const noop = [];
  for (let r = 0; r < runs; r++) {
    const out = join(work, `full-${r}`);
    log(`full cold build ${r + 1}/${runs}`);
    cold.push(build(['--out', out]).seconds);
    log(`no-op rebuild ${r + 1}/${runs}`);
    noop.push(build(['--out', out]).seconds);
    rmSync(out, { recursive: true, force: true });
    log(`full cold build on worker threads ${r + 1}/${runs}`);
    coldThreads.push(build(['--out', out, '--jobs', String(os.availableParallelism())]).seconds);
    rmSync(out, { recursive: true, force: true });
  }
  row('full cold build, all outputs (process)', cold, 's', { max: 2.5, text: '≤ 2.5 s' }, 'default threads (one: fewer than 40 documents)');
  row('  same on worker threads', coldThreads, 's', undefined, `--jobs ${os.availableParallelism()}: workers forced`);
  row('no-op rebuild, same --out (process)', noop, 's', { max: 0.3, text: '≤ 0.3 s' });
}

// ---------------------------------------------------------------------------------------------- one-town edit

if (want('edit')) {
  const tree = join(work, 'edit');
  cpSync(join(root, 'sources'), join(tree, 'sources'), { recursive: true });
  const out = join(tree, 'out');
  const args = ['--sources', join(tree, 'sources'), '--out', out];
  log('one-town edit: first build of the copied sources');
  build(args);
  const town = join(tree, 'sources', 'towns', 'ridder.yaml');
  const original = readFileSync(town, 'utf8');
  const sentence = 'The mine was nationalised.';
  if (!original.includes(sentence)) throw new Error(`bench: ${town} no longer contains "${sentence}"; pick another edit`);
  const times = [];
  for (let r = 0; r < runs; r++) {
    // A different word each time, so every run is a real change to one event text.
    writeFileSync(town, original.replace(sentence, `The mine was nationalised (edit ${r + 1}).`));
    log(`one-town edit ${r + 1}/${runs}`);
    times.push(build(args).seconds);
  }
  row('one-town edit rebuild (ridder.yaml event text)', times, 's', { max: 1.0, text: '≤ 1.0 s' });

  // The same edits in `ek-towns watch`, which keeps its modules, compiled code and caches between rebuilds. The time
  // is the one watch prints for the rebuild; it notices a save about 0.25 s after it (write settling, debounce).
  writeFileSync(town, original);
  const watched = await watchEdits([...args, '--jobs', '1'], runs, (r) => writeFileSync(town, original.replace(sentence, `The mine was nationalised (watch ${r + 1}).`)));
  row('  same edit in `ek-towns watch`', watched, 's', undefined, 'rebuild time watch prints; process already running');
}

/** Starts `ek-towns watch`, waits for its first build, then makes `edits` changes one at a time: watch's times. */
async function watchEdits(args, edits, edit) {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [cli, 'watch', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
  const lines = [];
  let waiting;
  let buffered = '';
  child.stdout.on('data', (chunk) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      lines.push(buffered.slice(0, end));
      buffered = buffered.slice(end + 1);
      waiting?.();
    }
  });
  const next = (pattern) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench: watch printed no line matching ${pattern} in 120 s`)), 120_000);
    waiting = () => {
      const index = lines.findIndex((line) => pattern.test(line));
      if (index < 0) return;
      clearTimeout(timer);
      resolve(lines.splice(0, index + 1).at(-1));
    };
    waiting();
  });
  const times = [];
  try {
    await next(/^watching /);
    for (let r = 0; r < edits; r++) {
      log(`one-town edit in watch ${r + 1}/${edits}`);
      edit(r);
      const line = await next(/ changed .*\(([\d.]+) s\)/);
      times.push(Number(/\(([\d.]+) s\)/.exec(line)[1]));
    }
  } catch (error) {
    failures++;
    log(error.message);
  } finally {
    child.kill('SIGINT');
  }
  return times;
}

// ---------------------------------------------------------------------------------------------- marginal brief

if (want('marginal')) {
  const marginal = (extra) => {
    const result = timed(process.execPath, [join(bench, 'marginal.mjs'), String(Math.max(runs, 3)), ...extra]);
    return result.ok ? JSON.parse(result.stdout.trim().split('\n').at(-1)).perBrief : [];
  };
  log('marginal brief PDF (in process, after a warm-up)');
  row('marginal cost per brief PDF (in process)', marginal([]), 'ms', { max: 40, text: '≤ 40 ms' }, 'template + parse + PDF, mean of 16 briefs per run');
  log('marginal brief PDF without font sharing');
  row('  same, fonts parsed per PDF (as before)', marginal(['--no-font-sharing']), 'ms', undefined, 'for comparison: pipeline/write/pdf/font-cache.ts off');
}

// ---------------------------------------------------------------------------------------------- DOCX vs pandoc

if (want('docx')) {
  if (!has('pandoc') && process.getuid?.() === 0 && has('apt-get')) {
    log('installing pandoc (Debian package)');
    const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'pandoc'], { stdio: 'ignore' }).status === 0;
    if (!install()) {
      spawnSync('apt-get', ['update'], { stdio: 'ignore' });
      install();
    }
  }
  const dir = join(work, 'docx');
  mkdirSync(dir, { recursive: true });
  const withFigures = join(dir, 'figures');
  mkdirSync(withFigures);
  const dist = (path) => new URL(`../../dist/${path}`, import.meta.url).href;
  const { loadProject } = await import(dist('build/project.js'));
  const { reportDocument } = await import(dist('documents/report.js'));
  const { label } = await import(dist('documents/context.js'));
  const { project } = loadProject({ sources: join(root, 'sources'), templates: join(root, 'templates') }, process.env);
  const languages = ['en', 'es'].map((lang) => {
    const rendered = reportDocument(project, lang);
    const markdown = String(rendered.file.value);
    // pandoc cannot draw our figures: the compared Markdown has none (figure lines and references to them removed).
    writeFileSync(join(withFigures, `report.${lang}.md`), markdown);
    writeFileSync(join(dir, `report.${lang}.md`), markdown.replace(/^::figure\[.*$/gm, '').replace(/ ?See :ref\{#fig-[^}]*\}\.?/g, '').replace(/:ref\{#fig-[^}]*\}/g, 'the figure'));
    const captions = { figure: label(project, lang, 'document.figure'), table: label(project, lang, 'document.table') };
    return { lang, labels: rendered.options.labels, captions, meta: rendered.options.meta, figures: rendered.options.figures };
  });
  const meta = { ...languages[0].meta, title: `${languages[0].meta.title} / ${languages[1].meta.title}` };
  const settings = (figures) => JSON.stringify({ meta, languages: languages.map(({ meta: _, figures: f, ...rest }) => ({ ...rest, figures: figures ? f : {} })) });
  writeFileSync(join(dir, 'report.json'), settings(false));
  writeFileSync(join(withFigures, 'report.json'), settings(true));

  const ours = [];
  const oursFigures = [];
  const pandoc = [];
  for (let r = 0; r < runs; r++) {
    log(`report DOCX ${r + 1}/${runs}: ours, ours with figures, pandoc`);
    ours.push(timed(process.execPath, [join(bench, 'docx-ours.mjs'), dir, join(dir, 'ours.docx')]).seconds);
    oursFigures.push(timed(process.execPath, [join(bench, 'docx-ours.mjs'), withFigures, join(withFigures, 'ours.docx')]).seconds);
    if (has('pandoc')) pandoc.push(timed('pandoc', [join(dir, 'report.en.md'), join(dir, 'report.es.md'), '-f', 'markdown', '-o', join(dir, 'pandoc.docx')]).seconds);
  }
  const bytes = (path) => (existsSync(path) ? `${(statSync(path).size / 1024).toFixed(0)} KiB` : 'missing');
  row('report DOCX, our writer (process)', ours, 's', undefined, `bilingual report Markdown without figures, ${bytes(join(dir, 'ours.docx'))}`);
  if (pandoc.length) {
    row('report DOCX, pandoc (process)', pandoc, 's', undefined, `pandoc report.en.md report.es.md -o x.docx, ${bytes(join(dir, 'pandoc.docx'))}`);
    row('report DOCX, ours / pandoc', ours.map((t, i) => t / pandoc[i]), 'x', { max: 1.5, text: '≤ 1.5×' }, 'per run pair');
  } else {
    row('report DOCX, pandoc (process)', [], 's', undefined, 'pandoc not installed (apt-get install pandoc)');
  }
  row('  report DOCX, ours with its 10 figures', oursFigures, 's', undefined, `no pandoc equivalent, ${bytes(join(withFigures, 'ours.docx'))}`);
}

// ---------------------------------------------------------------------------------------------- synthetic scale

if (want('scale')) {
  const pdftotext = has('pdftotext');
  const execFileAsync = promisify(execFile);
  const rss = {};
  for (const count of townSizes) {
    const dir = join(work, `towns-${count}`);
    log(`synthetic ${count} towns: writing sources`);
    const towns = writeSyntheticSources(count, dir);
    const out = join(dir, 'out');
    log(`synthetic ${count} towns: building ${count * 2} briefs`);
    const result = build(['--sources', join(dir, 'sources'), '--out', out, '--only', 'briefs'], { limit: scaleLimit });
    const briefs = count * 2;
    const made = towns.flatMap((town) => ['en', 'es'].map((lang) => ({ town, lang, path: join(out, 'briefs', lang, `${town.slug}.pdf`) })))
      .filter(({ path }) => existsSync(path));
    const partial = result.stopped ? `STOPPED at BENCH_SCALE_LIMIT=${scaleLimit} s after ${made.length} of ${briefs} PDFs; ` : '';
    rss[count] = result.stopped ? undefined : result.rss;
    row(`${count} towns: briefs build (process)`, [result.seconds], 's', undefined, `${partial}${made.length} PDFs, ${(result.seconds * 1000 / made.length).toFixed(0)} ms per PDF`);
    row(`${count} towns: documents per second`, [made.length / result.seconds], '/s', undefined, 'whole process, loading and validation included');
    row(`${count} towns: peak RSS`, [result.rss], 'MiB', count >= 1000 ? { max: 400, text: '≤ 400 MiB' } : undefined, result.stopped ? 'until stopped' : '');
    if (!pdftotext) {
      row(`${count} towns: PDFs read back`, [], '', undefined, 'pdftotext missing (apt-get install poppler-utils)');
      continue;
    }
    log(`synthetic ${count} towns: reading ${made.length} PDFs back with pdftotext`);
    const checks = made.map(({ town, lang, path }) => async () => {
      try {
        const { stdout } = await execFileAsync('pdftotext', ['-enc', 'UTF-8', '-l', '2', path, '-'], { maxBuffer: 64 * 1024 * 1024 });
        return stdout.includes(town.name) ? undefined : `${lang}/${town.slug}.pdf lacks "${town.name}"`;
      } catch (error) {
        return `${lang}/${town.slug}.pdf: ${error.message.split('\n')[0]}`;
      }
    });
    const problems = (await pool(checks, os.availableParallelism())).filter(Boolean);
    const missing = result.stopped ? 0 : briefs - made.length;
    failures += problems.length || missing ? 1 : 0;
    for (const problem of problems.slice(0, 10)) log(`read-back: ${problem}`);
    row(`${count} towns: PDFs whose text has their town`, [made.length - problems.length], `of ${briefs}`, { min: result.stopped ? made.length : briefs, text: `all made` },
      `pdftotext, name found${missing ? `; ${missing} PDFs missing` : ''}`);
    if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  }
  const sizes = Object.keys(rss).map(Number).sort((a, b) => a - b);
  if (sizes.length > 1 && rss[sizes[0]] && rss[sizes.at(-1)]) {
    const [small, large] = [sizes[0], sizes.at(-1)];
    row(`peak RSS ${large} / ${small} towns`, [rss[large] / rss[small]], 'x', { max: 1.2, text: '≈ 1× (flat)' }, 'memory flat as N grows?');
  }
}

// ---------------------------------------------------------------------------------------------- report

process.stdout.write(`\nload average at end: ${load()}\n`);
printTable();
if (process.env.BENCH_KEEP) process.stdout.write(`\nkept: ${work}\n`);
else rmSync(work, { recursive: true, force: true });
if (failures) {
  process.stdout.write(`\n${failures} failure(s): see the messages above\n`);
  process.exit(1);
}
