import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { combine } from '../pipeline/build/fingerprint.js';
import { journalRecord, manifestName, readManifest, writeManifest } from '../pipeline/build/manifest.js';
import { verifyFiles } from '../pipeline/build/verify.js';
import { outputFolderProblem } from '../pipeline/build/output.js';
import { planOutputs } from '../pipeline/build/outputs.js';
import { loadProject } from '../pipeline/build/project.js';
import { build } from '../pipeline/build/run.js';
import type { Model } from '../pipeline/sources/model.js';
import { qpdfCheck } from './support/clients.js';

/** A private copy of the sources, so scenarios can edit them. */
function copySources(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ek-sources-'));
  cpSync('sources', join(dir, 'sources'), { recursive: true });
  return join(dir, 'sources');
}
const edit = (file: string, from: string | RegExp, to: string) => {
  const text = readFileSync(file, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit did not apply to ${file}`);
  writeFileSync(file, next);
};
/** Every output's input hash, for all groups, without building anything; `previous` as output/model.json. */
function inputHashes(sources: string, previous?: Model, env: NodeJS.ProcessEnv = {}): Map<string, string> {
  const { project, sources: loaded } = loadProject({ sources, templates: 'templates' }, env, previous);
  return new Map(planOutputs(project!, loaded, { layout: 'separate' }).map((o) => [o.path, combine(o.inputs())]));
}
const snapshot = (dir: string) =>
  new Map(
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => statSync(join(dir, f)).isFile())
      .map((f) => [f, `${statSync(join(dir, f)).mtimeMs}:${readFileSync(join(dir, f)).toString('base64').length}`]),
  );
const quietBuild = (sources: string, outDir: string, groups: ('model' | 'briefs' | 'preview' | 'report')[] = ['model', 'briefs']) =>
  build({ paths: { sources, templates: 'templates' }, outDir, groups, layout: 'separate', quiet: true, env: {} });

describe('the editor’s workflow', () => {
  let stderr: string[] = [];
  beforeAll(() => {
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true));
  });
  afterEach(() => {
    stderr = [];
  });

  const changedInputs = (sources: string, change: () => void) => {
    const before = inputHashes(sources);
    change();
    return [...inputHashes(sources)].filter(([path, hash]) => before.get(path) !== hash).map(([path]) => path).sort();
  };

  it('editing one town changes the inputs of exactly its briefs, the documents that print what changed, and the summaries', () => {
    const sources = copySources();
    const changed = changedInputs(sources, () => edit(join(sources, 'towns/zaisan.yaml'), /(\n {2}- year: )1941\n/, '$11940\n'));
    const after = inputHashes(sources);
    // A city-status year is printed by the report (text and chart) and by annex tables A1 and A3, in both languages.
    expect(changed).toEqual([
      'CHANGES.md',
      ...['en', 'es'].flatMap((lang) => [`annex/${lang}/annex-tables.docx`, `annex/${lang}/annex-tables.pdf`, `annex/${lang}/annex-tables.xlsx`,
        ...['A1', 'A3'].map((id) => `annex/${lang}/csv/${id}.csv`)]),
      'briefs/en/zaisan.pdf',
      'briefs/es/zaisan.pdf',
      'html/index.html',
      'html/report.en.html',
      'html/report.es.html',
      'model.json',
      'report/east-kazakhstan-small-towns.docx',
    ].sort().filter((path) => after.has(path)));
    expect(changed.filter((p) => p.startsWith('briefs/'))).toEqual(['briefs/en/zaisan.pdf', 'briefs/es/zaisan.pdf']);
  });

  it('an English event text only the briefs and one annex table print leaves the report and the Spanish annex alone', () => {
    const sources = copySources();
    const changed = changedInputs(sources, () => edit(join(sources, 'towns/ridder.yaml'), 'en: The mine was nationalised.', 'en: The mine was nationalised by decree.'));
    expect(changed).toEqual([
      'CHANGES.md',
      'annex/en/annex-tables.docx', 'annex/en/annex-tables.pdf', 'annex/en/annex-tables.xlsx', 'annex/en/csv/A4.csv',
      'briefs/en/ridder.pdf', 'briefs/es/ridder.pdf',
      'html/index.html',
      'model.json',
    ]);
  });

  it('rebuilds every dated output for another build date, even one in the same day (its documents\' metadata has the time)', () => {
    const at = (epoch: number) => inputHashes('sources', undefined, { SOURCE_DATE_EPOCH: String(epoch) });
    const [morning, evening] = [at(1_700_000_000), at(1_700_000_000 + 3600)];
    for (const path of ['report/east-kazakhstan-small-towns.docx', 'html/report.en.html', 'annex/es/annex-tables.pdf', 'annex/en/annex-tables.xlsx', 'briefs/en/ridder.pdf']) {
      expect(evening.get(path), path).not.toBe(morning.get(path));
    }
  });

  it('leaves the report as it is after an edit it does not print, its provenance still true; rebuilds it after one it prints', async () => {
    const sources = copySources();
    const out = mkdtempSync(join(tmpdir(), 'ek-out-'));
    const report = 'report/east-kazakhstan-small-towns.docx';
    const verified = () => {
      const { project, sources: loaded } = loadProject({ sources, templates: 'templates' }, {});
      const outputs = planOutputs(project!, loaded, { layout: 'separate' });
      return verifyFiles([join(out, report)], outputs, readManifest(out).outputs, '')[0]!.ok;
    };
    expect((await quietBuild(sources, out, ['report'])).written).toBe(3);
    const first = readFileSync(join(out, report));
    edit(join(sources, 'towns/ridder.yaml'), 'en: The mine was nationalised.', 'en: The mine was nationalised by decree.');
    expect(await quietBuild(sources, out, ['report'])).toMatchObject({ code: 0, written: 0 });
    expect(verified()).toBe(true);
    edit(join(sources, 'towns/zaisan.yaml'), /(\n {2}- year: )1941\n/, '$11940\n');
    expect(verified()).toBe(false);
    expect(await quietBuild(sources, out, ['report'])).toMatchObject({ code: 0, written: 3 });
    expect(readFileSync(join(out, report)).equals(first)).toBe(false);
    expect(verified()).toBe(true);
  });

  it('rebuilds only what changed, leaves the rest untouched, and a no-op writes nothing', async () => {
    const sources = copySources();
    const out = mkdtempSync(join(tmpdir(), 'ek-out-'));
    expect((await quietBuild(sources, out)).code).toBe(0);
    const first = snapshot(out);
    const noop = await quietBuild(sources, out);
    expect(noop).toMatchObject({ code: 0, written: 0, summary: `nothing to do: ${noop.upToDate} outputs up to date` });
    expect(snapshot(out)).toEqual(first);

    edit(join(sources, 'towns/zaisan.yaml'), /(\n {2}- year: )1941\n/, '$11940\n');
    const result = await quietBuild(sources, out);
    expect(result.written).toBe(4); // two briefs, model.json, CHANGES.md
    const second = snapshot(out);
    const rewritten = [...second].filter(([f, s]) => first.get(f) !== s).map(([f]) => f).sort();
    expect(rewritten).toEqual(['CHANGES.md', 'briefs/en/zaisan.pdf', 'briefs/es/zaisan.pdf', 'manifest.json', 'model.json']);
    expect(readFileSync(join(out, 'CHANGES.md'), 'utf8')).toContain('- city-status year 1941 → 1940');
  });

  it('keeps building the other towns when one town file is broken, with a located error and a failing exit', async () => {
    const sources = copySources();
    const out = mkdtempSync(join(tmpdir(), 'ek-out-'));
    expect((await quietBuild(sources, out)).code).toBe(0);
    const good = readFileSync(join(out, 'briefs/en/zaisan.pdf'));
    edit(join(sources, 'towns/zaisan.yaml'), 'value: industrial\n', 'value: industrail\n');
    edit(join(sources, 'towns/ridder.yaml'), 'The mine was nationalised.', 'The mine was nationalised by the state.');
    const result = await quietBuild(sources, out);
    expect(result.code).toBe(1);
    expect(result.failed.sort()).toEqual(['CHANGES.md', 'briefs/en/zaisan.pdf', 'briefs/es/zaisan.pdf', 'model.json']);
    expect(result.written).toBe(2); // Ridder's briefs, whose text changed
    expect(stderr.join('')).toMatch(/towns\/zaisan\.yaml:\d+:\d+ error: type\.value: expected one of "industrial", "industrial-transport", "scientific-experimental", got "industrail"/);
    expect(readFileSync(join(out, 'briefs/en/zaisan.pdf')).equals(good)).toBe(true);
  });

  it('keeps a broken town on the other towns\' maps from what of its file still validates, with no earlier model', () => {
    const sources = copySources();
    const good = inputHashes(sources);
    edit(join(sources, 'towns/zaisan.yaml'), 'value: industrial\n', 'value: industrail\n');
    const broken = inputHashes(sources);
    // Zaisan's name and position still come from its file: the other briefs' maps, and so their inputs, are the same.
    for (const path of [...good.keys()].filter((p) => p.startsWith('briefs/') && !p.endsWith('/zaisan.pdf'))) expect(broken.get(path), path).toBe(good.get(path));
  });

  it('makes no brief whose map would lack a broken town it cannot place; the last good model places it', async () => {
    const sources = copySources();
    const good = inputHashes(sources);
    const previous = loadProject({ sources, templates: 'templates' }, {}).project!.model;
    edit(join(sources, 'towns/zaisan.yaml'), 'bases: [trade-routes]', 'bases: [trade-routes');
    const { project, sources: loaded } = loadProject({ sources, templates: 'templates' }, {});
    const ridder = planOutputs(project!, loaded, { layout: 'separate' }).find((o) => o.path === 'briefs/en/ridder.pdf')!;
    await expect(ridder.produce({ output: ridder.path, inputs: '' })).rejects.toThrow(
      `not rebuilt: its locator map needs the name and coordinates of the town in ${sources}/towns/zaisan.yaml, and neither that file (it has errors) nor an earlier build's model.json gives them`,
    );
    expect(inputHashes(sources, previous).get('briefs/en/ridder.pdf')).toBe(good.get('briefs/en/ridder.pdf'));
  });

  it('takes only the model.json it recorded for the last good model: one edited by hand (any shape) is not read', async () => {
    const sources = copySources();
    const out = mkdtempSync(join(tmpdir(), 'ek-out-'));
    expect((await quietBuild(sources, out, ['model'])).code).toBe(0);
    writeFileSync(join(out, 'model.json'), '{"towns": 5}\n');
    edit(join(sources, 'towns/zaisan.yaml'), 'bases: [trade-routes]', 'bases: [trade-routes');
    const result = await quietBuild(sources, out);
    // Zaisan cannot be placed from its file, and the hand-edited model is no witness: the briefs whose map shows
    // it fail, with a message, instead of reading `towns` of a number.
    expect(result.code).toBe(1);
    expect(result.failed).toContain('briefs/en/ridder.pdf');
    expect(stderr.join('')).toContain('neither that file (it has errors) nor an earlier build\'s model.json gives them');
  });

  it('warns about a stale translation with the places of the English and the Spanish', async () => {
    const sources = copySources();
    edit(join(sources, 'towns/ridder.yaml'), 'The mine was nationalised.', 'The mine was nationalised by the state.');
    const { files } = loadProject({ sources, templates: 'templates' }, {});
    const warnings = files.flatMap((f) => f.messages.filter((m) => m.ruleId === 'stale-translation').map((m) => `${m.file}:${m.line}:${m.column} ${m.reason}`));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/towns\/ridder\.yaml:(\d+):11 events\[\d+\]\.text: the English changed after its Spanish translation was confirmed; review the Spanish at .*towns\/ridder\.yaml:\d+:11/);
  });

  it('refuses a second build on the same output folder while one runs', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ek-out-'));
    writeFileSync(join(out, '.ek-towns.lock'), String(process.ppid)); // a live process holds the folder
    const result = await quietBuild('sources', out);
    expect(result.code).toBe(1);
    expect(result.summary).toBe(`another build (process ${process.ppid}) is writing to ${out}/; wait for it to finish, or stop it`);
  });

  it('tells when the output folder, or a folder above it, is a file; a folder still to be made is fine', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ek-out-'));
    writeFileSync(join(dir, 'notes'), 'mine');
    expect(outputFolderProblem(join(dir, 'notes'))).toBe(`--out "${join(dir, 'notes')}" is a file, not a folder; name a folder for the outputs (it is made if missing)`);
    expect(outputFolderProblem(`${join(dir, 'notes')}/`)).toBe(`--out "${join(dir, 'notes')}/" is a file, not a folder; name a folder for the outputs (it is made if missing)`);
    expect(outputFolderProblem(join(dir, 'notes', 'output'))).toBe(`--out "${join(dir, 'notes', 'output')}" cannot be made: "${join(dir, 'notes')}" is a file, not a folder`);
    expect(outputFolderProblem(join(dir, 'new', 'output'))).toBeUndefined();
    expect(outputFolderProblem(dir)).toBeUndefined();
    expect(readFileSync(join(dir, 'notes'), 'utf8')).toBe('mine');
  });

  it('never overwrites a file it did not write', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ek-out-'));
    cpSync('README.md', join(out, 'model.json'));
    const result = await quietBuild('sources', out, ['model']);
    expect(result.failed).toContain('model.json');
    expect(readFileSync(join(out, 'model.json'), 'utf8')).toBe(readFileSync('README.md', 'utf8'));
  });
});

