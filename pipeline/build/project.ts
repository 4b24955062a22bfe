import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VFile } from 'vfile';
import { documentTemplates, type Project } from '../documents/context.js';
import { createHelpers } from '../render/helpers.js';
import { languages, loadLabels } from '../render/labels.js';
import { compileTemplates, templateName } from '../render/templates.js';
import type { Lang } from '../write/options.js';
import { hashBytes, hashJson, pipelineVersion } from './fingerprint.js';
import { placeTowns } from './map-towns.js';
import { townOf } from './town-files.js';
import { loadSources, type LoadResult, type Origin, type SourceFile, type SourceLocators } from '../sources/load.js';
import { lazyYamlLocator } from '../sources/yaml-file.js';
import { readSourceTree } from '../sources/read.js';
import type { Model } from '../sources/model.js';

export interface ProjectPaths { sources: string; templates: string }

/**
 * Reads sources, label catalogs and templates: the filesystem edge before the in-memory core. `previous` is the last
 * good model (output/model.json): where a broken town file no longer gives its name or position, that model's do.
 */
export function loadProject(paths: ProjectPaths, env: NodeJS.ProcessEnv, previous?: Model): { project?: Project; files: VFile[]; sources: LoadResult } {
  const sources = loadSources(paths.sources, readSourceTree(paths.sources));
  const files = [...sources.files];
  const templateTree = readSourceTree(paths.templates);
  const missing = missingTemplateFiles(paths.templates, templateTree);
  files.push(...missing);
  if (missing.length > 0) return { files, sources };
  const catalogs = readCatalogs(paths);
  const { labels, files: labelFiles } = loadLabels(catalogs);
  files.push(...labelFiles);
  if (!sources.model || !labels) return { files, sources };

  const helpers = createHelpers(sources.model.references, labels, sources.origins);
  const templateFiles = templateTree.filter((f) => f.path.endsWith('.hbs'));
  const { templates, files: templateMessages } = compileTemplates(paths.templates, templateFiles, helpers, labels);
  files.push(...templateMessages);
  const broken = new Set(sources.broken);
  if (files.some((f) => !broken.has(f.path) && f.messages.some((m) => m.fatal))) return { files, sources };
  const hashes = {
    templates: new Map(templateFiles.map((f) => [templateName(paths.templates, f.path), hashBytes(f.bytes)])),
    labels: Object.fromEntries(languages.map((lang) => [lang, hashBytes(catalogs[lang].bytes)])) as Record<Lang, string>,
    templateDir: hashJson(templateTree.map((f) => [f.path, hashBytes(f.bytes)])),
    pipeline: pipelineVersion(),
  };
  const date = buildDate(sources.model.dataset.date, env);
  const { model } = sources;
  const { placed: mapTowns, unplaced } = placeTowns(model, sources.brokenTowns, previous);
  return { project: { model, labels, templates, helpers, origins: sources.origins, date, hashes, broken: sources.broken, mapTowns, unplaced }, files, sources };
}

/**
 * A loaded project as it can be handed to a worker thread (pool.ts): plain data, with the origin of each bilingual
 * text as a list (a WeakMap cannot be copied; the list's objects are the model's own once copied with it). Its model
 * has no towns and no programmes: each job brings those it reads (jobData), so a worker holds one town at a time
 * for a brief, not a thousand.
 */
export type SharedProject = Omit<Project, 'labels' | 'templates' | 'helpers' | 'origins'> & { origins: [object, Origin][]; sourcePaths: string[] };

/** The towns and programmes a job reads, with their texts' origins. */
export interface JobData {
  towns: Model['towns'];
  programs: Model['programs'];
  origins: [object, Origin][];
}

export function shareProject(project: Project, sources: SourceLocators): SharedProject {
  const { labels, templates, helpers, origins, model, ...data } = project;
  const slim = { ...model, towns: [], programs: [] };
  return { ...data, model: slim, origins: originsIn(slim, origins), sourcePaths: [...sources.sources.keys()] };
}

