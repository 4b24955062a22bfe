/**
 * The build's worker threads (pipeline/build/pool.ts): however many threads make the outputs, the files, the
 * manifest's records, the messages and the exit code are the same as on one thread.
 */
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { build } from '../pipeline/build/run.js';

const run = promisify(execFile);

async function buildOn(threads: number, sources: string, out: string) {
  const result = await run(process.execPath, ['dist/cli.js', 'build', '--sources', sources, '--out', out, '--jobs', String(threads)])
    .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }))
    .catch((error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }));
  // The output folder's name differs between the two builds; what is said of it must not.
  const said = (text: string) => text.replaceAll(out, '<out>').split('\n').filter((line) => !line.includes('javaldx'));
  return { code: result.code, stdout: said(result.stdout), stderr: said(result.stderr) };
}

/** Every file's bytes; the manifest without the times and stamp that tell one build from another. */
function contents(out: string): Map<string, string> {
  const files = readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(out, f)).isFile()).sort();
  return new Map(files.map((f) => {
    const bytes = readFileSync(join(out, f));
    if (f !== 'manifest.json') return [f, bytes.toString('base64')];
    const manifest = JSON.parse(bytes.toString('utf8')) as { outputs: Record<string, { mtimeMs?: number }> };
    for (const record of Object.values(manifest.outputs)) delete record.mtimeMs;
    return [f, JSON.stringify(manifest.outputs)];
  }));
}

describe('building on several threads', () => {
  it('gives the same files, manifest, messages and exit code as one thread, a located error included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ek-pool-'));
    const sources = join(dir, 'sources');
    cpSync('sources', sources, { recursive: true });
    // A character Roboto lacks: Zaisan's English brief (and the annex PDF) fail with an error placed at the YAML field,
    // found on a worker.
    const town = join(sources, 'towns', 'zaisan.yaml');
    writeFileSync(town, readFileSync(town, 'utf8').replace(/(\n {2}text:\n {4}en: )/, '$1⛏ '));
    const [one, three] = [await buildOn(1, sources, join(dir, 'one')), await buildOn(3, sources, join(dir, 'three'))];
    expect(one.code).toBe(1);
    expect(one.stderr.some((line) => /zaisan\.yaml:\d+:\d+ error: .*U\+26CF/.test(line))).toBe(true);
    expect(one.stderr).toContain('failed: <out>/briefs/en/zaisan.pdf: see the errors above; the previous file, if any, was kept');
    expect(three).toEqual(one);
    const [a, b] = [contents(join(dir, 'one')), contents(join(dir, 'three'))];
    expect([...b.keys()]).toEqual([...a.keys()]);
    expect(a.size).toBeGreaterThan(30);
    for (const [file, bytes] of a) expect(b.get(file), file).toBe(bytes);
  }, 240_000);

  it('makes every output on the main thread when no worker can start', async () => {
    // Run from the TypeScript sources, as here, the workers' compiled script does not exist: each worker fails to start.
    const out = mkdtempSync(join(tmpdir(), 'ek-pool-fallback-'));
    const result = await build({ paths: { sources: 'sources', templates: 'templates' }, outDir: out, groups: ['briefs'], layout: 'separate', quiet: true, env: {}, jobs: 2 });
    expect(result).toMatchObject({ code: 0, written: 16, failed: [] });
    expect(readdirSync(join(out, 'briefs', 'es'))).toHaveLength(8);
  }, 120_000);

  it('stopped by Ctrl-C while workers make briefs: no temporary file or lock left, and the next build keeps what was done', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ek-pool-interrupt-'));
    const child = spawn(process.execPath, ['dist/cli.js', 'build', '--only', 'model,briefs', '--jobs', '2', '--out', out, '--quiet'], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const briefs = () => (existsSync(join(out, 'briefs')) ? readdirSync(join(out, 'briefs'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.pdf')).length : 0);
    while (briefs() < 3 && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 5));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const left = readdirSync(out, { recursive: true, encoding: 'utf8' });
    expect(left.filter((f) => f.endsWith('.tmp') || f.endsWith('.lock'))).toEqual([]);
    const done = briefs();
    const next = await run(process.execPath, ['dist/cli.js', 'build', '--only', 'model,briefs', '--jobs', '2', '--out', out]);
    const [, written, upToDate] = /(\d+) written, (\d+) up to date/.exec(next.stdout) ?? [];
    expect(Number(upToDate)).toBeGreaterThanOrEqual(done);
    expect(Number(written) + Number(upToDate)).toBe(18); // the model, 16 briefs and CHANGES.md
    expect(existsSync(join(out, 'manifest.journal'))).toBe(false);
  }, 120_000);
});
