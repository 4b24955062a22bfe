import type { VFile, } from 'vfile';
import type { VFileMessage } from 'vfile-message';

/** One or more located errors; the CLI prints each as `file:line:col message` and exits 1. */
export class DiagnosticsError extends Error {
  constructor(readonly messages: VFileMessage[]) {
    super(messages.map(formatMessage).join('\n'));
    this.name = 'DiagnosticsError';
  }
}

export function throwIfFatal(file: VFile): void {
  const fatal = file.messages.filter((m) => m.fatal);
  if (fatal.length > 0) throw new DiagnosticsError(fatal);
}

/** `path:line:col ruleId: reason` — the form editors and terminals turn into links. */
export function formatMessage(message: VFileMessage): string {
  const where = [message.file || '<input>', message.line ?? 1, message.column ?? 1].join(':');
  const kind = message.fatal ? 'error' : 'warning';
  return `${where} ${kind}: ${message.reason}`;
}
