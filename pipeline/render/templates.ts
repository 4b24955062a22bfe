import { relative, sep } from 'node:path';
import Handlebars from 'handlebars';
import { VFile } from 'vfile';
import type { VFileMessage } from 'vfile-message';
import { DiagnosticsError } from '../diagnostics.js';
import type { SourceFile } from '../sources/load.js';
import type { Lang } from '../write/options.js';
import { type Helpers, TemplateFault } from './helpers.js';
import type { Labels } from './labels.js';

type Ast = hbs.AST.Program;
type Node = hbs.AST.Node & { loc: hbs.AST.SourceLocation };

export interface Template {
  path: string;
  /** The template's own text, to find where literal Markdown in the output came from. */
  text: string;
  render: (context: unknown) => string;
}

/**
 * Templates are trusted, data is not: every value must go through an escaping helper ({{text}}, {{cell}},
 * {{label}}) or the one helper that inserts Markdown on purpose ({{md}}). A bare {{value}} or a {{{triple}}}
 * is a located error, as are Handlebars syntax errors and labels missing from the catalogs.
 */
export function compileTemplates(
  root: string,
  sources: SourceFile[],
  helpers: Helpers,
  labels: Labels,
): { templates: Map<string, Template>; files: VFile[] } {
  const handlebars = Handlebars.create();
  handlebars.registerHelper(helpers.functions as Handlebars.HelperDeclareSpec);
  handlebars.registerHelper(fieldHelper, lookupField);
  const templates = new Map<string, Template>();
  const files: VFile[] = [];
  const partials = new Set(sources.map((source) => templateName(root, source.path)).filter((name) => name.startsWith('partials/')).map((name) => name.slice('partials/'.length)));
  for (const source of sources) {
    const file = new VFile({ path: source.path, value: Buffer.from(source.bytes).toString('utf8') });
    files.push(file);
    let ast: Ast;
    try {
      ast = handlebars.parse(String(file.value), { srcName: source.path });
    } catch (error) {
      const { reason, line, column } = parseErrorPlace(error as Error, String(file.value));
      file.message(`template syntax: ${reason}`, { place: { line, column }, ruleId: 'template-syntax', source: 'ek-towns' }).fatal = true;
      continue;
    }
    lint(ast, file, helpers.names, labels, partials);
    guardPaths(ast);
    const name = templateName(root, source.path);
    const compiled = handlebars.compile(ast, { noEscape: true, strict: true, knownHelpersOnly: false });
    if (name.startsWith('partials/')) handlebars.registerPartial(name.slice('partials/'.length), compiled);
    templates.set(name, {
      path: source.path,
      text: String(file.value),
      render: (context) => {
        try {
          return compiled(context, { allowProtoPropertiesByDefault: false });
        } catch (error) {
          throw renderError(source.path, error);
        }
      },
    });
  }
  return { templates, files };
}

/**
 * A render failure as a located error (the build prints it and keeps the output's earlier file): at the helper
 * call or path for data problems, at the place Handlebars gives, else at the template. For convenience it also
 * carries the one message's place and reason.
 */
export class TemplateRenderError extends DiagnosticsError {
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly reason: string;
  constructor(message: VFileMessage) {
    super([message]);
    this.line = message.line;
    this.column = message.column;
    this.reason = message.reason;
  }
}

function renderError(path: string, error: unknown): TemplateRenderError {
  const failure = error as Error & HandlebarsException;
  const place = error instanceof TemplateFault
    ? error.loc && { line: error.loc.start.line, column: error.loc.start.column + 1 }
    : failure.lineNumber !== undefined ? { line: failure.lineNumber, column: (failure.column ?? 0) + 1 } : undefined;
  const reason = error instanceof TemplateFault ? error.message : `the template failed while rendering: ${String(failure?.message ?? error).replace(/ - \d+:\d+$/, '')}`;
  // A partial's place is in the partial: Handlebars carries its file name in the location (`srcName`).
  const file = (error instanceof TemplateFault && (error.loc as { source?: string } | undefined)?.source) || path;
  const message = new VFile({ path: file }).message(reason, { place, ruleId: 'template-data', source: 'ek-towns' });
  message.fatal = true;
  return new TemplateRenderError(message);
}

const fieldHelper = '__field';

/**
 * `{{#if town.codeNmes.length}}`: Handlebars reads a dotted path in a helper's arguments without checks, so a
 * misspelt field in the middle throws a TypeError with no place. Each such path becomes `(__field this "…" …)`,
 * which walks it and names the field that has no value, at the path's place in the template.
 */
