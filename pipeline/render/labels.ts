import { VFile } from 'vfile';
import type { SourceFile } from '../sources/load.js';
import { readYaml, type YamlSource } from '../sources/yaml-file.js';
import type { Lang } from '../write/options.js';

export const languages: Lang[] = ['en', 'es'];
export type Labels = Record<Lang, Map<string, string>>;

/**
 * The labels the code looks up itself (document metadata, running headers and footers, captions, annex notes), not
 * the templates: a catalog without one is an error at load, so `check` finds it. `label()` takes only these keys.
 */
export const codeLabels = [
  ...(['brief', 'report', 'annex'] as const).flatMap((kind) => [`${kind}.title`, `${kind}.subject`, `${kind}.keywords`] as const),
  'brief.kind', 'annex.kind', 'report.statusConflict', 'timeline.years',
  'document.author', 'document.pageOf', 'document.footer', 'document.dataVersion', 'document.contents', 'document.figure',
  'document.table',
  'annex.title', 'annex.part', 'annex.illustrative', 'annex.illustrativeTitle', 'annex.illustrativeNote', 'annex.moneyHeader',
  'annex.readme.sheet', 'annex.readme.dataVersion', 'annex.readme.built', 'annex.readme.format', 'annex.readme.formatText', 'annex.readme.table',
  'annex.readme.sources', 'annex.readme.references',
  'preview.title', 'preview.docx', 'preview.html', 'preview.english', 'preview.spanish',
  'countries.kazakhstan', 'countries.russia', 'countries.china', 'countries.mongolia',
] as const;
export type CodeLabel = (typeof codeLabels)[number];

/**
 * The label catalogs `templates/i18n/<lang>.yaml` (nested keys → "brief.facts.river"). Every label must exist
 * in every language: a missing one is an error at the place of the key in the catalog that has it.
 */
export function loadLabels(catalogs: Record<Lang, SourceFile>): { labels?: Labels; files: VFile[] } {
  const files: VFile[] = [];
  const flat = {} as Record<Lang, Map<string, { text: string; path: string[] }>>;
  const sources = {} as Record<Lang, YamlSource | undefined>;
  for (const lang of languages) {
    const file = new VFile({ path: catalogs[lang].path });
    files.push(file);
    sources[lang] = readYaml(file, catalogs[lang].bytes);
    flat[lang] = new Map();
    if (sources[lang]) flatten(sources[lang].data, [], flat[lang], file);
  }
  for (const lang of languages) {
    for (const other of languages.filter((l) => l !== lang)) {
      for (const [key, { path }] of flat[other]) {
        if (flat[lang].has(key)) continue;
        const otherFile = files[languages.indexOf(other)]!;
        const { line, column } = sources[other]!.locate(path, 'key');
        // Placed where it belongs: at the mapping it would go in (`brief:`), or at the top.
        files[languages.indexOf(lang)]!.message(`label "${key}" is missing (defined in ${otherFile.path}:${line}:${column})`, {
          place: sources[lang]?.locate(path, 'key') ?? { line: 1, column: 1 }, ruleId: 'missing-label', source: 'ek-towns',
        }).fatal = true;
      }
    }
  }
  for (const [i, lang] of languages.entries()) {
    if (!sources[lang]) continue;
    for (const key of codeLabels.filter((k) => !flat[lang].has(k) && languages.every((l) => !flat[l].has(k)))) {
      files[i]!.message(`label "${key}" is missing: the pipeline itself uses it (in document titles, headers, captions or notes)`, {
        place: sources[lang]!.locate(key.split('.'), 'key'), ruleId: 'missing-label', source: 'ek-towns',
      }).fatal = true;
    }
  }
  if (files.some((f) => f.messages.some((m) => m.fatal))) return { files };
  const labels = Object.fromEntries(
    languages.map((lang) => [lang, new Map([...flat[lang]].map(([key, { text }]) => [key, text]))]),
  ) as Labels;
  return { labels, files };
}

function flatten(value: unknown, path: string[], into: Map<string, { text: string; path: string[] }>, file: VFile): void {
  if (typeof value === 'string') {
    into.set(path.join('.'), { text: value, path });
  } else if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) flatten(child, [...path, key], into, file);
  } else {
    file.message(`label "${path.join('.')}" must be text or a mapping of labels`, {
      place: { line: 1, column: 1 }, ruleId: 'invalid-label', source: 'ek-towns',
    }).fatal = true;
  }
}
