import { VFileMessage } from 'vfile-message';
import { DiagnosticsError } from '../diagnostics.js';
import { briefDocument } from '../documents/brief.js';
import { reportDocument } from '../documents/report.js';
import { label, type Project } from '../documents/context.js';
import { markdownToTree } from '../markdown/index.js';
import type { RenderState } from '../render/helpers.js';
import { traceMessage } from '../render/trace.js';
import type { LoadResult } from '../sources/load.js';
import type { Lang, WriteOptions } from '../write/options.js';
import { languages } from '../render/labels.js';

/** One file the build writes, and how to make its bytes in memory. */
export interface Output {
  path: string;
  group: 'model' | 'briefs' | 'report' | 'annex';
  produce(): Promise<{ bytes: Uint8Array; messages: VFileMessage[] }>;
}

export const outputGroups = ['model', 'briefs', 'report', 'annex'] as const;

export function planOutputs(project: Project, sources: LoadResult): Output[] {
  const outputs: Output[] = [{
    path: 'model.json',
    group: 'model',
    produce: async () => ({ bytes: Buffer.from(`${JSON.stringify(project.model, null, 2)}\n`), messages: [] }),
  }];
  for (const lang of languages) {
    for (const town of project.model.towns) {
      outputs.push({
        path: `briefs/${lang}/${town.slug}.pdf`,
        group: 'briefs',
        produce: () => traced(project, sources, lang, () => briefDocument(project, town, lang), async (tree, options) => {
          const { writePdf } = await import('../write/pdf/index.js');
          return writePdf(tree, options);
        }),
      });
    }
  }
  for (const lang of languages) {
    outputs.push({
      path: `html/report.${lang}.html`,
      group: 'report',
      produce: () => traced(project, sources, lang, () => reportDocument(project, lang), async (tree, options) => {
        const { writeHtml } = await import('../write/html/index.js');
        return writeHtml(tree, options);
      }),
    });
  }
  return outputs;
}

type Writer = (tree: import('mdast').Root, options: WriteOptions) => Promise<Uint8Array> | Uint8Array;

/** Render → parse → write, with every message re-placed at the YAML field or template that caused it. */
async function traced(
  project: Project,
  sources: LoadResult,
  lang: Lang,
  render: () => { file: import('vfile').VFile; state: RenderState; options: WriteOptions },
  write: Writer,
): Promise<{ bytes: Uint8Array; messages: VFileMessage[] }> {
  const { file, state, options } = render();
  const markdown = String(file.value);
  const templatePath = file.path.replace(/#.*$/, '');
  const locate = (path: string, field: (string | number)[]) => sources.sources.get(path)?.locate(field);
  const trace = (messages: VFileMessage[]) => messages.map((m) => traceMessage(m, markdown, state, templatePath, locate));
  try {
    const tree = markdownToTree(file, { figure: label(project, lang, 'document.figure'), table: label(project, lang, 'document.table') });
    const bytes = await write(tree, options);
    return { bytes, messages: trace(file.messages) };
  } catch (error) {
    if (error instanceof DiagnosticsError) throw new DiagnosticsError(trace(error.messages));
    throw error;
  }
}