function guardPaths(node: unknown, blockParams: ReadonlySet<string> = new Set()): void {
  if (!node || typeof node !== 'object') return;
  const typed = node as Record<string, unknown> & { type?: string };
  const guard = (value: hbs.AST.Expression): hbs.AST.Expression => {
    const path = value as hbs.AST.PathExpression;
    if (path.type !== 'PathExpression' || path.data || path.parts.length < 2) return value;
    const loc = path.loc;
    // `{{#each towns as |town|}}…{{#if town.river.name}}`: a block parameter is the start of the walk, not a field.
    const param = path.depth === 0 && !path.original.startsWith('this') && blockParams.has(path.parts[0]!) ? path.parts[0]! : '';
    const context: hbs.AST.PathExpression = param
      ? { type: 'PathExpression', data: false, depth: 0, parts: [param], original: param, loc }
      : { type: 'PathExpression', data: false, depth: path.depth, parts: [], original: path.depth ? '..' : 'this', loc };
    const literal = (text: string): hbs.AST.StringLiteral => ({ type: 'StringLiteral', value: text, original: text, loc });
    return {
      type: 'SubExpression',
      path: { type: 'PathExpression', data: false, depth: 0, parts: [fieldHelper], original: fieldHelper, loc },
      params: [context, literal(path.original), literal(param), ...path.parts.slice(param ? 1 : 0).map(literal)],
      hash: { type: 'Hash', pairs: [], loc },
      loc,
    } as hbs.AST.SubExpression;
  };
  if (typed.type === 'MustacheStatement' || typed.type === 'BlockStatement' || typed.type === 'SubExpression') {
    const call = typed as unknown as hbs.AST.MustacheStatement;
    call.params = call.params.map(guard);
    if (call.hash) for (const pair of call.hash.pairs) pair.value = guard(pair.value);
  }
  for (const [key, child] of Object.entries(typed)) {
    if (key === 'loc') continue;
    const declared = key === 'program' && typed.type === 'BlockStatement' ? (child as hbs.AST.Program).blockParams ?? [] : [];
    const scope = declared.length > 0 ? new Set([...blockParams, ...declared]) : blockParams;
    if (Array.isArray(child)) child.forEach((item) => guardPaths(item, scope));
    else if (child && typeof child === 'object') guardPaths(child, scope);
  }
}

/** `(__field context "a.b.c" head "b" "c")`: walks the parts from the context (or from the block parameter `head`). */
function lookupField(context: unknown, original: string, head: string, ...rest: unknown[]): unknown {
  const { loc } = rest.pop() as { loc?: ConstructorParameters<typeof TemplateFault>[1] };
  const parts = rest as string[];
  let value = context;
  for (const [i, part] of parts.entries()) {
    if (value === undefined || value === null) {
      const missing = [...(head ? [head] : []), ...parts.slice(0, i)].join('.');
      throw new TemplateFault(`${original}: "${missing}" has no value, so it has no field "${part}" (a misspelt field, or a missing optional one?)`, loc);
    }
    value = Object.hasOwn(Object(value), part) ? (value as Record<string, unknown>)[part] : undefined;
  }
  return value;
}

/** `<root>/brief.md.hbs` → `brief`; `<root>/partials/facts.hbs` → `partials/facts`. */
export function templateName(root: string, path: string): string {
  return relative(root, path).split(sep).join('/').replace(/\.(md\.)?hbs$/, '');
}

function lint(ast: Ast, file: VFile, helperNames: Set<string>, labels: Labels, partials: ReadonlySet<string>): void {
  const error = (node: Node, reason: string, ruleId: string) => {
    file.message(reason, { place: { line: node.loc.start.line, column: node.loc.start.column + 1 }, ruleId, source: 'ek-towns' }).fatal = true;
  };
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const typed = node as Node & Record<string, unknown>;
    if (typed.type === 'MustacheStatement') {
      const mustache = typed as unknown as hbs.AST.MustacheStatement & Node;
      const path = mustache.path as hbs.AST.PathExpression;
      const isHelper = path.type === 'PathExpression' && helperNames.has(path.original);
      if (!mustache.escaped) error(mustache, `{{{${path.original}}}} inserts text unescaped; use {{text …}} or {{md …}}`, 'template-unescaped');
      else if (!isHelper && !(path.type === 'PathExpression' && path.data)) {
        error(mustache, `{{${path.original}}} inserts data without escaping it for Markdown; use {{text ${path.original}}}, {{cell …}}, {{label …}} or {{md …}}`, 'template-unescaped');
      }
    }
    if (typed.type === 'PartialStatement' || typed.type === 'PartialBlockStatement') {
      const name = (typed as unknown as hbs.AST.PartialStatement).name;
      if (name.type === 'PathExpression' && !partials.has((name as hbs.AST.PathExpression).original)) {
        const known = [...partials].sort().join(', ') || 'none';
        error(typed, `no partial "${(name as hbs.AST.PathExpression).original}": there is no partials/${(name as hbs.AST.PathExpression).original}.hbs (partials here: ${known})`, 'unknown-partial');
      }
    }
    if ((typed.type === 'MustacheStatement' || typed.type === 'SubExpression') && (typed as { path?: hbs.AST.PathExpression }).path?.original === 't') {
      const params = (typed as unknown as hbs.AST.MustacheStatement).params;
      const key = params[0];
      if (key?.type === 'StringLiteral' && params.length === 1) {
        const value = (key as hbs.AST.StringLiteral).value;
        for (const lang of Object.keys(labels) as Lang[]) {
          if (!labels[lang].has(value)) error(typed, `unknown label "${value}" (not in templates/i18n/${lang}.yaml)`, 'unknown-label');
        }
      }
    }
    for (const [key, child] of Object.entries(typed)) {
      if (key === 'loc') continue;
      if (Array.isArray(child)) child.forEach(visit);
      else if (child && typeof child === 'object') visit(child);
    }
  };
  visit(ast);
}

