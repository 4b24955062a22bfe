import { dirname } from 'node:path';
import type { Root } from 'mdast';
import { VFile } from 'vfile';
import type { VFileMessage } from 'vfile-message';
import { loadAnnexTables } from '../annex/index.js';
import { columnsThatFit, printedParts } from '../annex/page-fit.js';
import { type LocalisedTable, localiseTable } from '../annex/localise.js';
import type { AnnexTable } from '../annex/table.js';
import { hashJson } from '../build/fingerprint.js';
import { type Output, writerInputs } from '../build/outputs.js';
import { SkippedOutput } from '../build/produce.js';
import { type Rendered, renderedPart, sharedPart } from '../build/shared-parts.js';
import { DiagnosticsError } from '../diagnostics.js';
import { citationKey, referenceOrder, referenceParts } from '../render/cite.js';
import { type CodeLabel, languages } from '../render/labels.js';
import type { SourceLocators } from '../sources/load.js';
import { writeCsv } from '../write/csv/index.js';
import type { DocumentMeta, Lang, Provenance, WriteOptions } from '../write/options.js';
import type { XlsxOptions, XlsxSheet } from '../write/xlsx/index.js';
import { documentMeta, label, type Project, renderMarkdown, writerLabels } from './context.js';

type Produced = { bytes: Uint8Array; messages: VFileMessage[] };
type Writer = (tree: Root, options: WriteOptions) => Promise<Uint8Array> | Uint8Array;
/** The build's render → parse → write step with message tracing (outputs.ts `traced`). */
export type Traced = (
  project: Project,
  sources: SourceLocators,
  lang: Lang,
  render: () => Rendered,
  write: Writer,
) => Promise<Produced>;

const templateName = 'annex';

/**
 * Every annex file, per language: `annex/<lang>/annex-tables.{docx,pdf,xlsx}` and `annex/<lang>/csv/<id>.csv`, all
 * made from the same evaluated tables. When a spec has errors, the annex outputs fail with its located messages.
 */
export function annexOutputs(project: Project, sources: SourceLocators, traced: Traced): Output[] {
  const template = project.templates.get(templateName);
  if (!template) throw new Error(`template "${templateName}" is missing`);
  const { tables, files } = loadAnnexTables(dirname(template.path), project.model, project.labels);
  const warnings = files.flatMap((f) => f.messages.filter((m) => !m.fatal));
  if (!tables) return failedOutputs(files.flatMap((f) => f.messages.filter((m) => m.fatal)));

  const outputs: Output[] = [];
  for (const lang of languages) {
    const localised = tables.map((table) => localiseTable(table, lang, project.labels, project.model.references));
    const dir = `annex/${lang}`;
    // The DOCX and the PDF are made from the same Markdown, rendered and parsed once.
    const name = `annex.${lang}`;
    const uses = 2;
    const document = () => annexDocument(project, localised, lang);
    const render = (provenance: Provenance) => () => sharedPart(project, name, uses, document, annexMeta(project, lang, provenance));
    const inputs = () => ({ ...writerInputs(project, lang, renderedPart(project, name, uses, document)), pipeline: project.hashes.pipeline });
    const csv = (table: LocalisedTable) => ({ header: table.columns.map((c) => c.header), rows: table.rows.map((row) => row.map((cell) => cell.value)) });
    outputs.push(
      {
        path: `${dir}/annex-tables.docx`,
        group: 'annex',
        inputs,
        weight: 3,
        produce: (provenance) => traced(project, sources, lang, render(provenance), async (tree, options) => (await import('../write/docx/index.js')).writeDocx(tree, options)),
      },
      {
        path: `${dir}/annex-tables.pdf`,
        group: 'annex',
        inputs,
        weight: 3,
        produce: (provenance) => traced(project, sources, lang, render(provenance), async (tree, options) => (await import('../write/pdf/index.js')).writePdf(tree, options)),
      },
      {
        path: `${dir}/annex-tables.xlsx`,
        group: 'annex',
        inputs: () => ({ workbook: hashJson([localised.map(toSheet), xlsxOptions(project, tables, localised, lang)]), pipeline: project.hashes.pipeline }),
        produce: async (provenance) => ({
          bytes: await (await import('../write/xlsx/index.js')).writeXlsx(localised.map(toSheet), xlsxOptions(project, tables, localised, lang, provenance)),
          // Warnings about the specs (not fatal) are printed once, with the first workbook.
          messages: lang === languages[0] ? warnings : [],
        }),
      },
      ...localised.map((table): Output => ({
        path: `${dir}/csv/${table.id}.csv`,
        group: 'annex',
        inputs: () => ({ table: hashJson(csv(table)), pipeline: project.hashes.pipeline }),
        produce: async () => ({ bytes: writeCsv(csv(table)), messages: [] }),
      })),
    );
  }
  return outputs;
}