describe('a build killed midway', () => {
  // The compiled CLI, as a user runs it; killed after the k-th brief appears, at several points.
  it.each([
    ['SIGTERM', 3], ['SIGKILL', 5], ['SIGINT', 9], ['SIGKILL', 12],
  ] as const)('%s after %i briefs: every output left parses, and the next build completes', async (signal, k) => {
    const out = mkdtempSync(join(tmpdir(), 'ek-kill-'));
    const child = spawn(process.execPath, ['dist/cli.js', 'build', '--only', 'model,briefs', '--out', out, '--quiet'], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const briefs = () => (existsSync(join(out, 'briefs')) ? readdirSync(join(out, 'briefs'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.pdf')).length : 0);
    while (briefs() < k && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 5));
    child.kill(signal);
    const code = await exited;
    // Stopped midway: by the signal (SIGKILL), or by our handler's exit code (SIGINT 130, SIGTERM 143).
    expect([null, 130, 143]).toContain(code);
    const left = readdirSync(out, { recursive: true, encoding: 'utf8' });
    if (signal !== 'SIGKILL') expect(left.filter((f) => f.endsWith('.tmp') || f.endsWith('.ek-towns.lock'))).toEqual([]);
    for (const pdf of left.filter((f) => f.endsWith('.pdf'))) expect(() => qpdfCheck(join(out, pdf))).not.toThrow();
    if (existsSync(join(out, 'manifest.json'))) JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const resumed = await build({ paths: { sources: 'sources', templates: 'templates' }, outDir: out, groups: ['model', 'briefs'], layout: 'separate', quiet: true, env: {} });
    expect(resumed.code).toBe(0);
    expect(resumed.failed).toEqual([]);
  });
});

describe('sharded builds', () => {
  it('reads back what a stopped build journalled, a line cut short by the kill ignored, and folds it into the manifest', () => {
    const out = mkdtempSync(join(tmpdir(), 'ek-journal-'));
    const record = (size: number) => ({ inputHash: `h${size}`, inputs: { model: 'm' }, sha256: `s${size}`, size, mtimeMs: 0 });
    writeManifest(out, { version: 1, stamp: 'before', outputs: { 'a.pdf': record(1) } });
    journalRecord(out, manifestName, 'b.pdf', record(2));
    journalRecord(out, manifestName, 'a.pdf', record(3));
    appendFileSync(join(out, 'manifest.journal'), '{"path":"c.pdf","rec');
    const read = readManifest(out);
    expect(read.outputs).toEqual({ 'a.pdf': record(3), 'b.pdf': record(2) });
    writeManifest(out, read);
    expect(existsSync(join(out, 'manifest.journal'))).toBe(false);
    expect(Object.keys(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).outputs)).toEqual(['a.pdf', 'b.pdf']);
  });

  it('splits the per-town outputs into disjoint shards whose manifests merge', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ek-shards-'));
    const shardBuild = (index: number) =>
      build({ paths: { sources: 'sources', templates: 'templates' }, outDir: out, groups: ['briefs'], layout: 'separate', quiet: true, env: {}, shard: { index, count: 3 } });
    const written: number[] = [];
    for (const index of [1, 2, 3]) written.push((await shardBuild(index)).written);
    // 8 towns over 3 shards: 3, 3 and 2 towns, two briefs each.
    expect(written).toEqual([6, 6, 4]);
    expect(readdirSync(out).filter((f) => f.startsWith('manifest')).sort()).toEqual(['manifest.shard-1-of-3.json', 'manifest.shard-2-of-3.json', 'manifest.shard-3-of-3.json']);
    const merged = await build({ paths: { sources: 'sources', templates: 'templates' }, outDir: out, groups: ['briefs'], layout: 'separate', quiet: true, env: {} });
    expect(merged).toMatchObject({ code: 0, written: 0, upToDate: 16 });
    expect(readdirSync(out).filter((f) => f.startsWith('manifest'))).toEqual(['manifest.json']);
    expect(Object.keys(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).outputs)).toHaveLength(16);
  });
});

