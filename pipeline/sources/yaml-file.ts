import { createHash } from 'node:crypto';
import { type Document, isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import type { VFile } from 'vfile';

export interface Place { line: number; column: number }
export type FieldPath = (string | number)[];

/** The means to point back at any field of a YAML file. */
export interface YamlLocator {
  path: string;
  /** Where a field is: its value, or for a missing field the map that should hold it. */
  locate(path: FieldPath, at?: 'key' | 'value'): Place;
  /** The raw value at a path, for "got …" in messages. */
  valueAt(path: FieldPath): unknown;
}

/** A parsed YAML source: its data, and where each field is. */
export interface YamlSource extends YamlLocator {
  data: unknown;
  /**
   * The locator alone, keeping only the file's text: it parses it again if asked. A loaded project keeps one per
   * file for the rare message placed after loading; a parsed document is many times the size of its data.
   */
  locator(): YamlLocator;
}

const BOM = 0xfeff;

/**
 * Bytes → YAML data, reporting problems on `file` with their place: non-UTF-8 bytes, a BOM (accepted
 * with a warning), an empty file, YAML syntax errors, tabs, duplicate keys, text taken for an alias or an anchor,
 * and data nested or aliased beyond reason. Returns undefined when the file cannot be read as data.
 */
export function readYaml(file: VFile, bytes: Uint8Array, readAgain?: () => Uint8Array): YamlSource | undefined {
  const text = decodeUtf8(file, bytes);
  if (text === undefined) return undefined;
  let source = text;
  if (source.charCodeAt(0) === BOM) {
    file.message('the file starts with a byte-order mark (BOM); it was ignored — save as UTF-8 without BOM', {
      place: { line: 1, column: 1 }, ruleId: 'yaml-bom', source: 'ek-towns',
    });
    source = source.slice(1);
  }
  if (source.trim() === '' || /^(\s*#.*\n?)*\s*$/.test(source)) {
    error(file, 'the file is empty; expected a YAML mapping', { line: 1, column: 1 }, 'yaml-empty');
    return undefined;
  }
  const { doc, lineCounter } = parseYaml(source);
  const at = placeIn(lineCounter);
  // Problems that explain everything else the parser says about their line: only they are reported there.
  const primary = [...tabProblems(doc), ...anchorProblems(doc, source)];
  const lines = new Set(primary.map((p) => at(p.offset).line));
  const problems = [
    ...primary,
    ...[...doc.errors, ...doc.warnings]
      .filter((problem) => problem.code !== 'TAB_AS_INDENT')
      .map((problem): Problem => {
        const { text, offset } = yamlReason(problem.code, problem.message, problem.pos[0], doc, at, source);
        return { reason: text, offset: offset ?? problem.pos[0], ruleId: `yaml-${problem.code.toLowerCase().replaceAll('_', '-')}` };
      })
      .filter((problem) => !lines.has(at(problem.offset).line)),
  ].sort((a, b) => a.offset - b.offset);
  for (const problem of problems) error(file, problem.reason, at(problem.offset), problem.ruleId);
  if (problems.length > 0) return undefined;
  let data: unknown;
  try {
    // A copy: the values the parser gives are slices of the file's text, and a slice keeps the whole text alive.
    data = structuredClone(doc.toJS({ maxAliasCount: 50 }));
  } catch (failure) {
    // The parser accepted the file, but its aliases expand into too much data (a "billion laughs" file).
    let first: number | undefined;
    visit(doc, { Alias: (_key, node) => ((first ??= node.range?.[0]), visit.BREAK) });
    const reason = failure instanceof ReferenceError && first !== undefined
      ? 'the aliases (*name) in this file expand into too much data; write the values out instead of repeating them with aliases'
      : `the file could not be read as data (${(failure as Error).message})`;
    error(file, reason, at(first ?? 0), 'yaml-aliases');
    return undefined;
  }
  if (data === null || data === undefined) {
    error(file, 'the file is empty; expected a YAML mapping', { line: 1, column: 1 }, 'yaml-empty');
    return undefined;
  }
  // The locator keeps the file's bytes, not its text: as a string, a file with one non-Latin-1 letter takes two bytes
  // a character, on the heap; the bytes are half that, off it (for 1,000 towns, some 35 MB against 17).
  return yamlSource(file.path, textOf(bytes, source.length !== text.length, readAgain), { doc, lineCounter }, data);
}

/**
 * The text again, when a message needs it; made apart from readYaml, to hold nothing else. With `readAgain` it holds
 * only a hash of the bytes and reads them again; should the file have changed since, nothing can be placed in it
 * (its messages go at its top) rather than at the wrong line.
 */
function textOf(bytes: Uint8Array, bom: boolean, readAgain?: () => Uint8Array): () => string {
  return readAgain ? textReadAgain(hashOf(bytes), bom, readAgain) : () => decodeText(bytes, bom);
}

/** Made apart from textOf, whose scope holds the bytes. */
function textReadAgain(hash: string, bom: boolean, readAgain: () => Uint8Array): () => string {
  return () => {
    const again = readAgainOrNothing(readAgain);
    return again && hashOf(again) === hash ? decodeText(again, bom) : '';
  };
}

const hashOf = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const decodeText = (bytes: Uint8Array, bom: boolean) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(bom ? 1 : 0);

function readAgainOrNothing(readAgain: () => Uint8Array): Uint8Array | undefined {
  try {
    return readAgain();
  } catch {
    return undefined;
  }
}

/** Made apart from readYaml, so that its closures hold the bytes and nothing else of the parse. */
function yamlSource(path: string, read: () => string, first: ParsedYaml, data: unknown): YamlSource {
  const { forget, ...locator } = lazyYamlLocator(path, read, first);
  return {
    ...locator,
    data,
    locator: () => {
      forget();
      return locator;
    },
  };
}

/** A locator that parses the text (`read`) when first asked where a field is; `forget` drops the parse. */
export function lazyYamlLocator(path: string, read: () => string, first?: ParsedYaml): YamlLocator & { forget(): void } {
  let parsed = first;
  const parsedNow = () => (parsed ??= parseYaml(read()));
  return {
    path,
    locate: (field, where = 'value') => {
      const { doc, lineCounter } = parsedNow();
      return placeIn(lineCounter)(offsetOf(doc, field, where));
    },
    valueAt: (field) => {
      const value = parsedNow().doc.getIn(field, true);
      return isNode(value) ? value.toJSON() : value;
    },
    forget: () => {
      parsed = undefined;
    },
  };
}

type ParsedYaml = { doc: Document; lineCounter: LineCounter };

function parseYaml(source: string): ParsedYaml {
  const lineCounter = new LineCounter();
  return { doc: parseDocument(source, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true }), lineCounter };
}

const placeIn = (lineCounter: LineCounter) => (offset: number): Place => {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
};

interface Problem { reason: string; offset: number; ruleId: string }

function tabProblems(doc: Document): Problem[] {
  return [...doc.errors, ...doc.warnings]
    .filter((problem) => problem.code === 'TAB_AS_INDENT')
    .map((problem) => ({ reason: 'tab used for indentation; YAML needs spaces', offset: problem.pos[0], ruleId: 'yaml-tab-as-indent' }));
}

/**
 * Text that starts with `*` or `&` (Markdown emphasis, "& Co.") is read by YAML as an alias or an anchor: an
 * unknown alias would stop the load, and an anchor silently leaves its word out of the text. The sources use
 * neither, so both are located errors that say to quote the text.
 */
function anchorProblems(doc: Document, source: string): Problem[] {
  const problems: Problem[] = [];
  const anchors = new Map<string, number>();
  const used = new Set<string>();
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) {
        if (!anchors.has(node.source)) {
          problems.push({
            reason: `"*${node.source}" starts with "*", so YAML reads it as an alias of an &anchor, and there is none; put text that starts with "*" in quotes`,
            offset: node.range?.[0] ?? 0,
            ruleId: 'yaml-unknown-alias',
          });
        }
        used.add(node.source);
      } else if (node.anchor && !anchors.has(node.anchor)) {
        const start = node.range?.[0] ?? 0;
        const offset = source.lastIndexOf(`&${node.anchor}`, start);
        anchors.set(node.anchor, offset >= 0 ? offset : start);
      }
    },
  });
  for (const [name, offset] of anchors) {
    if (used.has(name)) continue;
    problems.push({
      reason: `"&${name}" starts with "&", so YAML reads it as an anchor name and leaves it out of the text; put text that starts with "&" in quotes`,
      offset,
      ruleId: 'yaml-unused-anchor',
    });
  }
  return problems;
}

