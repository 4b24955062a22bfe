import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { VFile } from 'vfile';
import { documentTemplates, type Project } from '../documents/context.js';
import { createHelpers } from '../render/helpers.js';
import { languages, loadLabels } from '../render/labels.js';
import { compileTemplates, templateName } from '../render/templates.js';
import type { Lang } from '../write/options.js';
import { hashBytes, hashJson, pipelineVersion } from './fingerprint.js';
import { loadSources, type LoadResult, type SourceFile } from '../sources/load.js';
import { readSourceTree } from '../sources/read.js';
import type { Model } from '../sources/model.js';

export interface ProjectPaths { sources: string; templates: string }

/** Reads sources, label catalogs and templates: the filesystem edge before the in-memory core. */
/**
 * `previous` is the last good model (output/model.json): where a town file is broken, its name and position
 * still go on the other towns' maps.
 */
export function loadProject(paths: ProjectPaths, env: NodeJS.ProcessEnv, previous?: Model): { project?: Project; files: VFile[]; sources: LoadResult } {
  const sources = loadSources(paths.sources, readSourceTree(paths.sources));
  const files = [...sources.files];
  const templateTree = readSourceTree(paths.templates);
  const missing = missingTemplateFiles(paths.templates, templateTree);
  files.push(...missing);
  if (missing.length > 0) return { files, sources };
  const catalogs = Object.fromEntries(
    languages.map((lang): [Lang, SourceFile] => [lang, { path: catalogPath(paths.templates, lang), bytes: readFileSync(catalogPath(paths.templates, lang)) }]),
  ) as Parameters<typeof loadLabels>[0];
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
  const brokenSlugs = new Set(sources.broken.map((path) => basename(path, '.yaml')));
  const mapTowns = [
    ...model.towns,
    ...(previous?.towns ?? []).filter((t) => brokenSlugs.has(t.slug) && !model.towns.some((m) => m.slug === t.slug)),
  ].map((t) => ({ slug: t.slug, name: t.name, coordinates: t.coordinates })).sort((a, b) => (a.slug < b.slug ? -1 : 1));
  return { project: { model, labels, templates, helpers, origins: sources.origins, date, hashes, broken: sources.broken, mapTowns }, files, sources };
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
