import { VFile } from 'vfile';
import { drawLocatorMap } from '../figures/locator-map.js';
import { drawStatusChart } from '../figures/status-chart.js';
import type { Lang, WriteOptions } from '../write/options.js';
import { briefContext, countryNames, inRange, townTimeline } from './brief.js';
import { documentMeta, label, longDate, type Project, renderMarkdown, writerLabels } from './context.js';

export { type ReportLayout, reportLayouts } from '../build/choices.js';

/** The report's context in one language: every town as in its brief, all stages, the comparison matrix. */
export function reportContext(project: Project, lang: Lang) {
  const { model } = project;
  const paper = model.references.find((r) => r.id === 'amanbekova-nd');
  // The stages the town sections show (1925–1953): a count of events the report never lists could not be checked.
  const shownStages = model.stages.filter((stage) => inRange(stage.from, stage.to));
  return {
    region: model.region,
    stages: model.stages,
    towns: model.towns.map((town) => ({ town, stages: briefContext(project, town).stages })),
    // A row per town, a column per stage: the table grows down, not across, with the number of towns.
    matrixStages: shownStages,
    matrix: model.towns.map((town) => ({ town, counts: shownStages.map((stage) => town.events.filter((e) => e.stage === stage.id).length) })),
    version: model.dataset.version,
    date: longDate(project.date, lang),
    paper: paper?.title ?? 'Amanbekova et al.',
  };
}

export function reportFigures(project: Project, lang: Lang) {
  const { model } = project;
  const timelines = Object.fromEntries(model.towns.map((town) => [`timeline-${town.slug}`, townTimeline(project, town, lang)]));
  return {
    ...timelines,
    'region-map': drawLocatorMap({
      towns: model.towns.map((t) => ({ slug: t.slug, name: t.name[lang], lat: t.coordinates.lat, lon: t.coordinates.lon })),
      sourceNote: 'Natural Earth (world-atlas)',
      ...countryNames(project, lang),
    }),
    'status-chart': drawStatusChart({
      towns: model.towns.map((t) => ({ name: t.name[lang], years: t.cityStatus.map((s) => s.year) })),
      conflictLabel: label(project, lang, 'report.statusConflict'),
    }),
  };
}

/** The report's Markdown in one language alone, without its figures (what `check` renders). */
export function reportMarkdown(project: Project, lang: Lang) {
  const file = new VFile({ path: `templates/report.md.hbs#${lang}` });
  const state = renderMarkdown(project, 'report', lang, reportContext(project, lang), file);
  return { file, state };
}

/** The report in one language: Markdown plus writer options (meta without provenance: each output adds its own). */
export function reportDocument(project: Project, lang: Lang) {
  const { file, state } = reportMarkdown(project, lang);
  const options: WriteOptions = {
    meta: documentMeta(project, lang, 'report', {}),
    labels: writerLabels(project, lang, label(project, lang, 'report.title')),
    figures: reportFigures(project, lang),
    file,
  };
  return { file, state, options };
}
