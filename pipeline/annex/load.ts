import { VFile } from 'vfile';
import type { z } from 'zod';
import type { Labels } from '../render/labels.js';
import type { SourceFile } from '../sources/load.js';
import { type FieldPath, type Place, readYaml, type YamlSource } from '../sources/yaml-file.js';
import { describeIssues, formatFieldPath } from '../sources/zod-messages.js';
import { type CheckScope, checkExpression } from './check.js';
import { collections, isListOfObjects, walkFields } from './collections.js';
import type { Expression } from './expression.js';
import { columnsThatFit, readableColumn } from './page-fit.js';
import { type CheckedParts, salvage } from './salvage.js';
import { type AnnexSpec, annexSpec } from './spec.js';

/** A spec whose expressions parsed and checked, with the means to point back into its file. */
export interface LoadedSpec {
  spec: AnnexSpec;
  file: VFile;
  source: YamlSource;
  /** Parsed expressions by field path, e.g. "columns[2].value". */
  expressions: Map<string, Expression>;
  /** Where an expression's character `at` is in the file. */
  place(path: FieldPath, at?: number): Place;
}

/** Reads and checks every spec; each problem is a fatal message on its file, located at the field. */
export function loadAnnexSpecs(inputs: SourceFile[], labels: Labels): { specs: LoadedSpec[]; files: VFile[] } {
  const specs: LoadedSpec[] = [];
  const files: VFile[] = [];
  for (const input of [...inputs].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const file = new VFile({ path: input.path });
    files.push(file);
    const source = readYaml(file, input.bytes);
    if (!source) continue;
    const lines = Buffer.from(input.bytes).toString('utf8').split('\n');
    const place = (path: FieldPath, at = 0) => expressionPlace(lines, source.locate(path), at);
    const result = annexSpec.safeParse(source.data);
    if (!result.success) {
      const rejected = describeIssues(result.error.issues, source.valueAt);
      for (const problem of rejected) fail(file, source.locate(problem.path, problem.at), problem.path, problem.reason);
      // Its expressions too, as far as the schema let them be read: the editor learns of every mistake in one run.
      const parts = salvage(source.data);
      if (parts) checkSpec(parts, { file, source, expressions: new Map(), place }, labels, rejected.map((p) => p.path));
      continue;
    }
    const loaded: LoadedSpec = { spec: result.data, file, source, expressions: new Map(), place };
    checkSpec(loaded.spec, loaded, labels);
    checkWidth(loaded);
    if (!file.messages.some((m) => m.fatal)) specs.push(loaded);
  }
  const byId = new Map<string, LoadedSpec>();
  for (const loaded of specs) {
    const other = byId.get(loaded.spec.id);
    if (other) fail(loaded.file, loaded.source.locate(['id']), ['id'], `duplicate annex table id "${loaded.spec.id}" (also in ${other.file.path})`);
    byId.set(loaded.spec.id, loaded);
  }
  const number = (spec: LoadedSpec) => Number(spec.spec.id.slice(1));
  return { specs: specs.filter((s) => !s.file.messages.some((m) => m.fatal)).sort((a, b) => number(a) - number(b)), files };
}

/**
 * Checks a spec's expressions and what refers to columns. `rejected` are the fields its schema rejected (and salvage
 * took out): nothing is said again about them, and a row or column whose meaning they change is not checked.
 */
