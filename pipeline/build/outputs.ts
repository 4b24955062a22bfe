import { basename, dirname } from 'node:path';
import type { Root } from 'mdast';
import type { VFileMessage } from 'vfile-message';
import { DiagnosticsError } from '../diagnostics.js';
import { annexOutputs } from '../documents/annex.js';
import { briefDocument, mapTownsOf, unplacedOnMap } from '../documents/brief.js';
import type { UnplacedTown } from './map-towns.js';
import { joinLanguages } from '../documents/bilingual.js';
import { reportDocument } from '../documents/report.js';
import type { OutputGroup, ReportLayout } from './choices.js';
import { documentMeta, label, type Project } from '../documents/context.js';
import { markdownToTree } from '../markdown/index.js';
import { resolveLinkTargets } from '../markdown/link-targets.js';
import { traceMessage } from '../render/trace.js';
import type { SourceLocators } from '../sources/load.js';
import type { Model, TownModel } from '../sources/model.js';
import { type Changes, changesMarkdown, describeChanges, describeTableChanges, summaryOf } from './changes.js';
import { loadAnnexTables } from '../annex/index.js';
import { localiseTable } from '../annex/localise.js';
import { previewDocument } from '../documents/preview.js';
import type { Lang, Provenance, WriteOptions } from '../write/options.js';
import { hashBytes, hashJson } from './fingerprint.js';
import { type Rendered, renderedPart, sharedPart } from './shared-parts.js';
import { SkippedOutput } from './produce.js';
import { townHash, townOf } from './town-files.js';
import { languages } from '../render/labels.js';

/** One file the build writes, and how to make its bytes in memory. */
export interface Output {
  path: string;
  group: OutputGroup;
  /** The town of a per-town job: what `--shard k/n` splits. */
  town?: string;
  /**
   * Hashes of exactly what the output is made from, by name: the output is rebuilt when one changes, and its file
   * carries their combined hash (its provenance). A brief's are the data records, template and labels it reads; a
   * document made from the whole model (the report, the annex) gives what its writer is given (see writerInputs).
   * A function, as some cost a render: only the outputs a build asks for are worked out.
   */
  inputs(): Record<string, string>;
  /**
   * How much work making it is, about, against a brief's 1. An output with a weight is worth a worker thread
   * (pool.ts); one without is quick, or must be made on the main thread.
   */
  weight?: number;
  produce(provenance: Provenance): Promise<{ bytes: Uint8Array; messages: VFileMessage[] }>;
}

/**
 * What a writer is given, hashed: a document's Markdown in one language, the options it is written with (meta
 * without the provenance, which is made from this; labels; figures) and the label catalog its parse reads. Writers
 * are pure functions of these and the code, so an output made from them is rebuilt when they change, not whenever
 * the model does: an event text that only the briefs print leaves the report alone.
 */
export function writerInputs(project: Project, lang: Lang, rendered: Pick<Rendered, 'file' | 'options'>): Record<string, string> {
  const { file, ...options } = rendered.options;
  return {
    [`markdown:${lang}`]: hashBytes(String(rendered.file.value)),
    [`options:${lang}`]: hashJson(options),
    [`labels:${lang}`]: project.hashes.labels[lang],
  };
}

function templateInputs(project: Project, template: string): string {
  return hashJson([...project.hashes.templates].filter(([name]) => name === template || name.startsWith('partials/')));
}

/**
 * A brief reads its own town, the other towns' names and positions (the locator map), the stages, the region's
 * conclusions and the references: editing one town rebuilds that town's briefs, not the others.
 */
function briefInputs(project: Project, town: TownModel, lang: Lang, shared: Record<string, string>): Record<string, string> {
  let own = ownInputs.get(town);
  if (!own) {
    own = { [`town:${town.slug}`]: townHash(town), map: hashJson(mapTownsOf(project, town)) };
    ownInputs.set(town, own);
  }
  return { ...shared, ...own, [`labels:${lang}`]: project.hashes.labels[lang] };
}

/** A town's own hashes, worked out once for its briefs in both languages. */
const ownInputs = new WeakMap<TownModel, Record<string, string>>();

