import { VFileMessage } from 'vfile-message';
import { formatFieldPath } from '../sources/zod-messages.js';
import type { RenderState } from './helpers.js';

type Locate = (file: string, path: (string | number)[]) => { line: number; column: number } | undefined;

/**
 * A message about generated Markdown points at Markdown nobody wrote. Re-place it at what produced that text:
 * the YAML field of an inserted value, else the template helper call that inserted it, else the template.
 */
export function traceMessage(message: VFileMessage, markdown: string, state: RenderState, templatePath: string, locate: Locate): VFileMessage {
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
  return relocated(message, templatePath, undefined, ` (line ${message.line ?? '?'} of the Markdown it generated)`);
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
