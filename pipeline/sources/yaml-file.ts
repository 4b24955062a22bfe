import { type Document, isMap, isNode, isPair, isScalar, LineCounter, parseDocument } from 'yaml';
import type { VFile } from 'vfile';

export interface Place { line: number; column: number }
export type FieldPath = (string | number)[];

/** A parsed YAML source with the means to point back at any field in it. */
export interface YamlSource {
  path: string;
  data: unknown;
  /** Where a field is: its value, or for a missing field the map that should hold it. */
  locate(path: FieldPath, at?: 'key' | 'value'): Place;
  /** The raw value at a path, for "got …" in messages. */
  valueAt(path: FieldPath): unknown;
}

const BOM = 0xfeff;

/**
 * Bytes → YAML data, reporting problems on `file` with their place: non-UTF-8 bytes, a BOM (accepted
 * with a warning), an empty file, YAML syntax errors, tabs and duplicate keys. Returns undefined when the
 * file cannot be read as data.
 */
export function readYaml(file: VFile, bytes: Uint8Array): YamlSource | undefined {
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
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const at = (offset: number): Place => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  for (const problem of [...doc.errors, ...doc.warnings]) {
    const reason = yamlReason(problem.code, problem.message);
    error(file, reason, at(problem.pos[0]), `yaml-${problem.code.toLowerCase().replaceAll('_', '-')}`);
  }
  if (doc.errors.length > 0) return undefined;
  return {
    path: file.path,
    data: doc.toJS({ maxAliasCount: 50 }),
    locate: (path, where = 'value') => at(offsetOf(doc, path, where)),
    valueAt: (path) => {
      const value = doc.getIn(path, true);
      return isNode(value) ? value.toJSON() : value;
    },
  };
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

function yamlReason(code: string, message: string): string {
  const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  if (code === 'DUPLICATE_KEY') return 'duplicate key: each field may appear only once in a mapping';
  if (code === 'TAB_AS_INDENT') return 'tab used for indentation; YAML needs spaces';
  return `YAML syntax: ${first}`;
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
