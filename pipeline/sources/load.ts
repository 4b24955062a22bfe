import { VFile } from 'vfile';
import { z } from 'zod';
import { crossCheck } from './cross-check.js';
import { checkMarkdownFields } from './markdown-fields.js';
import { type Model, type TownModel, toTownModel } from './model.js';
import { townRemains, type TownRemains } from './remains.js';
import * as schema from './schema.js';
import { checkTranslations, currentLock, lockFileName, type TranslationLock } from './translations.js';
import { readYaml, type YamlLocator } from './yaml-file.js';
import { describeIssues, formatFieldPath } from './zod-messages.js';

export interface SourceFile {
  /** Path as the user sees it, e.g. `sources/towns/ridder.yaml`. */
  path: string;
  bytes: Uint8Array;
  /**
   * The bytes read again, for a message placed after loading (readSourceTree gives it): then the loaded project need
   * not keep them, which for many towns is most of what it would hold.
   */
  readAgain?: () => Uint8Array;
}

/** Where each source file's fields are, by path: what a message about generated text is traced back to. */
export type SourceLocators = Pick<LoadResult, 'sources'>;

export interface LoadResult {
  /** Present only when no file has an error. */
  model?: Model;
  /** One vfile per source, carrying its errors and warnings. */
  files: VFile[];
  /** Parsed sources by path, to point messages from later stages back at YAML fields. */
  sources: Map<string, YamlLocator>;
  /** The file and field path of every object in the model (bilingual texts, events…). */
  origins: WeakMap<object, Origin>;
  /**
   * Town and programme files with errors. They are left out of the model and everything else is still built;
   * outputs that need them fail (see pipeline/build/outputs.ts). An error anywhere else stops the build.
   */
  broken: string[];
  /** The slug, name and coordinates that still validate in each broken town file, for the other towns' maps. */
  brokenTowns: TownRemains[];
  /** Bilingual texts whose Spanish was never confirmed (see translations.ts). */
  unconfirmedTranslations: number;
  /** The translation lock as `confirm-translations` would write it now (worked out when asked: a build never does). */
  confirmedLock: () => TranslationLock;
}

/** Where an object of the model was written: a source file and the field path inside it. */
export interface Origin { file: string; path: (string | number)[] }

type Role = 'dataset' | 'region' | 'stages' | 'references' | 'town' | 'program' | 'lock';
const lockSchema = z.record(z.string(), z.record(z.string(), z.string()));
const schemas: Record<Role, z.ZodType> = {
  lock: lockSchema,
  dataset: schema.datasetFile,
  region: schema.regionFile,
  stages: schema.stagesFile,
  references: schema.referencesFile,
  town: schema.town,
  program: schema.programFile,
};
const singleFiles: Record<string, Role> = {
  'dataset.yaml': 'dataset', 'region.yaml': 'region', 'stages.yaml': 'stages', 'references.yaml': 'references',
  [lockFileName]: 'lock',
};

function roleOf(relative: string): Role | undefined {
  if (singleFiles[relative]) return singleFiles[relative];
  if (/^towns\/[^/]+\.yaml$/.test(relative)) return 'town';
  if (/^programs\/[^/]+\.yaml$/.test(relative)) return 'program';
  return undefined;
}