describe('the no-op build from the command line', () => {
  it('answers "nothing to do" without touching the output folder, and notices an edit', async () => {
    const { execFileSync } = await import('node:child_process');
    const sources = copySources();
    const out = mkdtempSync(join(tmpdir(), 'ek-noop-'));
    const cli = (...args: string[]) => execFileSync(process.execPath, ['dist/cli.js', 'build', '--only', 'model', '--sources', sources, '--out', out, ...args], { encoding: 'utf8' });
    cli('--quiet');
    const before = snapshot(out);
    expect(cli()).toBe('nothing to do: 2 outputs up to date\n');
    expect(snapshot(out)).toEqual(before);
    edit(join(sources, 'towns/zaisan.yaml'), /(\n {2}- year: )1941\n/, '$11940\n');
    expect(cli()).toMatch(/^wrote .*model\.json\nwrote .*CHANGES\.md\n2 written, 0 up to date\n$/);
  });
});

describe('ek-towns watch', () => {
  it('rebuilds on a save made right after it says it is watching, shows an error and keeps going, and stops on Ctrl-C', async () => {
    const sources = copySources();
    const out = mkdtempSync(join(tmpdir(), 'ek-watch-'));
    const child = spawn(process.execPath, ['dist/cli.js', 'watch', '--only', 'model', '--sources', sources, '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let saved = false;
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      // Saved the moment watch says it is watching (a save it once missed, before its watcher was ready).
      if (!saved && /^watching /m.test(stdout) && (saved = true)) edit(join(sources, 'towns/zaisan.yaml'), /(\n {2}- year: )1941\n/, '$11940\n');
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const printed = (pattern: RegExp) => vi.waitFor(() => expect(stdout).toMatch(pattern), { timeout: 60_000, interval: 50 });
    try {
      await printed(/changed .*zaisan\.yaml: 2 written/);
      const model = readFileSync(join(out, 'model.json'), 'utf8');
      expect(JSON.parse(model).towns.find((t: { slug: string }) => t.slug === 'zaisan').cityStatus.map((c: { year: number }) => c.year)).toEqual([1940]);
      appendFileSync(join(sources, 'towns/zaisan.yaml'), '\n  - [unclosed\n');
      await printed(/changed .*zaisan\.yaml: .*failed: /);
      expect(stderr).toMatch(/zaisan\.yaml:\d+:\d+/);
      expect(readFileSync(join(out, 'model.json'), 'utf8')).toBe(model);
    } finally {
      child.kill('SIGINT');
    }
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
  }, 120_000);
});

describe('when the file system says no', () => {
  const run = async (args: string[], preload?: string) => {
    const { spawnSync } = await import('node:child_process');
    const flags = preload ? ['--import', `data:text/javascript,${encodeURIComponent(preload)}`] : [];
    const result = spawnSync(process.execPath, [...flags, 'dist/cli.js', ...args], { encoding: 'utf8', timeout: 60_000 });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  const noStackTrace = (stderr: string) => expect(stderr.split('\n').filter((line) => /^\s+at |Error: |node:internal/.test(line))).toEqual([]);

  it('says, without hanging, that an --out it cannot make cannot be made', async () => {
    // Under /proc a parent answers ENOENT although it exists: Node's own recursive mkdir loops there for ever.
    const result = await run(['build', '--only', 'model', '--out', '/proc/ek-towns-test/output']);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toBe('ek-towns: --out "/proc/ek-towns-test/output" cannot be made: "/proc/ek-towns-test": no such file or folder (or it cannot be made there) (ENOENT)\n');
  });

  it('makes no output folder for a command it refuses', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ek-typo-')), 'output');
    expect((await run(['build', '--only', 'brefs', '--out', out])).code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('fails only the output a folder stands in the way of, keeps its record and the folder, and clean leaves the folder', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ek-in-the-way-'));
    expect((await run(['build', '--only', 'model', '--out', out, '--quiet'])).code).toBe(0);
    const recorded = readManifest(out).outputs['model.json'];
    rmSync(join(out, 'model.json'));
    mkdirSync(join(out, 'model.json'));
    writeFileSync(join(out, 'model.json', 'notes.txt'), 'mine');
    const result = await run(['build', '--only', 'model', '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`failed: ${out}/model.json: could not be written: a folder is in the way where a file should be (EISDIR); the previous file, if any, was kept\n`);
    expect(readManifest(out).outputs['model.json']).toEqual(recorded);
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock'))).toEqual([]);
    expect((await run(['clean', '--out', out])).code).toBe(0);
    expect(readFileSync(join(out, 'model.json', 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('says an unexpected failure in one line, without a stack trace, releases the lock and keeps what was written', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ek-eio-'));
    // The device fails once the outputs are written, where the build lists the folder for shards' manifests.
    const failingDisk = `import fs from 'node:fs'; import { syncBuiltinESMExports } from 'node:module';
      const readdir = fs.readdirSync;
      fs.readdirSync = (path, ...rest) => { if (String(path) === ${JSON.stringify(out)} && fs.existsSync(${JSON.stringify(join(out, 'CHANGES.md'))})) throw Object.assign(new Error('EIO: i/o error, scandir'), { code: 'EIO' }); return readdir(path, ...rest); };
      syncBuiltinESMExports();`;
    const result = await run(['build', '--only', 'model', '--out', out, '--quiet'], failingDisk);
    expect(result.code).toBe(1);
    noStackTrace(result.stderr);
    expect(result.stderr).toMatch(/^ek-towns: unexpected failure: EIO: i\/o error, scandir \(at \S+ \(file:\/\/\S+\/dist\/build\/run\.js:\d+:\d+\)\)\nOutputs written before it are whole\. If this is not a problem of the disk or permissions, please report it with the command you ran\.\n$/);
    expect(existsSync(join(out, '.ek-towns.lock'))).toBe(false);
    expect(JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'))).toHaveProperty('towns');
    // The next build, on a working disk, completes from there.
    expect((await run(['build', '--only', 'model', '--out', out, '--quiet'])).code).toBe(0);
  });
});