/** What every brief reads alike, hashed once for all of them. */
function briefSharedInputs(project: Project): Record<string, string> {
  const { model, hashes } = project;
  return {
    stages: hashJson(model.stages),
    region: hashJson(model.region.conclusions),
    references: hashJson(model.references),
    dataset: hashJson(model.dataset),
    template: templateInputs(project, 'brief'),
    pipeline: hashes.pipeline,
    date: project.date.toISOString(),
  };
}

/** The report in one language, rendered for its DOCX and its web page (see sharedPart). */
const reportName = (lang: Lang) => ({ name: `report.${lang}`, uses: 2 });

/** The report's writerInputs in one language; the render is kept for the outputs that are then made from it. */
function reportInputs(project: Project, lang: Lang): Record<string, string> {
  const { name, uses } = reportName(lang);
  return writerInputs(project, lang, renderedPart(project, name, uses, () => reportDocument(project, lang)));
}

export { outputGroups } from './choices.js';

export interface PlanOptions {
  layout: ReportLayout;
  /** The model of the previous build, for the change report. */
  previous?: Model;
  /** Leave out the annex outputs, whose planning evaluates the tables: a worker making a brief or the report. */
  withoutAnnex?: boolean;
}

export interface Shard { index: number; count: number }

/**
 * Shard k of n: every n-th town in slug order, from the k-th, with all of its per-town outputs. Outputs that
 * cover all towns belong to no shard: a normal build makes them (and merges the shards' manifests).
 */
export function inShard(outputs: Output[], shard: Shard): Output[] {
  const towns = [...new Set(outputs.flatMap((o) => (o.town ? [o.town] : [])))].sort();
  const mine = new Set(towns.filter((_, i) => i % shard.count === shard.index - 1));
  return outputs.filter((o) => o.town !== undefined && mine.has(o.town));
}

/** The annex tables evaluated on the previous build's model and on this one, compared (English). */
function annexTableChanges(project: Project, previous: Model | undefined): Changes['sections'] {
  if (!previous) return [];
  const templates = dirname(project.templates.get('brief')!.path);
  const tables = (model: Model) => loadAnnexTables(templates, model, project.labels).tables?.map((t) => localiseTable(t, 'en', project.labels, model.references));
  const [before, after] = [tables(previous), tables(project.model)];
  return before && after ? describeTableChanges(before, after) : [];
}

/** An output that cannot be made for `reason` (a source it needs has errors): it fails, and its earlier file stays. */
function blocked(path: string, group: Output['group'], reason: string): Output {
  return { path, group, inputs: () => ({}), produce: () => Promise.reject(new SkippedOutput(`not rebuilt: ${reason}`)) };
}

const needs = (files: string[]) => `it needs ${files.join(', ')}, which ${files.length > 1 ? 'have' : 'has'} errors`;

/** Why a brief cannot be made while these towns, which its map would show, have no known name or position. */
function unplacedReason(towns: UnplacedTown[]): string {
  return towns.map(({ file, missing }) =>
    `its locator map needs the ${missing.join(' and ')} of the town in ${file}, and neither that file (it has errors) nor an earlier build's model.json gives ${missing.length > 1 ? 'them' : 'it'}`).join('; ');
}

export function planOutputs(project: Project, sources: SourceLocators, plan: PlanOptions): Output[] {
  const outputs = plannedOutputs(project, sources, plan);
  if (project.broken.length === 0) return outputs;
  // A town's own briefs need its file; everything that covers all towns (the model, the report, the annexes)
  // needs every town and programme file. Other towns' briefs are still built, unless their map would lack a town.
  const briefsOfBrokenTowns = project.broken.filter((file) => /\/towns\//.test(file)).flatMap((file) =>
    languages.map((lang) => ({ ...blocked(`briefs/${lang}/${basename(file, '.yaml')}.pdf`, 'briefs', needs([file])), town: basename(file, '.yaml') })));
  const brief = (output: Output): Output => {
    const town = project.model.towns.find((t) => t.slug === output.town)!;
    const unplaced = unplacedOnMap(project, town);
    return unplaced.length > 0 ? { ...blocked(output.path, 'briefs', unplacedReason(unplaced)), town: town.slug } : output;
  };
  return [
    ...outputs.map((output) => (output.group === 'briefs' ? brief(output) : blocked(output.path, output.group, needs(project.broken)))),
    ...briefsOfBrokenTowns,
  ];
}