/**
 * What a job needs besides the shared project: its own town for a per-town output (read again if the build let the
 * towns go, so this throws SkippedOutput if its file changed since), else every town and programme.
 */
export function jobData(project: Project, town: string | undefined): JobData {
  const { model } = project;
  const towns = town === undefined ? model.towns : [townOf(project, town)];
  const programs = town === undefined ? model.programs : [];
  return { towns, programs, origins: originsIn({ towns, programs }, project.origins) };
}

function originsIn(value: unknown, origins: WeakMap<object, Origin>): [object, Origin][] {
  const list: [object, Origin][] = [];
  const walk = (item: unknown): void => {
    if (!item || typeof item !== 'object') return;
    const origin = origins.get(item);
    if (origin) list.push([item, origin]);
    else for (const child of Object.values(item)) walk(child);
  };
  walk(value);
  return list;
}

/**
 * The project again from what the main thread loaded, for one job at a time (`projectFor`): the model as validated
 * there (no YAML is read again) with the job's towns and programmes, the labels and templates compiled afresh
 * (functions do not cross threads). A message placed in a source file reads that file when it is needed.
 */
export function unshareProject(paths: ProjectPaths, shared: SharedProject): { projectFor?: (job: JobData) => Project; sources: SourceLocators } {
  const { origins: list, sourcePaths, ...data } = shared;
  // Each job's texts are added as it comes; an entry goes with its text once the job is done.
  const origins = new WeakMap(list);
  const sources = { sources: new Map(sourcePaths.map((path) => [path, lazyYamlLocator(path, () => readFileSync(path, 'utf8'))])) };
  const { labels } = loadLabels(readCatalogs(paths));
  if (!labels) return { sources };
  const helpers = createHelpers(data.model.references, labels, origins);
  const templateFiles = readSourceTree(paths.templates).filter((f) => f.path.endsWith('.hbs'));
  const { templates } = compileTemplates(paths.templates, templateFiles, helpers, labels);
  const projectFor = (job: JobData): Project => {
    for (const [text, origin] of job.origins) origins.set(text, origin);
    return { ...data, model: { ...data.model, towns: job.towns, programs: job.programs }, labels, templates, helpers, origins };
  };
  return { projectFor, sources };
}

function readCatalogs(paths: ProjectPaths): Parameters<typeof loadLabels>[0] {
  return Object.fromEntries(
    languages.map((lang): [Lang, SourceFile] => [lang, { path: catalogPath(paths.templates, lang), bytes: readFileSync(catalogPath(paths.templates, lang)) }]),
  ) as Parameters<typeof loadLabels>[0];
}

const catalogPath = (root: string, lang: Lang) => join(root, 'i18n', `${lang}.yaml`);

/**
 * What the templates folder must hold, said before anything in it is read: one message for a folder that is missing
 * or empty (most likely a wrong --templates, as for --sources), else one per missing label catalog or document template.
 */
function missingTemplateFiles(root: string, tree: SourceFile[]): VFile[] {
  const missing = (path: string, reason: string) => {
    const file = new VFile({ path });
    file.message(reason, { place: { line: 1, column: 1 }, ruleId: 'missing-template-file', source: 'ek-towns' }).fatal = true;
    return file;
  };
  if (tree.length === 0) return [missing(root, 'no templates here: the folder is missing or empty (is --templates right?)')];
  return [
    ...languages.map((lang) => catalogPath(root, lang)).filter((path) => !existsSync(path)).map((path) => missing(path, 'required label catalog is missing')),
    ...documentTemplates.map((name) => join(root, `${name}.md.hbs`)).filter((path) => !existsSync(path)).map((path) => missing(path, 'required template is missing')),
  ];
}

/** SOURCE_DATE_EPOCH (seconds) when set, as reproducible-builds.org defines it; else the data's release date. */
export function buildDate(datasetDate: string, env: NodeJS.ProcessEnv): Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000);
  return new Date(`${datasetDate}T00:00:00Z`);
}
