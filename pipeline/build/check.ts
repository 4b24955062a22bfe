import type { VFile } from 'vfile';
import { loadAnnexTables } from '../annex/index.js';
import { localiseTable } from '../annex/localise.js';
import type { AnnexTable } from '../annex/table.js';
import { DiagnosticsError, formatMessage } from '../diagnostics.js';
import { annexDocument } from '../documents/annex.js';
import { briefMarkdown } from '../documents/brief.js';
import type { Project } from '../documents/context.js';
import { previewDocument } from '../documents/preview.js';
import { reportMarkdown } from '../documents/report.js';
import type { RenderState } from '../render/helpers.js';
import { languages } from '../render/labels.js';
import type { LoadResult } from '../sources/load.js';
import type { Lang } from '../write/options.js';
import { describeChanges } from './changes.js';
import { parsePart, planOutputs } from './outputs.js';
import { loadProject, type ProjectPaths } from './project.js';

/**
 * `ek-towns check`: the sources, label catalogs, templates and annex specs, then every document's Markdown rendered
 * as a build renders it, writing nothing. Prints each problem located; returns the exit code.
 */
export function check(paths: ProjectPaths, env: NodeJS.ProcessEnv): number {
  const print = (lines: string[]) => lines.forEach((line) => process.stderr.write(`${line}\n`));
  const { project, files, sources } = loadProject(paths, env);
  print(files.flatMap((f) => f.messages.map(formatMessage)));
  if (!project || project.broken.length > 0) return 1;
  const { model } = project;
  const annex = loadAnnexTables(paths.templates, model, project.labels);
  print(annex.files.flatMap((f) => f.messages.map(formatMessage)));
  const renderErrors = renderEveryDocument(project, sources, annex.tables);
  print(renderErrors);
  if (!annex.tables || renderErrors.length > 0) return 1;
  const { unconfirmedTranslations } = sources;
  if (unconfirmedTranslations > 0) {
    process.stdout.write(`note: ${unconfirmedTranslations} Spanish texts are not yet confirmed; after review, run \`ek-towns confirm-translations\`\n`);
  }
  process.stdout.write(`ok: ${model.towns.length} towns, ${model.stages.length} stages, ${model.references.length} references, ${model.programs.length} programme files (data ${model.dataset.version})\n`);
  return 0;
}

/**
 * Renders and parses the Markdown of every document a build makes — each town's brief, the report and the annex in
 * every language, the preview page — without figures or writers, which are most of a build's time. A template that
 * reads a missing field, or writes an unknown directive or a link to an unknown #id, fails here with the build's
 * located error. Each error is returned once, however many documents hit it. Without `tables` (the annex specs have
 * errors, reported apart), the annex is left out.
 */
export function renderEveryDocument(project: Project, sources: LoadResult, tables: AnnexTable[] | undefined): string[] {
  const errors = new Set<string>();
  const attempt = (document: string, lang: Lang, render: () => { file: VFile; state: RenderState }) => {
    try {
      parsePart(project, sources, lang, render());
    } catch (error) {
      // As in a build: a located problem as such, anything else is our bug, said in one line.
      if (error instanceof DiagnosticsError) error.messages.forEach((m) => errors.add(formatMessage(m)));
      else errors.add(`internal error while rendering ${document}: ${(error as Error).message ?? String(error)} (please report it with the command you ran)`);
    }
  };
  const { model, labels } = project;
  for (const lang of languages) {
    for (const town of model.towns) attempt(`the ${lang} brief of ${town.slug}`, lang, () => briefMarkdown(project, town, lang));
    attempt(`the ${lang} report`, lang, () => reportMarkdown(project, lang));
    if (tables) attempt(`the ${lang} annex`, lang, () => annexDocument(project, tables.map((t) => localiseTable(t, lang, labels, model.references)), lang));
  }
  // The preview links to every output of a full build; it has no earlier build to compare with here.
  const paths = planOutputs(project, sources, { layout: 'separate' }).map((o) => o.path);
  attempt('the preview', 'en', () => previewDocument(project, paths, describeChanges(undefined, model)));
  return [...errors];
}
