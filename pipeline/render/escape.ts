import type { PhrasingContent } from 'mdast';
import { directiveToMarkdown } from 'mdast-util-directive';
import { gfmToMarkdown } from 'mdast-util-gfm';
import { type Options, toMarkdown } from 'mdast-util-to-markdown';

/**
 * Data values are untrusted: each is escaped for the Markdown context it lands in, by serialising it as a text
 * node with mdast-util-to-markdown, so `*`, `_`, `|`, `[x](javascript:…)` or `<script>` come out literally and
 * never change the document's structure. Line breaks in a value become spaces: a value is one run of text.
 */
const oneLine = (value: string) => value.replace(/\s*[\r\n]+\s*/g, ' ');
// The same syntax extensions the parser uses (pipeline/markdown/parse.ts), so `:name`, `[^1]`, `~x~` and
// table pipes are escaped too.
const syntax: Options = { extensions: [gfmToMarkdown(), directiveToMarkdown()] };

/**
 * The same values (town names, citations, stage titles) are escaped again and again across documents, and each
 * escape runs the whole serialiser: each kind keeps what it made, up to a bound (then starts afresh). A build of the
 * eight towns escapes at most ~420 values of a kind; a run of many towns keeps no more than the bound.
 */
function remembered<Args extends string[], Result>(escape: (...args: Args) => Result): (...args: Args) => Result {
  const made = new Map<string, Result>();
  return (...args) => {
    const key = args.join('\u0000');
    if (made.has(key)) return made.get(key) as Result;
    if (made.size >= 2_000) made.clear();
    const result = escape(...args);
    made.set(key, result);
    return result;
  };
}

/** Inline text in a paragraph, heading or list item. */
export const escapeText = remembered(text);

function text(value: string): string {
  return toMarkdown({ type: 'paragraph', children: [{ type: 'text', value: oneLine(value) }] }, syntax).replace(/\n$/, '');
}

/** Text inside a GFM table cell, where `|` would otherwise end the cell. */
export const escapeCell = remembered(cell);

function cell(value: string): string {
  const row = { type: 'tableRow' as const, children: [{ type: 'tableCell' as const, children: [{ type: 'text' as const, value: oneLine(value) }] }] };
  const table = toMarkdown({ type: 'table', children: [row] }, syntax);
  return table.slice(table.indexOf('|') + 1, table.indexOf('\n')).replace(/\|\s*$/, '').trim();
}

/** Text inside a directive label (`::figure[…]`, `:lang[…]`), where `]` would end the label. */
export const escapeLabel = remembered(label);

function label(value: string): string {
  const node = { type: 'textDirective' as const, name: 'x', children: [{ type: 'text' as const, value: oneLine(value) }] };
  const markdown = toMarkdown({ type: 'paragraph', children: [node as PhrasingContent] }, syntax);
  return markdown.trim().slice(':x['.length, -1);
}

// http(s), mailto, #id, or a relative path (no scheme: nothing before a colon but path characters).
const safeUrl = /^(https?:|mailto:|#|\.{0,2}\/?[\w.-]+(\/[\w.-]+)*$)/i;

/** A link whose text and URL come from data; a URL other than http(s), mailto, `#id` or a relative path is refused. */
export const escapeLink = remembered(link);

function link(text: string, url: string): string | undefined {
  if (!safeUrl.test(url)) return undefined;
  return toMarkdown({ type: 'paragraph', children: [{ type: 'link', url, children: [{ type: 'text', value: oneLine(text) }] }] }, syntax).trim();
}