function checkSpec(spec: CheckedParts, loaded: Omit<LoadedSpec, 'spec'>, labels: Labels, rejected: FieldPath[] = []): void {
  const { file } = loaded;
  const unsure = (path: FieldPath) => rejected.some((r) => startsWith(r, path) || startsWith(path, r));
  const report = (place: Place, path: FieldPath, reason: string) => {
    if (!unsure(path)) fail(file, place, path, reason);
  };
  const problem = (path: FieldPath, reason: string, at?: number) =>
    report(at === undefined ? loaded.source.locate(path) : loaded.place(path, at), path, reason);
  /** Checks an expression in each scope it is used in; a problem met in only some scopes names them. */
  const expression = (path: FieldPath, source: string, scopes: (CheckScope | undefined)[], scopeNames: string[] = []) => {
    const found = new Map<string, { at: number; in: string[] }>();
    scopes.forEach((scope, i) => {
      if (!scope) return;
      const { expression: parsed, problems } = checkExpression(source, scope);
      if (parsed) loaded.expressions.set(formatFieldPath(path), parsed);
      for (const p of problems) {
        const entry = found.get(p.message) ?? { at: p.at, in: [] };
        entry.in.push(scopeNames[i] ?? '');
        found.set(p.message, entry);
      }
    });
    const checked = scopes.filter(Boolean).length;
    for (const [message, { at, in: where }] of found) {
      problem(path, where.length < checked ? `${message} (for the rows of ${where.join(', ')})` : message, at);
    }
  };

  const rowScopes = spec.rows.map((row, r): CheckScope | undefined => {
    // A rejected `as` or `let` would leave names out: the values are not checked in this row rather than wrongly.
    if (unsure(['rows', r, 'as']) || unsure(['rows', r, 'let'])) return undefined;
    const [rootName, field] = row.each.split('.') as [string, string | undefined];
    const root = Object.hasOwn(collections, rootName) ? collections[rootName] : undefined;
    if (!root) return problem(['rows', r, 'each'], `unknown collection "${rootName}" (known: ${Object.keys(collections).join(', ')})`), undefined;
    const variables = new Map<string, z.ZodType | undefined>(Object.entries(root.schemas));
    if (field) {
      const walked = walkFields(root.schemas[root.variable]!, root.variable, [field]);
      if (walked.problem || !walked.schema || !isListOfObjects(walked.schema)) {
        return problem(['rows', r, 'each'], walked.problem ?? `${row.each} is not a list of items`), undefined;
      }
      variables.set(row.as ?? 'item', walked.schema);
    } else if (row.as) {
      problem(['rows', r, 'as'], `\`as\` names the items of a nested list (towns.events); the items of ${rootName} are called ${root.variable}`);
    }
    const lets = Object.keys(row.let);
    for (const name of lets) expression(['rows', r, 'let', name], row.let[name]!, [{ variables, lets: new Set(), labels }]);
    const scope: CheckScope = { variables, lets: new Set(lets), labels };
    if (row.where) expression(['rows', r, 'where'], row.where, [scope]);
    if (row.illustrative) expression(['rows', r, 'illustrative'], row.illustrative, [scope]);
    return scope;
  });

  const ids = new Set<string>();
  spec.columns.forEach((column, c) => {
    const at = (field: string): FieldPath => ['columns', c, field];
    // A field the schema rejected in this column may be the missing one, misspelt (`valeu`): said once, by the schema.
    const missing = (field: string) => {
      if (!unsure(['columns', c])) fail(file, loaded.source.locate(at(field), 'key'), at(field), 'missing required field');
    };
    if (ids.has(column.id)) problem(at('id'), `duplicate column id "${column.id}"`);
    ids.add(column.id);
    // Without its `each` or `type`, the column would be checked as another kind of column.
    if (unsure(at('each')) || unsure(at('type'))) return;
    if (column.each) {
      if (column.header) problem(at('header'), 'a column repeated per item (`each`) takes its header from `headerValue`, not `header`');
      if (!column.headerValue) problem(['columns', c], 'missing required field `headerValue` (the header of each repeated column, e.g. town.name)');
    } else {
      if (!column.header) missing('header');
      if (column.headerValue) problem(at('headerValue'), '`headerValue` is only for a column repeated per item (`each`)');
    }
    const each = column.each ? collections[column.each]! : undefined;
    if (each && column.headerValue) {
      expression(at('headerValue'), column.headerValue, [{ variables: new Map(Object.entries(each.schemas)), lets: new Set(), labels }]);
    }
    if (column.type === 'citations') {
      if (column.value) problem(at('value'), 'a citations column lists the sources of its row: it takes no `value`');
      return;
    }
    if (!column.value) return missing('value');
    const scopes = rowScopes.map((scope) => scope && { ...scope, variables: new Map([...scope.variables, ...(each ? Object.entries(each.schemas) : [])]) });
    expression(at('value'), column.value, scopes, spec.rows.map((row, r) => `rows[${r}] (${row.each})`));
  });
  spec.sort.forEach((id, s) => {
    const column = spec.columns.find((c) => c.id === id);
    if (!column) problem(['sort', s], `unknown column id "${id}" (known: ${spec.columns.map((c) => c.id).join(', ')})`);
    else if (column.each) problem(['sort', s], `cannot sort by the repeated column "${id}"`);
  });
}

/**
 * The columns must fit across the page at a readable width in the PDF and DOCX (XLSX and CSV take any number). Columns
 * repeated per town or stage are printed in parts when they do not all fit (page-fit.ts), so those not repeated must
 * leave room for one of them.
 */
function checkWidth({ spec, file, source }: LoadedSpec): void {
  const single = spec.columns.filter((column) => !column.each).length;
  const repeated = spec.columns.find((column) => column.each)?.each;
  const count = repeated ? single + 1 : single;
  const fit = columnsThatFit(spec.orientation);
  if (count <= fit) return;
  const landscape = columnsThatFit('landscape');
  const advice = spec.orientation === 'portrait' && count <= landscape ? `set \`orientation: landscape\` (${landscape} fit)` : 'split the table, or leave columns out';
  const columns = repeated ? `${single} columns and one of those repeated per ${repeated === 'towns' ? 'town' : 'stage'}` : `${single} columns`;
  fail(file, source.locate(['columns'], 'key'), ['columns'],
    `${columns} do not fit across a ${spec.orientation} page: at most ${fit} do at a readable width (${readableColumn} characters each) in the PDF and DOCX tables; ${advice}`);
}

const startsWith = (path: FieldPath, prefix: FieldPath) => prefix.length <= path.length && prefix.every((part, i) => path[i] === part);

/** The place of character `at` of an expression: on the value's line when it is written on one line. */
function expressionPlace(lines: string[], start: Place, at: number): Place {
  const line = lines[start.line - 1] ?? '';
  const opening = line[start.column - 1];
  if (opening === '>' || opening === '|') return start;
  return { line: start.line, column: start.column + at + (opening === "'" || opening === '"' ? 1 : 0) };
}

function fail(file: VFile, place: Place, path: FieldPath, reason: string): void {
  const field = formatFieldPath(path);
  file.message(field ? `${field}: ${reason}` : reason, { place, ruleId: 'annex-spec', source: 'ek-towns' }).fatal = true;
}
