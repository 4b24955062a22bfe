import { VFileMessage } from 'vfile-message';
import { formatFieldPath } from '../sources/zod-messages.js';
import type { RenderState } from './helpers.js';

type Locate = (file: string, path: (string | number)[]) => { line: number; column: number } | undefined;

/** The template that rendered the Markdown, and the texts of it and its partials. */
interface TemplateTexts { path: string; texts: { path: string; text: string }[] }

/**
 * A message about generated Markdown points at Markdown nobody wrote. Re-place it at what produced that text:
 * the YAML field of an inserted value, else the template helper call that inserted it, else the template text
 * it was written in, else the template.
 */
export function traceMessage(message: VFileMessage, markdown: string, state: RenderState, template: TemplateTexts, locate: Locate): VFileMessage {
  const templatePath = template.path;
  const offset = offsetOf(markdown, message.line ?? 1, message.column ?? 1);
  // A message is about a node: first the value holding the node's start; but a text node may begin with template
  // text before the inserted value ("…:** The ore deposit 🏭"), so a value inside the node can also be the one.
  const place = message.place && 'end' in message.place ? message.place.end : undefined;
  const last = place ? Math.max(offset, offsetOf(markdown, place.line, place.column) - 1) : offset;
  const holding: RenderState['trace'] = [];
  const overlapping: RenderState['trace'] = [];
  let from = 0;
  for (const entry of state.trace) {
    const start = markdown.indexOf(entry.output, from);
    if (start < 0) continue;
    const end = start + entry.output.length;
    from = end;
    if (offset >= start && offset <= end) holding.push(entry);
    else if (last >= start && offset <= end) overlapping.push(entry);
  }
  // Else a value inside the node that holds what the message quotes (the character the font lacks…).
  const quoted = [...message.reason.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
  const ordered = [...holding, ...overlapping.filter((e) => quoted.some((q) => e.output.includes(q)))];
  for (const entry of ordered) {
    const yaml = entry.origin && locate(entry.origin.file, entry.origin.path);
    // Named like the loader's messages: `file:line:col field.path: what`.
    if (entry.origin && yaml) return relocated(message, entry.origin.file, yaml, '', `${formatFieldPath(entry.origin.path)}: `);
    if (entry.loc) return relocated(message, templatePath, { line: entry.loc.start.line, column: entry.loc.start.column + 1 });
  }
  const literal = literalPlace(markdown, message, template.texts);
  if (literal) return relocated(message, literal.path, literal.place);
  return relocated(message, templatePath, undefined, ` (line ${message.line ?? '?'} of the Markdown it generated)`);
}

/**
 * Where the Markdown a message is about was written, when no value produced it: the one line of the template or
 * a partial sharing the longest stretch of text with it (`::sidebar`, `:ref{#fig-{{@root.lang}}-region-mapp}`),
 * placed at that stretch. Nothing when no line shares at least 8 characters (or all of a shorter text), or when
 * two lines share as much.
 */
function literalPlace(markdown: string, message: VFileMessage, texts: TemplateTexts['texts']) {
  const line = markdown.split('\n')[(message.line ?? 1) - 1] ?? '';
  const end = message.place && 'end' in message.place && message.place.end.line === message.line ? message.place.end.column - 1 : line.length;
  const text = line.slice((message.column ?? 1) - 1, end).trim() || line.trim();
  let best: { path: string; line: number; column: number; length: number } | undefined;
  let tied = false;
  for (const { path, text: source } of texts) {
    for (const [index, candidate] of source.split('\n').entries()) {
      const shared = longestShared(text, candidate);
      if (shared.length === 0 || (best && shared.length < best.length)) continue;
      tied = best !== undefined && shared.length === best.length;
      if (!tied) best = { path, line: index + 1, column: shared.start + 1, length: shared.length };
    }
  }
  if (!best || tied || best.length < Math.min(8, text.length)) return undefined;
  return { path: best.path, place: { line: best.line, column: best.column } };
}

/** The longest stretch of `a` also in `b`: its length and where it starts in `b`. */
function longestShared(a: string, b: string): { length: number; start: number } {
  let length = 0;
  let start = 0;
  let previous = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      if (a[i - 1] !== b[j - 1]) continue;
      current[j] = previous[j - 1]! + 1;
      if (current[j]! > length) [length, start] = [current[j]!, j - current[j]!];
    }
    previous = current;
  }
  return { length, start };
}

function relocated(message: VFileMessage, file: string, place: { line: number; column: number } | undefined, note = '', field = ''): VFileMessage {
  const copy = new VFileMessage(`${field}${message.reason}${note}`, { place, ruleId: message.ruleId ?? undefined, source: message.source ?? undefined });
  copy.file = file;
  copy.fatal = message.fatal;
  return copy;
}

function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) offset = text.indexOf('\n', offset) + 1;
  return offset + column - 1;
}
