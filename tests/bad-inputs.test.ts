/**
 * The bad-input corpus (issue 9): every case in tests/bad-inputs/ is run through the compiled CLI, as a user runs
 * it, and must give exactly the exit code and the messages its case.yaml states — never a stack trace — and, for
 * a build, leave every good output made before it byte for byte as it was. See tests/bad-inputs/README.md.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { parse } from 'yaml';
import { z } from 'zod';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { decodeXml } from './support/ooxml.js';
import { pdfText } from './support/clients.js';

const corpus = join(import.meta.dirname, 'bad-inputs');
const root = join(import.meta.dirname, '..');
const groups = ['model', 'briefs', 'report', 'annex', 'preview'] as const;

/** case.yaml, checked as strictly as the sources are: a misspelt directive fails the case, it is never ignored. */
const caseSchema = z.strictObject({
  description: z.string().min(1),
  args: z.array(z.string()).min(1),
  exit: z.number().int(),
  /** Every line the command prints on stderr, exactly; `<tmp>` stands for the case's temporary folder. */
  stderr: z.string().default(''),
  /** Every line on stdout, exactly, when given. */
  stdout: z.string().optional(),
  /** Build these groups from the good tree first; every file that wrote must be byte-identical after the bad run. */
  baseline: z.array(z.enum(groups)).min(1).optional(),
  /** Baseline outputs the bad run may rewrite (paths under the output folder). */
  rewritten: z.array(z.string()).default([]),
  /** Paths (under the case's folder) removed from the good tree before the overlay is copied. */
  remove: z.array(z.string()).default([]),
  /** Exact text replacements in files of the tree; each `find` must occur exactly once. */
  edits: z.array(z.strictObject({ path: z.string(), find: z.string().min(1), replace: z.string() })).default([]),
  /** Bytes that are awkward to commit, made after the overlay: re-encoded, with a BOM, or grown. */
  generate: z.array(z.strictObject({
    path: z.string(),
    encoding: z.literal('latin1').optional(),
    bom: z.literal(true).optional(),
    /** Replaces this placeholder with `with` repeated `times` times. */
    placeholder: z.string().optional(),
    with: z.string().optional(),
    times: z.number().int().positive().optional(),
  })).default([]),
  /** Text an output must hold (PDF as pdftotext reads it, DOCX/XLSX as their XML text, others as UTF-8). */
  contains: z.array(z.strictObject({ path: z.string(), text: z.string() })).default([]),
  /** What the case shows beyond its messages; for a known limitation, where it was reported. */
  note: z.string().optional(),
});
type Case = z.infer<typeof caseSchema>;

const cases = readdirSync(corpus)
  .filter((name) => /^\d\d-[a-z0-9-]+$/.test(name))
  .sort()
  .map((name) => {
    const result = caseSchema.safeParse(parse(readFileSync(join(corpus, name, 'case.yaml'), 'utf8')));
    if (!result.success) throw new Error(`tests/bad-inputs/${name}/case.yaml: ${z.prettifyError(result.error)}`);
    return { name, spec: result.data };
  });

const work = mkdtempSync(join(tmpdir(), 'ek-bad-inputs-'));

/** The good tree: the real sources and templates, plus tests/bad-inputs/good (a small valid town, Testville). */
function goodTree(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const part of ['sources', 'templates']) cpSync(join(root, part), join(dir, part), { recursive: true });
  cpSync(join(corpus, 'good'), dir, { recursive: true });
}

function badTree(dir: string, name: string, spec: Case): void {
  goodTree(dir);
  for (const path of spec.remove) rmSync(join(dir, path), { recursive: true, force: true });
  if (existsSync(join(corpus, name, 'overlay'))) cpSync(join(corpus, name, 'overlay'), dir, { recursive: true });
  for (const edit of spec.edits) {
    const text = readFileSync(join(dir, edit.path), 'utf8');
    const count = text.split(edit.find).length - 1;
    if (count !== 1) throw new Error(`${name}: edit of ${edit.path} finds ${JSON.stringify(edit.find)} ${count} times, not once`);
    writeFileSync(join(dir, edit.path), text.replace(edit.find, () => edit.replace));
  }
  for (const step of spec.generate) {
    const path = join(dir, step.path);
    let text = readFileSync(path, 'utf8');
    if (step.placeholder !== undefined) {
      if (!text.includes(step.placeholder)) throw new Error(`${name}: ${step.path} has no placeholder ${step.placeholder}`);
      text = text.replace(step.placeholder, () => (step.with ?? '').repeat(step.times ?? 1));
    }
    let bytes = step.encoding === 'latin1' ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8');
    if (step.encoding === 'latin1' && bytes.toString('latin1') !== text) throw new Error(`${name}: ${step.path} has characters Latin-1 cannot hold`);
    if (step.bom) bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
    writeFileSync(path, bytes);
  }
}

