import type { VFile } from 'vfile';
import type { Labels } from '../render/labels.js';
import { citationKey } from '../render/cite.js';
import type { Model } from '../sources/model.js';
import type { FieldPath } from '../sources/yaml-file.js';
import { formatFieldPath } from '../sources/zod-messages.js';
import { toCell } from './cells.js';
import { collections, type Scope } from './collections.js';
import type { Expression } from './expression.js';
import { EvaluationError, functions } from './functions.js';
import type { LoadedSpec } from './load.js';
import type { ColumnSpec } from './spec.js';
import type { AnnexCell, AnnexColumn, AnnexRow, AnnexTable, CellValue } from './table.js';
import { type Cited, citesOf, isBilingual, readPath, truthy, uniqueCitations, type YearSpan } from './values.js';

type Lets = Map<string, Cited>;

function evaluate(expression: Expression, scope: Scope, lets: Lets, labels: Labels): Cited {
  if (expression.kind === 'literal') return { value: expression.value ?? undefined, cites: [] };
  if (expression.kind === 'path') {
    const [root, ...fields] = expression.parts as [string, ...string[]];
    const set = lets.get(root);
    if (set) return set;
    return readPath(scope[root], fields);
  }
  const args = expression.args.map((arg) => evaluate(arg, scope, lets, labels));
  return functions[expression.name]!.run(args, labels);
}

/** A column as it appears in the table: a repeated column (`each: towns`) once per item, with its scope. */
interface PlannedColumn {
  spec: ColumnSpec;
  index: number;
  column: AnnexColumn;
  scope: Scope;
}

/**
 * Specs × model → tables. Problems the load-time checks cannot see (a value of the wrong kind in the data, an
 * unknown citation key) are fatal messages on the spec's file, at the expression, naming the row.
 */
export function evaluateAnnex(specs: LoadedSpec[], model: Model, labels: Labels): { tables: AnnexTable[]; files: VFile[] } {
  const tables = specs.map((loaded) => evaluateSpec(loaded, model, labels));
  const files = specs.map((s) => s.file);
  if (files.some((f) => f.messages.some((m) => m.fatal))) return { tables: [], files };
  return { tables, files };
}

function evaluateSpec(loaded: LoadedSpec, model: Model, labels: Labels): AnnexTable {
  const { spec } = loaded;
  const fail = (path: FieldPath, reason: string, at = 0) => {
    loaded.file.message(`${formatFieldPath(path)}: ${reason}`, { place: loaded.place(path, at), ruleId: 'annex-data', source: 'ek-towns' }).fatal = true;
  };
  const known = new Set(model.references.map((r) => r.id));
  spec.cite.forEach((citation, i) => {
    if (!known.has(citationKey(citation))) fail(['cite', i], `unknown citation key "${citationKey(citation)}" (not in references.yaml)`);
  });
  const run = (path: FieldPath, scope: Scope, lets: Lets, where: string): Cited | undefined => {
    const expression = loaded.expressions.get(formatFieldPath(path))!;
    try {
      return evaluate(expression, scope, lets, labels);
    } catch (error) {
      if (!(error instanceof EvaluationError)) throw error;
      fail(path, `${error.message} (${where})`, expression.at);
      return undefined;
    }
  };

  const planned: PlannedColumn[] = spec.columns.flatMap((column, index) => {
    const align = column.align ?? (column.type === 'text' || column.type === 'citations' ? 'left' : 'right');
    const base = { type: column.type, width: column.width, align, ...(column.format ? { decimals: column.format.decimals } : {}) };
    if (!column.each) return [{ spec: column, index, scope: {}, column: { key: column.id, header: column.header!, ...base } }];
    const collection = collections[column.each]!;
    return collection.scopes(model).map((scope) => {
      const key = collection.key(scope);
      const header = run(['columns', index, 'headerValue'], scope, new Map(), `column for ${key}`)?.value;
      if (!isBilingual(header) && typeof header !== 'string') fail(['columns', index, 'headerValue'], `expected text for the header (column for ${key})`);
      const text = isBilingual(header) ? header : { en: String(header), es: String(header) };
      return { spec: column, index, scope, column: { key: `${column.id}-${key}`, header: text, ...base, repeated: true as const } };
    });
  });

  const rows: AnnexRow[] = [];
  spec.rows.forEach((source, r) => {
    const [rootName, field] = source.each.split('.') as [string, string | undefined];
    const root = collections[rootName]!;
    const scopes = root.scopes(model).flatMap((scope) => {
      if (!field) return [scope];
      const items = readPath(scope[root.variable], [field]).value as unknown[] | undefined;
      return (items ?? []).map((item) => ({ ...scope, [source.as ?? 'item']: item }));
    });
    scopes.forEach((scope, i) => {
      const where = `${root.variable} ${root.key(scope)}${field ? `, ${field}[${i}]` : ''}`;
      const lets: Lets = new Map();
      for (const name of Object.keys(source.let)) lets.set(name, run(['rows', r, 'let', name], scope, new Map(), where) ?? { value: undefined, cites: [] });
      if (source.where && !truthy(run(['rows', r, 'where'], scope, lets, where)?.value)) return;
      const illustrative = source.illustrative !== undefined && truthy(run(['rows', r, 'illustrative'], scope, lets, where)?.value);
      const cells = planned.map((plan): AnnexCell => {
        if (plan.column.type === 'citations') return { value: null, cites: [] };
        const path: FieldPath = ['columns', plan.index, 'value'];
        const cited = run(path, { ...scope, ...plan.scope }, lets, where);
        if (!cited) return { value: null, cites: [] };
        try {
          const { value, currency } = toCell(plan.column.type, cited.value);
          if (currency) setCurrency(plan.column, currency, () => fail(path, `amounts in more than one currency (${plan.column.currency}, ${currency}): give each currency its own column (${where})`));
          return { value, cites: uniqueCitations([...cited.cites, ...citesOf(cited.value)]) };
        } catch (error) {
          if (!(error instanceof EvaluationError)) throw error;
          fail(path, `${error.message} (${where})`, loaded.expressions.get(formatFieldPath(path))!.at);
          return { value: null, cites: [] };
        }
      });
      rows.push({ cells, cites: uniqueCitations(cells.flatMap((c) => c.cites)), illustrative });
    });
  });

  const sortColumns = spec.sort.map((id) => planned.findIndex((p) => p.spec.id === id));
  rows.sort((a, b) => {
    for (const c of sortColumns) {
      const order = compare(a.cells[c]!.value, b.cells[c]!.value);
      if (order !== 0) return order;
    }
    return 0;
  });

  return {
    id: spec.id,
    spec: loaded.file.path,
    title: spec.title,
    note: spec.note,
    orientation: spec.orientation,
    columns: planned.map((p) => p.column),
    rows,
    citations: uniqueCitations([...spec.cite, ...rows.flatMap((row) => row.cites)]),
    illustrative: rows.some((row) => row.illustrative),
  };
}

function setCurrency(column: AnnexColumn, currency: string, conflict: () => void): void {
  if (column.currency === undefined) column.currency = currency;
  else if (column.currency !== currency) conflict();
}

/**
 * Sort order, the same in every language (English text decides), empty cells first: so a row is in the same place
 * in every file and language.
 */
function compare(a: CellValue, b: CellValue): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  const key = (value: Exclude<CellValue, null>): number | string => {
    if (typeof value === 'number') return value;
    if (Array.isArray(value)) return (value[0] as YearSpan | undefined)?.from ?? 0;
    return typeof value === 'string' ? value : value.en;
  };
  const [x, y] = [key(a), key(b)];
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  return String(x).localeCompare(String(y), 'en');
}