interface ParseFailure { hash?: { token?: string; text?: string; loc?: { first_line: number; first_column: number } } }
interface HandlebarsException { lineNumber?: number; column?: number }

interface Lexer {
  setInput(input: string): void;
  /** A terminal's number, or for a few rules its name. */
  lex(): number | string;
  EOF: number;
  yytext: string;
  yylloc: { first_line: number; first_column: number };
}
type HandlebarsParser = {
  parseError: (message: string, hash: unknown) => never;
  lexer: Lexer;
  symbols_: Record<string, number>;
};
const parser = (Handlebars as unknown as { Parser: HandlebarsParser }).Parser;

// Handlebars' generated parser reports token positions only through this hook; its default throws a message
// whose excerpt has lost the line breaks. There is one parser per process, so the hook is set once here.
parser.parseError = (message, hash) => {
  throw Object.assign(new Error(message), { hash });
};

function parseErrorPlace(error: Error & ParseFailure & HandlebarsException, source: string): { reason: string; line: number; column: number } {
  const { hash } = error;
  if (hash?.token === 'EOF') {
    // The parser notices only at the end of the file; the mistake is the block that was opened and never closed.
    const open = unclosedBlock(source);
    if (open) return { reason: `the block ${open.tag} is never closed: a ${open.closing} is missing`, line: open.line, column: open.column };
  }
  if (hash?.loc) {
    const reason =
      hash.token === 'EOF' ? 'the template ends inside a block: a {{#…}} is missing its {{/…}}'
      : hash.token === 'INVALID' ? `unexpected "${hash.text}" inside {{…}}`
      : `unexpected ${hash.text ? `"${hash.text}"` : hash.token}`;
    return { reason, line: hash.loc.first_line, column: hash.loc.first_column + 1 };
  }
  // Other parse failures (e.g. "if doesn't match each") carry the place on the exception.
  return { reason: error.message.replace(/ - \d+:\d+$/, ''), line: error.lineNumber ?? 1, column: (error.column ?? 0) + 1 };
}

interface OpenBlock { tag: string; closing: string; line: number; column: number }

/**
 * The innermost block still open at the end of the template — `{{#each}}`, `{{^if}}`, `{{#> layout}}` — found with
 * Handlebars' own lexer, so that comments and escaped `\\{{` count as the parser counts them.
 */
function unclosedBlock(source: string): OpenBlock | undefined {
  const { lexer, symbols_: tokens } = parser;
  const openers = new Map<number | undefined, (name: string) => Pick<OpenBlock, 'tag' | 'closing'>>([
    [tokens.OPEN_BLOCK, (name) => ({ tag: `{{#${name}}}`, closing: `{{/${name}}}` })],
    [tokens.OPEN_INVERSE, (name) => ({ tag: `{{^${name}}}`, closing: `{{/${name}}}` })],
    [tokens.OPEN_PARTIAL_BLOCK, (name) => ({ tag: `{{#> ${name}}}`, closing: `{{/${name}}}` })],
  ]);
    const open: OpenBlock[] = [];
  let opened: { describe: (name: string) => Pick<OpenBlock, 'tag' | 'closing'>; line: number; column: number } | undefined;
  lexer.setInput(source);
  for (;;) {
    const lexed = lexer.lex();
    const token = typeof lexed === 'string' ? tokens[lexed] : lexed;
    if (token === tokens.EOF || token === lexer.EOF) break;
    // A block's name is the token right after its opening `{{#`.
    if (opened) open.push({ ...opened.describe(token === tokens.ID ? lexer.yytext : '…'), line: opened.line, column: opened.column });
    opened = undefined;
    const describe = openers.get(token);
    if (describe) opened = { describe, line: lexer.yylloc.first_line, column: lexer.yylloc.first_column + 1 };
    else if (token === tokens.OPEN_ENDBLOCK) open.pop();
  }
  return open.at(-1);
}