/** The annex Markdown of one language and its writer options (meta without provenance); the caller parses and writes it. */
export function annexDocument(project: Project, tables: LocalisedTable[], lang: Lang) {
  const file = new VFile({ path: `${project.templates.get(templateName)!.path}#${lang}` });
  const context = {
    version: project.model.dataset.version,
    tables: tables.map((table) => {
      const anchor = `annex-${table.id.toLowerCase()}`;
      const parts = printedParts(table.columns, columnsThatFit(table.orientation));
      return {
        id: table.id,
        anchor,
        title: table.title,
        note: table.note,
        landscape: table.orientation === 'landscape',
        // A table with more columns per town than fit across its page is printed in parts (page-fit.ts).
        parts: parts.map((columns, p) => ({
          anchor: p === 0 ? anchor : `${anchor}-${p + 1}`,
          title: parts.length === 1 ? table.title : label(project, lang, 'annex.part', { title: table.title, part: String(p + 1), parts: String(parts.length) }),
          columns: columns.map((c) => ({ header: table.columns[c]!.header, align: table.columns[c]!.align })),
          // The spec's widths (XLSX characters) as the PDF and DOCX columns' relative widths.
          widths: columns.map((c) => table.columns[c]!.width).join(','),
          rows: table.rows.map((row) => columns.map((c) => ({ display: row[c]!.display, source: row[c]!.source, cites: row[c]!.cites ?? [] }))),
        })),
        citations: table.citations,
        illustrativeNote: table.illustrativeNote ?? '',
      };
    }),
  };
  const state = renderMarkdown(project, templateName, lang, context, file);
  const options: WriteOptions = { meta: annexMeta(project, lang), labels: writerLabels(project, lang, label(project, lang, 'annex.kind')), figures: {}, file };
  return { file, state, options };
}

function annexMeta(project: Project, lang: Lang, provenance?: Provenance): DocumentMeta {
  return documentMeta(project, lang, 'annex', {}, provenance);
}

function toSheet(table: LocalisedTable): XlsxSheet {
  return {
    name: table.id,
    columns: table.columns.map(({ header, width, align, numberFormat }) => ({ header, width, align, ...(numberFormat ? { numberFormat } : {}) })),
    rows: table.rows.map((row) => row.map((cell) => cell.value)),
  };
}

/** The README sheet: what the workbook is, its data version and date, each table with its sources, the references. */
function xlsxOptions(project: Project, tables: AnnexTable[], localised: LocalisedTable[], lang: Lang, provenance?: Provenance): XlsxOptions {
  const t = (key: CodeLabel, values: Record<string, string> = {}) => label(project, lang, key, values);
  const lines: [string, string][] = [
    [t('annex.readme.dataVersion'), project.model.dataset.version],
    [t('annex.readme.built'), project.date.toISOString().slice(0, 10)],
    [t('annex.readme.format'), t('annex.readme.formatText')],
  ];
  for (const table of localised) {
    lines.push([t('annex.readme.table', { id: table.id }), `${table.title}. ${table.note}`]);
    lines.push(['', `${t('annex.readme.sources')}: ${table.sources}`]);
    if (table.illustrativeNote) lines.push(['', `${t('annex.illustrative')}: ${table.illustrativeNote}`]);
  }
  const cited = new Set(tables.flatMap((table) => table.citations.map(citationKey)));
  const references = project.model.references.filter((r) => cited.has(r.id)).sort(referenceOrder(lang)).map((r) => referenceText(referenceParts(r, lang)));
  references.forEach((text, i) => lines.push([i === 0 ? t('annex.readme.references') : '', text]));
  return { meta: annexMeta(project, lang, provenance), readme: { name: t('annex.readme.sheet'), title: t('annex.title'), lines } };
}

function referenceText(parts: ReturnType<typeof referenceParts>): string {
  return [`${parts.authors} (${parts.year}).`, parts.title && `${parts.title}.`, parts.container && `${parts.container}.`, parts.publisher && `${parts.publisher}.`, parts.url]
    .filter(Boolean)
    .join(' ');
}

/** Spec errors: the first annex output reports them, the others are skipped for the same reason. */
function failedOutputs(messages: VFileMessage[]): Output[] {
  let reported = false;
  const fail = async (): Promise<Produced> => {
    if (reported) throw new SkippedOutput('not rebuilt: the annex table specs have errors (reported above)');
    reported = true;
    throw new DiagnosticsError(messages);
  };
  return languages.flatMap((lang) => ['docx', 'pdf', 'xlsx'].map((ext): Output => ({ path: `annex/${lang}/annex-tables.${ext}`, group: 'annex', inputs: () => ({}), produce: fail })));
}
