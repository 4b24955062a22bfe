import { relative, sep } from 'node:path';
import Handlebars from 'handlebars';
import { VFile } from 'vfile';
import type { SourceFile } from '../sources/load.js';
import type { Lang } from '../write/options.js';
import { type Helpers, TemplateFault } from './helpers.js';
import type { Labels } from './labels.js';

type Ast = hbs.AST.Program;
type Node = hbs.AST.Node & { loc: hbs.AST.SourceLocation };

export interface Template {
  path: string;
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
  const templates = new Map<string, Template>();
  const files: VFile[] = [];
  for (const source of sources) {
    const file = new VFile({ path: source.path, value: Buffer.from(source.bytes).toString('utf8') });
    files.push(file);
    let ast: Ast;
    try {
      ast = handlebars.parse(String(file.value));
    } catch (error) {
      const { reason, line, column } = parseErrorPlace(error as Error);
      file.message(`template syntax: ${reason}`, { place: { line, column }, ruleId: 'template-syntax', source: 'ek-towns' }).fatal = true;
      continue;
    }
    lint(ast, file, helpers.names, labels);
    const name = templateName(root, source.path);
    const compiled = handlebars.compile(ast, { noEscape: true, strict: true, knownHelpersOnly: false });
    if (name.startsWith('partials/')) handlebars.registerPartial(name.slice('partials/'.length), compiled);
    templates.set(name, {
      path: source.path,
      render: (context) => {
        try {
          return compiled(context, { allowProtoPropertiesByDefault: false });
        } catch (error) {
          if (!(error instanceof TemplateFault)) throw error;
          const message = new VFile({ path: source.path }).message(error.message, {
            place: error.loc && { line: error.loc.start.line, column: error.loc.start.column + 1 },
            ruleId: 'template-data', source: 'ek-towns',
          });
          message.fatal = true;
          throw message;
        }
      },
    });
  }
  return { templates, files };
}

/** `<root>/brief.md.hbs` → `brief`; `<root>/partials/facts.hbs` → `partials/facts`. */
export function templateName(root: string, path: string): string {
  return relative(root, path).split(sep).join('/').replace(/\.(md\.)?hbs$/, '');
}

function lint(ast: Ast, file: VFile, helperNames: Set<string>, labels: Labels): void {
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

// Handlebars' generated parser reports token positions only through this hook; its default throws a message
// whose excerpt has lost the line breaks. There is one parser per process, so the hook is set once here.
(Handlebars as unknown as { Parser: { parseError: (message: string, hash: unknown) => never } }).Parser.parseError = (message, hash) => {
  throw Object.assign(new Error(message), { hash });
};

function parseErrorPlace(error: Error & ParseFailure & HandlebarsException): { reason: string; line: number; column: number } {
  const { hash } = error;
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
