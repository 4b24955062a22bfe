/**
 * A build of per-town outputs lets the loaded towns go once their inputs are hashed, and reads each town's file again
 * as its outputs are made (pipeline/build/town-files.ts): the same bytes, less memory, and a file changed meanwhile
 * is said, not printed from.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { planOutputs } from '../pipeline/build/outputs.js';
import { jobData, loadProject } from '../pipeline/build/project.js';
import { build } from '../pipeline/build/run.js';
import { letTownsGo } from '../pipeline/build/town-files.js';

function copySources(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ek-town-files-'));
  cpSync('sources', join(dir, 'sources'), { recursive: true });
  return join(dir, 'sources');
}

/** The project and its briefs, planned and hashed as a build does before it makes anything. */
function plannedBriefs(sources: string, modules = { loadProject, planOutputs }) {
  const loaded = modules.loadProject({ sources, templates: 'templates' }, {});
  const project = loaded.project!;
  const locators = { sources: loaded.sources.sources };
  const briefs = modules.planOutputs(project, locators, { layout: 'separate', withoutAnnex: true }).filter((o) => o.group === 'briefs');
  for (const brief of briefs) brief.inputs();
  return { project, locators, briefs };
}

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const provenanceOf = (path: string) => ({ output: path, inputs: 'test' });

describe('a build of per-town outputs', () => {
  it('holds no town once it has let them go, and makes each brief from its file again, the same bytes', async () => {
    const { project, briefs } = plannedBriefs(copySources());
    const zaisan = briefs.find((o) => o.path === 'briefs/es/zaisan.pdf')!;
    const before = await zaisan.produce(provenanceOf(zaisan.path));
    const towns = project.model.towns.flatMap((town) => [new WeakRef(town), new WeakRef(town.events)]);
    letTownsGo(project);
    // A WeakRef keeps its object until the current job ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    collectGarbage();
    expect(towns.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
    expect(project.model.towns).toHaveLength(0);

    const after = await zaisan.produce(provenanceOf(zaisan.path));
    expect(Buffer.from(after.bytes).equals(Buffer.from(before.bytes))).toBe(true);
    // What a worker is sent: the town read again, with its texts' origins (messages about them are placed in YAML).
    const job = jobData(project, 'zaisan');
    expect(job.towns.map((t) => t.slug)).toEqual(['zaisan']);
    expect(job.origins.some(([text, origin]) => text === job.towns[0]!.name && origin.file.endsWith('towns/zaisan.yaml'))).toBe(true);
  });

  it('keeps no earlier build’s model for the briefs: only CHANGES.md and the index page compare with it', async () => {
    const { project, locators } = plannedBriefs(copySources());
    // As output/model.json gives it, made and dropped here: only what planOutputs keeps can keep it.
    const plan = () => {
      const previous = JSON.parse(JSON.stringify(project.model)) as typeof project.model;
      const briefs = planOutputs(project, locators, { layout: 'separate', previous }).filter((o) => o.group === 'briefs');
      return { briefs, previous: new WeakRef(previous) };
    };
    const { briefs, previous } = plan();
    await new Promise((resolve) => setTimeout(resolve, 0));
    collectGarbage();
    expect(previous.deref()).toBeUndefined();
    expect(briefs).toHaveLength(project.model.towns.length * 2);
  });

  it('says which town file changed after it was read, skips only that town, and sends the workers the others', async () => {
    // The compiled modules, as worker threads run them (dist/build/worker.js).
    const dist = async <T>(module: string) => (await import(join(process.cwd(), 'dist/build', `${module}.js`))) as T;
    const { loadProject: load, jobData: dataOf, shareProject: share } = await dist<typeof import('../pipeline/build/project.js')>('project');
    const { planOutputs: plan } = await dist<typeof import('../pipeline/build/outputs.js')>('outputs');
    const { letTownsGo: letGo } = await dist<typeof import('../pipeline/build/town-files.js')>('town-files');
    const { produceAll: produce } = await dist<typeof import('../pipeline/build/pool.js')>('pool');
    const sources = copySources();
    const { project, locators, briefs } = plannedBriefs(sources, { loadProject: load, planOutputs: plan });
    letGo(project);
    const file = join(sources, 'towns/zaisan.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/\n {2}- year: 1941\n/, '\n  - year: 1940\n'));
    const chosen = ['briefs/en/zaisan.pdf', 'briefs/en/ridder.pdf', 'briefs/es/zaisan.pdf'].map((path) => briefs.find((o) => o.path === path)!);
    const jobs = chosen.map((output) => ({ output, provenance: provenanceOf(output.path), data: () => dataOf(project, output.town) }));
    const outcomes = [];
    // Two workers: the changed town is found as its job is handed out, on this thread.
    for await (const outcome of produce(jobs, 2, () => ({ paths: { sources, templates: 'templates' }, project: share(project, locators), layout: 'separate' }))) {
      outcomes.push(outcome);
    }
    const changed = `not rebuilt: ${file} changed while the build ran; build again to make it from the file as it is now`;
    expect(outcomes.map((o) => o.kind)).toEqual(['skipped', 'made', 'skipped']);
    expect(outcomes[0]).toEqual({ kind: 'skipped', reason: changed });
    // On this thread too (one thread, or a worker that ran out of memory).
    await expect(chosen[0]!.produce(provenanceOf(chosen[0]!.path))).rejects.toThrow(changed);
  });

  it('keeps the earlier brief of a town whose file changed during the build, says why, and makes the rest', async () => {
    const sources = copySources();
    const out = mkdtempSync(join(tmpdir(), 'ek-town-files-out-'));
    const stderr: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true));
    try {
      const options = { paths: { sources, templates: 'templates' }, outDir: out, groups: ['briefs' as const], layout: 'separate' as const, quiet: true, env: {} };
      expect((await build(options)).code).toBe(0);
      const earlier = readFileSync(join(out, 'briefs/en/ridder.pdf'));
      const file = join(sources, 'towns/ridder.yaml');
      const edit = (from: string, to: string) => writeFileSync(file, readFileSync(file, 'utf8').replace(from, to));
      edit('Extraction of metal ores', 'Extraction of metal ores (edited)');
      // build() reads the sources and lets the towns go before its first await: this edit lands mid-build.
      const rebuild = build(options);
      edit('metal ores (edited)', 'metal ores (edited again)');
      const result = await rebuild;
      expect(result.code).toBe(1);
      expect(result.failed).toEqual(['briefs/en/ridder.pdf', 'briefs/es/ridder.pdf']);
      expect(stderr.join('')).toContain(`failed: ${out}/briefs/en/ridder.pdf: not rebuilt: ${file} changed while the build ran`);
      expect(readFileSync(join(out, 'briefs/en/ridder.pdf')).equals(earlier)).toBe(true);
      // The next build makes them from the file as it is.
      stderr.length = 0;
      expect(await build(options)).toMatchObject({ code: 0, written: 2 });
    } finally {
      spy.mockRestore();
    }
  });
});
