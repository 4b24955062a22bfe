import type { Root } from 'mdast';
import type { VFile } from 'vfile';
import { type CaptionLabels, resolveLinkTargets } from './link-targets.js';
import { parseMarkdown } from './parse.js';

/** Markdown (in `file`) → the one mdast tree every writer reads, with link targets resolved. */
export function markdownToTree(file: VFile, labels: CaptionLabels, headingIdPrefix = ''): Root {
  return resolveLinkTargets(parseMarkdown(file), file, labels, headingIdPrefix);
}