/** Source files (already read) → the validated model, with every problem located in its file. Pure. */
export function loadSources(root: string, inputs: SourceFile[]): LoadResult {
  const files: VFile[] = [];
  const sources = new Map<string, YamlLocator>();
  // What each town file gives its neighbours' maps, should it turn out broken (its parse is not kept).
  const remains = new Map<string, TownRemains>();
  const valid: { role: Role; file: string; data: unknown }[] = [];
  const sorted = [...inputs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (inputs.length === 0) {
    // One message instead of one per missing file: most likely the folder given is not the sources folder.
    const file = new VFile({ path: root });
    file.message('no source files here: the folder is missing or empty (is --sources right?)', {
      place: { line: 1, column: 1 }, ruleId: 'missing-source-file', source: 'ek-towns',
    }).fatal = true;
    return { files: [file], sources, origins: new WeakMap(), broken: [root], brokenTowns: [], unconfirmedTranslations: 0, confirmedLock: () => ({}) };
  }

  for (const input of sorted) {
    const file = new VFile({ path: input.path });
    files.push(file);
    const role = roleOf(input.path.slice(root.length + 1));
    if (!role) {
      file.message('not a known source file; ignored (expected dataset, region, stages, references, towns/*, programs/*)', {
        place: { line: 1, column: 1 }, ruleId: 'unknown-source-file', source: 'ek-towns',
      });
      continue;
    }
    const source = readYaml(file, input.bytes, input.readAgain);
    if (role === 'town') remains.set(input.path, townRemains(input.path, source?.data));
    if (!source) continue;
    const result = schemas[role].safeParse(source.data);
    if (result.success) {
      // A narrative's unsafe link makes the file broken (left out of the model), like a schema error.
      for (const problem of checkMarkdownFields(schemas[role], result.data)) fatal(file, source, problem.path, 'value', problem.reason);
      valid.push({ role, file: input.path, data: result.data });
    } else {
      for (const problem of describeIssues(result.error.issues, source.valueAt)) fatal(file, source, problem.path, problem.at, problem.reason);
    }
    // Only the file's text is kept from here on (later checks that find a problem parse it again): memory stays
    // flat however many towns there are.
    sources.set(input.path, source.locator());
  }

  const present = new Set(files.map((f) => roleOf(f.path.slice(root.length + 1))));
  const missing = Object.entries(singleFiles).filter(([, role]) => role !== 'lock' && !present.has(role)).map(([name]) => `${root}/${name}`);
  if (!present.has('town')) missing.push(`${root}/towns/*.yaml`);
  for (const path of missing) {
    const file = new VFile({ path });
    file.message('required source file is missing', { place: { line: 1, column: 1 }, ruleId: 'missing-source-file', source: 'ek-towns' }).fatal = true;
    files.push(file);
  }

  const one = <T>(role: Role) => valid.find((v) => v.role === role) as { file: string; data: T } | undefined;
  const all = <T>(role: Role) => valid.filter((v) => v.role === role) as { file: string; data: T }[];
  const stages = one<z.infer<typeof schema.stagesFile>>('stages');
  const references = one<z.infer<typeof schema.referencesFile>>('references');
  const towns = all<schema.Town>('town');
  const programs = all<schema.Program>('program');
  const problems = crossCheck({
    towns: towns.map((t) => ({ file: t.file, town: t.data })),
    stages: stages && { file: stages.file, stages: stages.data.stages },
    references: references && { file: references.file, references: references.data.references },
    programs: programs.map((p) => ({ file: p.file, program: p.data })),
    townFiles: inputs.map((i) => i.path).filter((path) => roleOf(path.slice(root.length + 1)) === 'town'),
    cited: valid.filter((v) => v.role !== 'references' && v.role !== 'lock').map((v) => ({ file: v.file, value: v.data })),
  });
  for (const problem of problems) {
    const file = files.find((f) => f.path === problem.file)!;
    fatal(file, sources.get(problem.file)!, problem.path, problem.at, problem.reason);
  }

  const data = valid.filter((v) => v.role !== 'lock');
  const relative = (path: string) => path.slice(root.length + 1);
  const lock = (one<TranslationLock>('lock')?.data ?? {});
  const { unconfirmed } = checkTranslations(
    data.map((v) => ({ relative: relative(v.file), file: files.find((f) => f.path === v.file)!, source: sources.get(v.file)!, data: v.data })),
    lock,
  );
  const lockFiles = data.map((v) => ({ relative: relative(v.file), data: v.data }));
  const confirmedLock = lockWhenAsked(lockFiles);
  const translations = { unconfirmedTranslations: unconfirmed, confirmedLock };
  const origins = new WeakMap<object, Origin>();
  for (const { file, data: value } of data) indexOrigins(value, file, [], origins);
  const failedFiles = files.filter((f) => f.messages.some((m) => m.fatal)).map((f) => f.path);
  const isolatable = (path: string) => inputs.some((i) => i.path === path) && /^\/(towns|programs)\/[^/]+\.yaml$/.test(path.slice(root.length));
  const brokenTowns = failedFiles.filter((path) => isolatable(path) && roleOf(relative(path)) === 'town').map((path) => remains.get(path) ?? townRemains(path, undefined));
  if (failedFiles.some((path) => !isolatable(path))) return { files, sources, origins, broken: failedFiles, brokenTowns, ...translations };
  const broken = new Set(failedFiles);
  const region = one<schema.Region>('region')!;
  const dataset = one<z.infer<typeof schema.datasetFile>>('dataset')!;
  const model: Model = {
    dataset: dataset.data,
    region: region.data,
    stages: stages!.data.stages,
    towns: towns.filter((t) => !broken.has(t.file)).map((t) => toTownModel(t.data)),
    references: references!.data.references,
    programs: programs.filter((p) => !broken.has(p.file)).map((p) => p.data),
  };
  return { model, files, sources, origins, broken: [...broken], brokenTowns, ...translations };
}

/**
 * One town file read again after loadSources validated it with the rest (a build that let its towns go, see
 * build/town-files.ts): the town as the model holds it, its texts' origins added to `origins`; undefined if it no
 * longer parses or fits the schema. What spans files is not checked again: the caller compares the town with the one
 * validated.
 */
export function loadTownFile(path: string, bytes: Uint8Array, origins: WeakMap<object, Origin>): TownModel | undefined {
  const source = readYaml(new VFile({ path }), bytes);
  const result = source && schema.town.safeParse(source.data);
  if (!result?.success) return undefined;
  indexOrigins(result.data, path, [], origins);
  return toTownModel(result.data);
}

/** The file and field of each bilingual text: what the templates print, and messages about it are traced back to. */
function indexOrigins(value: unknown, file: string, path: (string | number)[], origins: WeakMap<object, Origin>): void {
  if (!value || typeof value !== 'object') return;
  if ('en' in value) return void origins.set(value, { file, path });
  if (Array.isArray(value)) value.forEach((item, i) => indexOrigins(item, file, [...path, i], origins));
  else for (const [key, child] of Object.entries(value)) indexOrigins(child, file, [...path, key], origins);
}

function fatal(file: VFile, source: YamlLocator, path: (string | number)[], at: 'key' | 'value', reason: string): void {
  const field = formatFieldPath(path);
  const message = file.message(field ? `${field}: ${reason}` : reason, {
    place: source.locate(path, at), ruleId: 'invalid-field', source: 'ek-towns',
  });
  message.fatal = true;
}

/**
 * The lock, worked out when asked. Made outside loadSources: a closure made in there would share its scope with the
 * others there, and so keep every file's bytes (`inputs`) for as long as the project lives.
 */
function lockWhenAsked(files: Parameters<typeof currentLock>[0]): () => TranslationLock {
  return () => currentLock(files);
}
