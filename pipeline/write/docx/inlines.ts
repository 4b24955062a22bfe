import { Bookmark, ExternalHyperlink, FootnoteReferenceRun, InternalHyperlink, type ParagraphChild, SoftHyphen, TextRun } from 'docx';
import type { Break, Emphasis, FootnoteReference, Html, Image, InlineCode, Link, PhrasingContent, Strong, Text } from 'mdast';
import type { TextDirective } from 'mdast-util-directive';
import { toString } from 'mdast-util-to-string';
import { robotoFaceOf, widestCharacter } from '../fonts.js';
import { syllables } from '../hyphenation.js';
import { bookmarkName, type Context, warn, wordLanguage } from './context.js';
import { robotoAdvance } from './font-metrics.js';
import { fallbackWidening, tableFontSize } from './geometry.js';

type InlineHandler = (node: never, ctx: Context) => ParagraphChild[];

/** A run of text with the language and formatting of where it is; every run carries `w:lang`. */
export function textRun(text: string, ctx: Context): TextRun {
  const format = { language: { value: ctx.lang }, bold: ctx.bold, italics: ctx.italics, style: ctx.runStyle };
  const wide = ctx.cellWidth === undefined ? [] : text.split(/\s+/).filter((word) => mayNotFit(word, ctx.cellWidth!, ctx));
  return new TextRun(wide.length === 0 ? { text, ...format } : { children: withSoftHyphens(text, new Set(wide), ctx.lang), ...format });
}

/** Whether `word`, as table text, may be wider than `width` points in Roboto or the wider font that may replace it. */
function mayNotFit(word: string, width: number, ctx: Context): boolean {
  const widening = ctx.bold ? fallbackWidening.bold : fallbackWidening.regular;
  if (word.length * widestCharacter * tableFontSize * widening <= width) return false;
  const face = robotoFaceOf(ctx.bold, ctx.italics);
  const ems = [...word].reduce((sum, character) => sum + robotoAdvance(character.codePointAt(0)!, face), 0);
  return ems * tableFontSize * widening > width;
}

/**
 * `text` with a soft hyphen (`w:softHyphen`) between the syllables of the `wide` words: Word and LibreOffice break
 * such a word there, with a hyphen, where it meets the end of a line (and show nothing elsewhere), rather than at
 * whatever letter the column ends.
 */
function withSoftHyphens(text: string, wide: Set<string>, lang: string): (string | SoftHyphen)[] {
  const children: (string | SoftHyphen)[] = [];
  let plain = '';
  for (const word of text.split(/(\s+)/)) {
    const [first, ...rest] = wide.has(word) ? syllables(word, lang) : [word];
    plain += first;
    for (const part of rest) {
      children.push(plain, new SoftHyphen());
      plain = part!;
    }
  }
  return [...children, plain];
}

/** Phrasing content → runs, hyperlinks and bookmarks, by node type (text directives by `:name`). */
export function inlines(nodes: readonly PhrasingContent[], ctx: Context): ParagraphChild[] {
  return nodes.flatMap((node) => inline(node, ctx));
}

function inline(node: PhrasingContent, ctx: Context): ParagraphChild[] {
  const key = node.type === 'textDirective' ? `:${node.name}` : node.type;
  const handler = inlineHandlers[key] as ((node: PhrasingContent, ctx: Context) => ParagraphChild[]) | undefined;
  if (handler) return handler(node, ctx);
  warn(ctx, node, `the DOCX writer has no handler for inline \`${key}\`; its text is kept`, 'docx-unsupported-node');
  return [textRun(toString(node), ctx)];
}

const inlineHandlers: Record<string, InlineHandler> = {
  // A Markdown soft line break is a space in the rendered text.
  text: (node: Text, ctx) => [textRun(node.value.replace(/[ \t]*\n[ \t]*/g, ' '), ctx)],
  emphasis: (node: Emphasis, ctx) => inlines(node.children, { ...ctx, italics: true }),
  strong: (node: Strong, ctx) => inlines(node.children, { ...ctx, bold: true }),
  inlineCode: (node: InlineCode, ctx) => [textRun(node.value, { ...ctx, runStyle: 'Code' })],
  break: (_node: Break, ctx) => [new TextRun({ break: 1, language: { value: ctx.lang } })],
  link: (node: Link, ctx) => {
    const children = inlines(node.children, { ...ctx, runStyle: 'Hyperlink' });
    return node.url.startsWith('#')
      ? [new InternalHyperlink({ anchor: bookmarkName(node.url.slice(1)), children })]
      : [new ExternalHyperlink({ link: node.url, children })];
  },
  footnoteReference: (node: FootnoteReference, ctx) => {
    const id = ctx.doc.footnoteId(node.identifier, ctx);
    if (id !== undefined) return [new FootnoteReferenceRun(id)];
    warn(ctx, node, `footnote \`[^${node.label ?? node.identifier}]\` has no definition`, 'docx-missing-footnote');
    return [textRun(`[^${node.label ?? node.identifier}]`, ctx)];
  },
  html: (node: Html, ctx) => {
    warn(ctx, node, 'raw HTML is written as literal text in DOCX', 'docx-html');
    return [textRun(node.value, ctx)];
  },
  image: (node: Image, ctx) => {
    warn(ctx, node, 'Markdown images are not embedded in DOCX (use ::figure); its alt text is kept', 'docx-image');
    return node.alt ? [textRun(node.alt, ctx)] : [];
  },
  ':lang': (node: TextDirective, ctx) => inlines(node.children, { ...ctx, lang: wordLanguage(node.attributes?.code ?? '') }),
  ':anchor': (node: TextDirective) => [new Bookmark({ id: bookmarkName(node.attributes?.id ?? ''), children: [] })],
};