function plannedOutputs(project: Project, sources: SourceLocators, plan: PlanOptions): Output[] {
  // Not `plan` itself in the closures below: they share this scope, and it holds the previous model.
  const { layout } = plan;
  const modelHash = hashJson(project.model);
  const outputs: Output[] = [{
    path: 'model.json',
    group: 'model',
    inputs: () => ({ model: modelHash, pipeline: project.hashes.pipeline }),
    produce: async () => ({ bytes: Buffer.from(`${JSON.stringify(project.model, null, 2)}\n`), messages: [] }),
  }];
  const shared = briefSharedInputs(project);
  for (const lang of languages) {
    // By slug, not the town itself: a build may let the towns go once their inputs are hashed (town-files.ts).
    for (const { slug } of project.model.towns) {
      outputs.push({
        path: `briefs/${lang}/${slug}.pdf`,
        group: 'briefs',
        town: slug,
        inputs: () => briefInputs(project, townOf(project, slug), lang, shared),
        weight: 1,
        produce: (provenance) => traced(project, sources, lang, () => briefDocument(project, townOf(project, slug), lang, provenance), async (tree, options) => {
          const { writePdf } = await import('../write/pdf/index.js');
          return writePdf(tree, options);
        }),
      });
    }
  }
  outputs.push({
    path: 'report/east-kazakhstan-small-towns.docx',
    group: 'report',
    inputs: () => Object.assign({ layout, pipeline: project.hashes.pipeline }, ...languages.map((lang) => reportInputs(project, lang))),
    weight: 30,
    produce: (provenance) => bilingualReport(project, sources, layout, provenance),
  });
  for (const lang of languages) {
    outputs.push({
      path: `html/report.${lang}.html`,
      group: 'report',
      inputs: () => ({ ...reportInputs(project, lang), pipeline: project.hashes.pipeline }),
      weight: 3,
      produce: (provenance) => traced(project, sources, lang, () => reportPart(project, lang, provenance), async (tree, options) => {
        const { writeHtml } = await import('../write/html/index.js');
        return writeHtml(tree, options);
      }),
    });
  }
  if (!plan.withoutAnnex) outputs.push(...annexOutputs(project, sources, traced));

  outputs.push(...changeOutputs(project, sources, modelHash, outputs.map((o) => o.path), plan.previous));
  return outputs;
}

/**
 * CHANGES.md and the index page, which say what changed since the build before. Made outside plannedOutputs, as
 * closures made in one scope share it: every brief's would keep the previous model (as big as the towns) for as
 * long as the build runs. Rebuilt only when the model changes, so a no-op build leaves them alone.
 */
function changeOutputs(project: Project, sources: SourceLocators, modelHash: string, earlier: string[], previous: Model | undefined): Output[] {
  // What the index page lists: every output before it.
  const paths = [...earlier, 'CHANGES.md'];
  // Comparing two models (and their annex tables) is work only these two need, when they are rebuilt: done once.
  let changes: Changes | undefined;
  const changesSincePrevious = (): Changes => {
    if (changes) return changes;
    changes = describeChanges(previous, project.model);
    changes.sections.push(...annexTableChanges(project, previous));
    if (previous) changes.summary = summaryOf(changes.sections.length, previous, project.model);
    return changes;
  };
  return [{
    path: 'CHANGES.md',
    group: 'model',
    inputs: () => ({ model: modelHash, pipeline: project.hashes.pipeline }),
    produce: async () => ({ bytes: Buffer.from(changesMarkdown(changesSincePrevious())), messages: [] }),
  }, {
    path: 'html/index.html',
    group: 'preview',
    inputs: () => ({ model: modelHash, outputs: hashJson(paths), labels: project.hashes.labels.en, template: templateInputs(project, 'index'), pipeline: project.hashes.pipeline }),
    produce: (provenance) => traced(project, sources, 'en', () => previewDocument(project, paths, changesSincePrevious()), async (tree, options) => {
      const { writeHtml } = await import('../write/html/index.js');
      return writeHtml(tree, { ...options, meta: { ...options.meta, provenance } });
    }),
  }];
}

