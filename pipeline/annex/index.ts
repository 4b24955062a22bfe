import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { VFile } from 'vfile';
import type { Labels } from '../render/labels.js';
import type { Model } from '../sources/model.js';
import { readSourceTree } from '../sources/read.js';
import { evaluateAnnex } from './evaluate.js';
import { loadAnnexSpecs } from './load.js';
import type { AnnexTable } from './table.js';

/**
 * Reads, checks and evaluates the annex table specs in `<templates>/annex/*.yaml`. `tables` is present only when
 * no spec has an error; every problem is a located message on its spec's file.
 */
export function loadAnnexTables(templatesDir: string, model: Model, labels: Labels): { tables?: AnnexTable[]; files: VFile[] } {
  const dir = join(templatesDir, 'annex');
  const inputs = existsSync(dir) ? readSourceTree(dir).filter((f) => f.path.endsWith('.yaml')) : [];
  if (inputs.length === 0) {
    const file = new VFile({ path: dir });
    file.message('no annex table specs (*.yaml) found', { place: { line: 1, column: 1 }, ruleId: 'annex-spec', source: 'ek-towns' }).fatal = true;
    return { files: [file] };
  }
  const { specs, files } = loadAnnexSpecs(inputs, labels);
  if (files.some((f) => f.messages.some((m) => m.fatal))) return { files };
  const { tables } = evaluateAnnex(specs, model, labels);
  if (files.some((f) => f.messages.some((m) => m.fatal))) return { files };
  return { tables, files };
}
