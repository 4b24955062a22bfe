/**
 * The spec's value language — small on purpose, and never evaluated as JavaScript:
 *
 *   town.name                       a dotted path into the row's variables (through lists: each item's field)
 *   'text'  12  true  nothing       literals (text in single quotes, '' is a quote; nothing: an empty cell)
 *   label('types', town.type.value) a call of one of the named functions in functions.ts
 */
export type Expression =
  | { kind: 'path'; parts: string[]; at: number }
  | { kind: 'literal'; value: string | number | boolean | null; at: number }
  | { kind: 'call'; name: string; args: Expression[]; at: number };

/** A syntax error, `at` a character offset in the expression. */
export class ExpressionSyntaxError extends Error {
  constructor(message: string, readonly at: number) {
    super(message);
  }
}

const token = /\s*(?:([A-Za-z_][A-Za-z0-9_]*)|('(?:[^']|'')*')|(-?\d+(?:\.\d+)?)|([().,]))/y;

export function parseExpression(source: string): Expression {
  let position = 0;
  type Token = { text: string; kind: 'name' | 'string' | 'number' | 'punct'; at: number };
  const tokens: Token[] = [];
  while (position < source.length) {
    token.lastIndex = position;
    const match = token.exec(source);
    if (!match) {
      if (source.slice(position).trim() === '') break;
      const at = position + (source.slice(position).length - source.slice(position).trimStart().length);
      throw new ExpressionSyntaxError(`unexpected ${JSON.stringify(source[at])}`, at);
    }
    const text = match[1] ?? match[2] ?? match[3] ?? match[4]!;
    const kind = match[1] ? 'name' : match[2] ? 'string' : match[3] ? 'number' : 'punct';
    tokens.push({ text, kind, at: token.lastIndex - text.length });
    position = token.lastIndex;
  }

  let next = 0;
  const peek = () => tokens[next];
  const expect = (text: string) => {
    const t = tokens[next];
    if (t?.text !== text) throw new ExpressionSyntaxError(`expected "${text}"${t ? ` but found "${t.text}"` : ' at the end'}`, t?.at ?? source.length);
    next++;
  };
  const expression = (): Expression => {
    const t = tokens[next++];
    if (!t) throw new ExpressionSyntaxError('expected a value at the end', source.length);
    if (t.kind === 'string') return { kind: 'literal', value: t.text.slice(1, -1).replaceAll("''", "'"), at: t.at };
    if (t.kind === 'number') return { kind: 'literal', value: Number(t.text), at: t.at };
    if (t.kind !== 'name') throw new ExpressionSyntaxError(`unexpected "${t.text}"`, t.at);
    if (t.text === 'true' || t.text === 'false') return { kind: 'literal', value: t.text === 'true', at: t.at };
    if (t.text === 'nothing') return { kind: 'literal', value: null, at: t.at };
    if (peek()?.text === '(') {
      next++;
      const args: Expression[] = [];
      while (peek()?.text !== ')') {
        args.push(expression());
        if (peek()?.text !== ',') break;
        next++;
      }
      expect(')');
      return { kind: 'call', name: t.text, args, at: t.at };
    }
    const parts = [t.text];
    while (peek()?.text === '.') {
      next++;
      const field = tokens[next++];
      if (field?.kind !== 'name') throw new ExpressionSyntaxError('expected a field name after "."', field?.at ?? source.length);
      parts.push(field.text);
    }
    return { kind: 'path', parts, at: t.at };
  };
  const result = expression();
  const rest = peek();
  if (rest) throw new ExpressionSyntaxError(`unexpected "${rest.text}" after the expression`, rest.at);
  return result;
}
