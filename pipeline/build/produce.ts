import { DiagnosticsError, formatMessage } from '../diagnostics.js';
import type { Provenance } from '../write/options.js';
import type { Output } from './outputs.js';

/**
 * What making one output came to, as plain data, so that a worker thread can hand it back: the bytes and the
 * warnings (as printed), a skip (a source it needs is broken), or a failure with its located errors.
 */
export type Outcome =
  | { kind: 'made'; bytes: Uint8Array; warnings: string[] }
  | { kind: 'skipped'; reason: string }
  | { kind: 'failed'; text: string };

/** Raised by an output that cannot be made because a source it needs has errors (or changed while the build ran). */
export class SkippedOutput extends Error {}

export async function produceOutcome(output: Output, provenance: Provenance): Promise<Outcome> {
  try {
    const { bytes, messages } = await output.produce(provenance);
    return { kind: 'made', bytes, warnings: messages.map(formatMessage) };
  } catch (error) {
    return outcomeOfError(output.path, error);
  }
}

/** What an error raised while making an output (or gathering what it needs) comes to. */
export function outcomeOfError(path: string, error: unknown): Outcome {
  if (error instanceof SkippedOutput) return { kind: 'skipped', reason: error.message };
  // A located problem is printed as such; anything else is our bug, said in one line rather than a stack trace.
  return { kind: 'failed', text: error instanceof DiagnosticsError ? error.message : internalError(path, error) };
}

export function internalError(path: string, error: unknown): string {
  return `internal error while making ${path}: ${(error as Error)?.message ?? String(error)} (please report it with the command you ran)`;
}