function decodeUtf8(file: VFile, bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    // The lenient decoding agrees with the bytes up to the first replacement character: that is the bad byte.
    const lenient = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    const before = lenient.slice(0, lenient.indexOf('\uFFFD'));
    const byte = bytes[Buffer.byteLength(before)] ?? 0;
    const lines = before.split('\n');
    const hex = byte.toString(16).toUpperCase().padStart(2, '0');
    error(file, `the file is not valid UTF-8 (byte 0x${hex}; saved as Latin-1 or Windows-1252?); save it as UTF-8`, {
      line: lines.length, column: lines.at(-1)!.length + 1,
    }, 'yaml-encoding');
    return undefined;
  }
}

function yamlReason(code: string, message: string, offset: number, doc: Document, at: (offset: number) => Place, source: string): { text: string; offset?: number } {
  const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  if (code === 'DUPLICATE_KEY') return { text: 'duplicate key: each field may appear only once in a mapping' };
  if (code === 'MULTIPLE_DOCS') return { text: 'a second YAML document starts here ("---"); a source file holds one mapping' };
  if (code === 'RESOURCE_EXHAUSTION') {
    // The parser stops where it ran out of stack, which moves from run to run: point at the value's first bracket.
    return { text: 'the data is nested too deeply to read (hundreds of levels of [ ] or { }); a source file needs only a few', offset: deepNestStart(source) };
  }
  if (code === 'BAD_INDENT' && /^Flow (sequence|map) /.test(first)) {
    // An unclosed [ or {: point at where it was opened, which is where the editor has to look.
    let open: { offset: number; seq: boolean } | undefined;
    visit(doc, {
      Node: (_key, node) => {
        if ((isSeq(node) || isMap(node)) && node.flow && node.range && node.range[1] === offset) open = { offset: node.range[0], seq: isSeq(node) };
      },
    });
    if (open) {
      const { line, column } = at(offset);
      const [opening, closing] = open.seq ? ['[', ']'] : ['{', '}'];
      return { text: `YAML syntax: the "${opening}" opened here is not closed with "${closing}" (the ${open.seq ? 'list' : 'mapping'} runs on to line ${line}, column ${column})`, offset: open.offset };
    }
  }
  return { text: `YAML syntax: ${first}` };
}

function offsetOf(doc: Document, path: FieldPath, where: 'key' | 'value'): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const parentPath = path.slice(0, depth - 1);
    const node = doc.getIn(path.slice(0, depth), true);
    if (depth > 0 && where === 'key') {
      const parent = doc.getIn(parentPath, true);
      const key = path[depth - 1];
      if (isMap(parent)) {
        const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key);
        if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
      }
    }
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return range[0];
    where = 'key';
  }
  return 0;
}

function error(file: VFile, reason: string, place: Place, ruleId: string): void {
  file.message(reason, { place, ruleId, source: 'ek-towns' }).fatal = true;
}

/** Deeper than any source needs, far shallower than where the parser runs out of stack. */
const tooDeep = 64;

/**
 * Where the first value nested more than `tooDeep` brackets begins (its outermost `[` or `{`), counting every bracket
 * in the file: a stray one in a text may move the place, never make it vary. Only a file the parser already found
 * too deep is scanned.
 */
function deepNestStart(source: string): number | undefined {
  let depth = 0;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '[' || c === '{') {
      if (depth++ === 0) start = i;
      if (depth > tooDeep) return start;
    } else if ((c === ']' || c === '}') && depth > 0) {
      depth--;
    }
  }
  return undefined;
}