interface Run { code: number | null; stdout: string; stderr: string }
/** The compiled CLI, as a user runs it. */
function cli(dir: string, args: string[]): Promise<Run> {
  const paths = ['--sources', join(dir, 'sources'), '--templates', join(dir, 'templates'), '--out', join(dir, 'output')];
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'dist', 'cli.js'), ...args, ...paths], { cwd: root, env: { ...process.env, SOURCE_DATE_EPOCH: '' }, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

/** At most two commands at once: each is a whole Node process, and `make test` runs other test files alongside. */
let running = 0;
const waiting: (() => void)[] = [];
async function limited<T>(task: () => Promise<T>): Promise<T> {
  while (running >= 2) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await task();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

const files = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile()).sort() : [];

/** An output's text as its reader sees it. */
function outputText(path: string): string {
  if (path.endsWith('.pdf')) return pdfText(path).replace(/\s+/g, ' ');
  if (/\.(docx|xlsx)$/.test(path)) {
    const parts = unzipSync(readFileSync(path));
    return Object.entries(parts).filter(([name]) => name.endsWith('.xml'))
      .map(([, bytes]) => strFromU8(bytes).replace(/<[^>]+>/g, '').replace(/&[a-z#0-9]+;/gi, (e) => decodeXml(e))).join('\n');
  }
  return readFileSync(path, 'utf8');
}

const lines = (text: string) => text.split('\n').filter((line, i, all) => line !== '' || i < all.length - 1);

/** Good outputs, built once per group from the good tree, copied into each case that needs them. */
const baselines = new Map<string, string>();

describe('bad inputs', () => {
  // The temporary trees are removed afterwards, unless BAD_INPUTS_SHOW asks to look at them.
  afterAll(() => {
    if (!process.env.BAD_INPUTS_SHOW) rmSync(work, { recursive: true, force: true });
  });
  beforeAll(async () => {
    const needed = [...new Set(cases.flatMap((c) => (c.spec.baseline ? [c.spec.baseline.join(',')] : [])))];
    await Promise.all(needed.map((only) => limited(async () => {
      const dir = join(work, `good-${only.replaceAll(',', '-')}`);
      goodTree(dir);
      const run = await cli(dir, ['build', '--only', only, '--quiet']);
      if (run.code !== 0) throw new Error(`the good tree does not build (${only}):\n${run.stderr}`);
      baselines.set(only, join(dir, 'output'));
    })));
  }, 300_000);

  it('has at least 30 cases, each with a description', () => {
    if (cases.length < 30) throw new Error(`only ${cases.length} cases`);
  });

  it.concurrent.for(cases)('$name', { timeout: 180_000 }, async ({ name, spec }, { expect }) => {
    const dir = join(work, name);
    badTree(dir, name, spec);
    const baseline = spec.baseline && baselines.get(spec.baseline.join(','))!;
    if (baseline) cpSync(baseline, join(dir, 'output'), { recursive: true, preserveTimestamps: true });
    const run = await limited(() => cli(dir, spec.args));
    const normalise = (text: string) => text.replaceAll(dir, '<tmp>');
    const stderr = normalise(run.stderr);
    // BAD_INPUTS_SHOW=<folder>: also write what each case got there (and keep the trees), to review a case.
    if (process.env.BAD_INPUTS_SHOW) {
      mkdirSync(process.env.BAD_INPUTS_SHOW, { recursive: true });
      writeFileSync(join(process.env.BAD_INPUTS_SHOW, `${name}.txt`), `exit: ${run.code}\nstderr:\n${stderr}\nstdout:\n${normalise(run.stdout)}`);
    }
    // Never a stack trace, whatever the input.
    expect(stderr.split('\n').filter((line) => /^\s+at |^\w*Error: |node:internal/.test(line)), 'stack trace').toEqual([]);
    expect(lines(stderr), 'stderr').toEqual(lines(spec.stderr));
    if (spec.stdout !== undefined) expect(lines(normalise(run.stdout)), 'stdout').toEqual(lines(spec.stdout));
    expect(run.code, `exit code; stderr:\n${stderr}`).toBe(spec.exit);

    if (baseline) {
      // A bad input never costs a good output: what the good tree built is still there, byte for byte.
      const changed = files(baseline)
        .filter((path) => path !== 'manifest.json' && !spec.rewritten.includes(path))
        .filter((path) => !existsSync(join(dir, 'output', path)) || !readFileSync(join(dir, 'output', path)).equals(readFileSync(join(baseline, path))));
      expect(changed, 'good outputs changed or lost').toEqual([]);
    }
    for (const { path, text } of spec.contains) expect(outputText(join(dir, path)), path).toContain(text);
  });
});

// The corpus is data: keep its folders tidy (a case without case.yaml, or a stray file, is a mistake).
describe('the corpus', () => {
  it('holds only numbered case folders, README.md and good/', () => {
    const stray = readdirSync(corpus).filter((entry) => !/^\d\d-[a-z0-9-]+$/.test(entry) && entry !== 'README.md' && entry !== 'good');
    if (stray.length > 0) throw new Error(`unexpected entries in tests/bad-inputs: ${stray.join(', ')}`);
    for (const { name } of cases) if (!statSync(join(corpus, name)).isDirectory()) throw new Error(name);
  });
});