type Writer = (tree: Root, options: WriteOptions) => Promise<Uint8Array> | Uint8Array;
/** The report in one language, for its DOCX and its web page, whichever is made first (see sharedPart). */
function reportPart(project: Project, lang: Lang, provenance: Provenance): Rendered {
  const { name, uses } = reportName(lang);
  return sharedPart(project, name, uses, () => reportDocument(project, lang), documentMeta(project, lang, 'report', {}, provenance));
}

/**
 * One language's Markdown parsed into a tree, with a way to re-place messages at the YAML field or template behind
 * them. Its errors (an unknown directive, a link to an unknown #id) are thrown, re-placed.
 */
export function parsePart(project: Project, sources: SourceLocators, lang: Lang, rendered: Pick<Rendered, 'file' | 'state' | 'parsed'>, headingIdPrefix = '') {
  const { file, state, parsed } = rendered;
  const markdown = String(file.value);
  const template = project.templates.get(String(file.data.template));
  const templatePath = template?.path ?? file.path.replace(/#.*$/, '');
  // Literal Markdown may come from the template or any partial it includes.
  const texts = [...project.templates].filter(([name, t]) => t === template || name.startsWith('partials/')).map(([, t]) => t);
  const locate = (path: string, field: (string | number)[]) => sources.sources.get(path)?.locate(field);
  const trace = (messages: VFileMessage[]) => messages.map((m) => traceMessage(m, markdown, state, { path: templatePath, texts }, locate));
  const labels = { figure: label(project, lang, 'document.figure'), table: label(project, lang, 'document.table') };
  try {
    return { tree: parsed ? resolveLinkTargets(parsed, file, labels, headingIdPrefix) : markdownToTree(file, labels, headingIdPrefix), trace };
  } catch (error) {
    if (error instanceof DiagnosticsError) throw new DiagnosticsError(trace(error.messages));
    throw error;
  }
}

/** Render → parse → write, with every message re-placed at the YAML field or template that caused it. */
async function traced(project: Project, sources: SourceLocators, lang: Lang, render: () => Rendered, write: Writer) {
  const rendered = render();
  const { tree, trace } = parsePart(project, sources, lang, rendered);
  try {
    const bytes = await write(tree, rendered.options);
    return { bytes, messages: trace(rendered.file.messages) };
  } catch (error) {
    if (error instanceof DiagnosticsError) throw new DiagnosticsError(trace(error.messages));
    throw error;
  }
}

/** The bilingual report: both languages rendered, parsed apart, joined into one tree, written as DOCX. */
async function bilingualReport(project: Project, sources: SourceLocators, layout: ReportLayout, provenance: Provenance) {
  const [english, spanish] = languages.map((lang) => {
    const rendered = reportPart(project, lang, provenance);
    return { lang, rendered, ...parsePart(project, sources, lang, rendered, `${lang}-`) };
  }) as [Part, Part];
  const joined = joinLanguages(
    { lang: 'en', tree: english.tree, figures: english.rendered.options.figures, ...english.rendered.options.labels },
    { lang: 'es', tree: spanish.tree, figures: spanish.rendered.options.figures, ...spanish.rendered.options.labels },
    layout,
  );
  const { meta, labels } = english.rendered.options;
  const options: WriteOptions = {
    meta: { ...meta, title: `${meta.title} / ${spanish.rendered.options.meta.title}`, keywords: [...new Set([...meta.keywords, ...spanish.rendered.options.meta.keywords])] },
    labels,
    figures: joined.figures,
    file: english.rendered.file,
  };
  const { writeDocx } = await import('../write/docx/index.js');
  try {
    const bytes = await writeDocx(joined.tree, options);
    return { bytes, messages: [...english.trace(english.rendered.file.messages), ...spanish.trace(spanish.rendered.file.messages)] };
  } catch (error) {
    if (error instanceof DiagnosticsError) throw new DiagnosticsError(english.trace(error.messages));
    throw error;
  }
}
type Part = { lang: Lang; rendered: Rendered; tree: Root; trace: (messages: VFileMessage[]) => VFileMessage[] };
