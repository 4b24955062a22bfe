import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VFile } from 'vfile';
import type { Project } from '../documents/context.js';
import { createHelpers } from '../render/helpers.js';
import { languages, loadLabels } from '../render/labels.js';
import { compileTemplates, templateName } from '../render/templates.js';
import type { Lang } from '../write/options.js';
import { hashBytes, hashJson, pipelineVersion } from './fingerprint.js';
import { placeTowns } from './map-towns.js';
import { loadSources, type LoadResult } from '../sources/load.js';
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
  const catalogPath = (lang: string) => join(paths.templates, 'i18n', `${lang}.yaml`);
  const catalogs = Object.fromEntries(
    languages.map((lang) => [lang, { path: catalogPath(lang), bytes: existsSync(catalogPath(lang)) ? readFileSync(catalogPath(lang)) : new Uint8Array() }]),
  ) as Parameters<typeof loadLabels>[0];
  const { labels, files: labelFiles } = loadLabels(catalogs);
  files.push(...labelFiles);
  if (!sources.model || !labels) return { files, sources };

  const helpers = createHelpers(sources.model.references, labels, sources.origins);
  const templateTree = readSourceTree(paths.templates);
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

/** SOURCE_DATE_EPOCH (seconds) when set, as reproducible-builds.org defines it; else the data's release date. */
export function buildDate(datasetDate: string, env: NodeJS.ProcessEnv): Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000);
  return new Date(`${datasetDate}T00:00:00Z`);
}
