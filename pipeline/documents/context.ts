import type { VFile } from 'vfile';
import type { MapTown, UnplacedTown } from '../build/map-towns.js';
import type { Helpers, RenderState } from '../render/helpers.js';
import type { CodeLabel, Labels } from '../render/labels.js';
import type { Template } from '../render/templates.js';
import type { Origin } from '../sources/load.js';
import type { Model } from '../sources/model.js';
import type { DocumentMeta, Lang, Provenance, WriterLabels } from '../write/options.js';

/** The templates the documents are rendered from, `<templates>/<name>.md.hbs`; a project without one does not load. */
export const documentTemplates = ['brief', 'report', 'annex', 'index'] as const;

/** Everything a document needs, loaded once per build. */
export interface Project {
  model: Model;
  labels: Labels;
  templates: Map<string, Template>;
  helpers: Helpers;
  origins: WeakMap<object, Origin>;
  /** The build date: SOURCE_DATE_EPOCH, else the data's release date. */
  date: Date;
  /** Town and programme files with errors, left out of the model (see LoadResult.broken). */
  broken: string[];
  /** Every town on the locator maps: the model's, plus what is known of each broken town file (map-towns.ts). */
  mapTowns: MapTown[];
  /** Broken town files whose name or position is not known: no map that would show them is drawn. */
  unplaced: UnplacedTown[];
  /** Content hashes of the non-data inputs, for each output's fingerprint. */
  hashes: {
    /** By template name (`brief`, `partials/town-facts`…). */
    templates: Map<string, string>;
    labels: Record<Lang, string>;
    /** Every file under templates/ (templates, catalogs, annex specs). */
    templateDir: string;
    pipeline: string;
  };
}

/** A label with {placeholders} filled from plain values (for metadata and writer labels, not Markdown). */
export function label(project: Project, lang: Lang, key: CodeLabel, values: Record<string, string | number> = {}): string {
  // Every code label is in both catalogs: loadLabels checks it.
  const text = project.labels[lang].get(key)!;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`));
}

const locales: Record<Lang, string> = { en: 'en-GB', es: 'es-ES' };

/** "26 November 2026" / "26 de noviembre de 2026". */
export function longDate(date: Date, lang: Lang): string {
  return new Intl.DateTimeFormat(locales[lang], { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

/**
 * A document's metadata from its labels (`<kind>.title`, `.subject`, `.keywords`, filled from `values`), with the
 * data version among the keywords and the provenance, if given, for `ek-towns verify`.
 */
export function documentMeta(project: Project, lang: Lang, kind: 'brief' | 'report' | 'annex', values: Record<string, string> = {}, provenance?: Provenance): DocumentMeta {
  const { version } = project.model.dataset;
  return {
    title: label(project, lang, `${kind}.title`, values),
    subject: label(project, lang, `${kind}.subject`, values),
    keywords: [...Object.values(values), ...label(project, lang, `${kind}.keywords`).split(/,\s*/), label(project, lang, 'document.dataVersion', { version })],
    author: label(project, lang, 'document.author'),
    lang,
    date: project.date,
    version,
    ...(provenance ? { provenance } : {}),
  };
}

export function writerLabels(project: Project, lang: Lang, header: string): WriterLabels {
  const date = longDate(project.date, lang);
  return {
    header,
    pageOf: label(project, lang, 'document.pageOf', { page: '{page}', pages: '{pages}' }),
    footerNote: label(project, lang, 'document.footer', { version: project.model.dataset.version, date }),
    contents: label(project, lang, 'document.contents'),
  };
}

/** Renders a template to Markdown into `file`; the returned state tells what was cited and where values came from. */
export function renderMarkdown(project: Project, template: string, lang: Lang, context: object, file: VFile): RenderState {
  const compiled = project.templates.get(template);
  if (!compiled) throw new Error(`template "${template}" is missing`);
  const state = project.helpers.begin(lang);
  file.value = compiled.render({ ...context, lang });
  // For messages about the Markdown: which template (and its partials) wrote it.
  file.data.template = template;
  return state;
}
