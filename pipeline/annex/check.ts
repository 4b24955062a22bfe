import type { z } from 'zod';
import type { Labels } from '../render/labels.js';
import { walkFields } from './collections.js';
import { type Expression, ExpressionSyntaxError, parseExpression } from './expression.js';
import { functions } from './functions.js';

/** What an expression may name where it is used. */
export interface CheckScope {
  /** Variables and the schema of their value (undefined when it is not known before the data). */
  variables: Map<string, z.ZodType | undefined>;
  /** Names set by `let`: used as they are, with no fields below them. */
  lets: Set<string>;
  labels: Labels;
}

export interface ExpressionProblem {
  message: string;
  /** Character offset in the expression. */
  at: number;
}

/** Parses and checks an expression: syntax, names, fields against the data schema, functions and their arguments. */
export function checkExpression(source: string, scope: CheckScope): { expression?: Expression; problems: ExpressionProblem[] } {
  let expression: Expression;
  try {
    expression = parseExpression(source);
  } catch (error) {
    if (!(error instanceof ExpressionSyntaxError)) throw error;
    return { problems: [{ message: `expression syntax: ${error.message}`, at: error.at }] };
  }
  const problems: ExpressionProblem[] = [];
  shapeOf(expression, scope, problems);
  return { expression, problems };
}

/** Checks `expression` and returns the schema of its value, where known. */
function shapeOf(expression: Expression, scope: CheckScope, problems: ExpressionProblem[]): z.ZodType | undefined {
  const problem = (message: string) => (problems.push({ message, at: expression.at }), undefined);
  if (expression.kind === 'literal') return undefined;
  if (expression.kind === 'path') {
    const [root, ...fields] = expression.parts as [string, ...string[]];
    if (scope.lets.has(root)) return fields.length > 0 ? problem(`"${root}" is set by let: it has no fields`) : undefined;
    if (!scope.variables.has(root)) {
      return problem(`unknown name "${root}" (known here: ${[...scope.variables.keys(), ...scope.lets].join(', ')})`);
    }
    const start = scope.variables.get(root);
    if (!start) return undefined;
    const walked = walkFields(start, root, fields);
    if (!walked.problem) return walked.schema;
    // Point at the field that is wrong, not at the start of the path.
    const before = [root, ...fields.slice(0, walked.field)].join('.').length + 1;
    problems.push({ message: walked.problem, at: expression.at + before });
    return undefined;
  }
  const definition = Object.hasOwn(functions, expression.name) ? functions[expression.name] : undefined;
  if (!definition) return problem(`unknown function "${expression.name}" (known: ${Object.keys(functions).join(', ')})`);
  const shapes = expression.args.map((arg) => shapeOf(arg, scope, problems));
  const [min, max] = definition.arity;
  if (expression.args.length < min || expression.args.length > max) {
    return problem(`${expression.name} takes ${min === max ? min : `${min} to ${max}`} argument(s): ${definition.usage}`);
  }
  const literal = (index: number) => (definition.literals === 'rest' ? index > 0 : definition.literals.includes(index));
  const notText = expression.args.findIndex((arg, index) => literal(index) && !(arg.kind === 'literal' && typeof arg.value === 'string'));
  if (notText >= 0) return problem(`argument ${notText + 1} of ${expression.name} must be text in quotes: ${definition.usage}`);
  const own = definition.check?.({ args: expression.args, shapes, labels: scope.labels });
  if (own) return problem(own);
  return definition.keepsShape ? shapes[0] : undefined;
}
