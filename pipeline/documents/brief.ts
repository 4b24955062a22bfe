import { VFile } from 'vfile';
import type { UnplacedTown } from '../build/map-towns.js';
import { drawLocatorMap } from '../figures/locator-map.js';
import { drawTimeline } from '../figures/timeline.js';
import type { TownModel } from '../sources/model.js';
import type { Figure, Lang, Provenance, WriteOptions } from '../write/options.js';
import { documentMeta, label, type Project, renderMarkdown, writerLabels } from './context.js';

export const briefRange: [number, number] = [1925, 1953];

/** A brief's map shows the town and at most this many others, the nearest: all eight of the real region. */
const mapNeighbours = 12;

type MapTown = Project['mapTowns'][number];
const mapsOf = new WeakMap<Project, Map<string, MapTown[]>>();

/** The towns on a brief's locator map: its own and its nearest neighbours (with a broken town's last good data). */
export function mapTownsOf(project: Project, town: TownModel): MapTown[] {
  const maps = mapsOf.get(project) ?? new Map<string, MapTown[]>();
  mapsOf.set(project, maps);
  let shown = maps.get(town.slug);
  if (!shown) {
    shown = nearest(project.mapTowns, town, mapNeighbours);
    maps.set(town.slug, shown);
  }
  return shown;
}

/**
 * The broken towns known only in part that this brief's map would show: those near enough, and every one whose
 * position is unknown, as it may be anywhere.
 */
export function unplacedOnMap(project: Project, town: TownModel): UnplacedTown[] {
  return project.unplaced.filter(({ slug, coordinates }) =>
    !coordinates || nearest([...project.mapTowns, { slug, coordinates }], town, mapNeighbours).some((t) => t.slug === slug));
}

/** The town and its `count` nearest, in the order of `towns`. One pass with a short sorted list: linear in towns. */
function nearest<T extends { slug: string; coordinates: { lat: number; lon: number } }>(towns: T[], town: TownModel, count: number): T[] {
  const scale = Math.cos((town.coordinates.lat * Math.PI) / 180);
  const distance = (t: T) => Math.hypot(t.coordinates.lat - town.coordinates.lat, (t.coordinates.lon - town.coordinates.lon) * scale);
  const closer = (a: { d: number; t: T }, b: { d: number; t: T }) => a.d - b.d || (a.t.slug < b.t.slug ? -1 : 1);
  const closest: { d: number; t: T }[] = [];
  for (const t of towns) {
    if (t.slug === town.slug) continue;
    const candidate = { d: distance(t), t };
    if (closest.length === count && closer(candidate, closest[count - 1]!) >= 0) continue;
    const at = closest.findIndex((c) => closer(candidate, c) < 0);
    closest.splice(at < 0 ? closest.length : at, 0, candidate);
    if (closest.length > count) closest.pop();
  }
  const shown = new Set([town.slug, ...closest.map((c) => c.t.slug)]);
  return towns.filter((t) => shown.has(t.slug));
}

/** Whether a span of years meets 1925–1953, the period the briefs and the report's town sections show. */
export const inRange = (from: number, to: number) => to >= briefRange[0] && from <= briefRange[1];

/**
 * The brief's template context: the town, its events grouped by the stages of 1925–1953 (empty stages left out;
 * earlier history is told by the founding paragraph), and the region's conclusions marked for briefs.
 */
export function briefContext(project: Project, town: TownModel) {
  const stages = project.model.stages
    .filter((stage) => inRange(stage.from, stage.to))
    .map((stage) => ({ stage, events: town.events.filter((e) => e.stage === stage.id) }))
    .filter((group) => group.events.length > 0);
  const conclusions = project.model.region.conclusions.filter((c) => c.inBriefs);
  // One line per kind (institutions, hospitals…) keeps a long evacuation record to a few lines.
  const kinds = [...new Set(town.evacuation.map((e) => e.kind))];
  const evacuation = kinds.map((kind) => ({ kind, facts: town.evacuation.filter((e) => e.kind === kind) }));
  return { town, stages, conclusions, evacuation };
}

export function briefFigures(project: Project, town: TownModel, lang: Lang): Record<string, Figure> {
  return { timeline: townTimeline(project, town, lang), map: townMap(project, town, lang) };
}

/** A town's timeline of 1925–1953 (the brief's, and the report's for each town). */
export function townTimeline(project: Project, town: TownModel, lang: Lang): Figure {
  return drawTimeline({
    range: briefRange,
    stages: project.model.stages.map((s) => ({ id: s.id, label: s.title[lang], from: s.from, to: s.to })),
    events: town.events.filter((e) => inRange(e.year, e.to ?? e.year)).map((e) => ({ year: e.year, ...(e.to ? { to: e.to } : {}), label: e.label?.[lang] ?? '', stageId: e.stage })),
    yearLabel: label(project, lang, 'timeline.years'),
  });
}

function townMap(project: Project, town: TownModel, lang: Lang): Figure {
  return drawLocatorMap({
    towns: mapTownsOf(project, town).map((t) => ({ slug: t.slug, name: t.name[lang], lat: t.coordinates.lat, lon: t.coordinates.lon })),
    highlight: town.slug,
    sourceNote: 'Natural Earth (world-atlas)',
    size: { width: 400, height: 290 },
    ...countryNames(project, lang),
  });
}

/** Kazakhstan and the neighbours a map of the region shows (Natural Earth's ISO 3166 numeric ids), named in `lang`. */
export function countryNames(project: Project, lang: Lang) {
  return {
    countryLabel: label(project, lang, 'countries.kazakhstan'),
    neighbourLabels: { 643: label(project, lang, 'countries.russia'), 156: label(project, lang, 'countries.china'), 496: label(project, lang, 'countries.mongolia') },
  };
}

/** One brief's Markdown alone, without its figures (what `check` renders). */
export function briefMarkdown(project: Project, town: TownModel, lang: Lang) {
  const file = new VFile({ path: `templates/brief.md.hbs#${town.slug}.${lang}` });
  const state = renderMarkdown(project, 'brief', lang, briefContext(project, town), file);
  return { file, state };
}

/** Markdown and writer options of one brief; the caller parses and writes it. */
export function briefDocument(project: Project, town: TownModel, lang: Lang, provenance?: Provenance) {
  const { file, state } = briefMarkdown(project, town, lang);
  const name = town.name[lang];
  const options: WriteOptions = {
    meta: documentMeta(project, lang, 'brief', { town: name }, provenance),
    labels: writerLabels(project, lang, `${name} · ${label(project, lang, 'brief.kind')}`),
    figures: briefFigures(project, town, lang),
    file,
  };
  return { file, state, options };
}
