import type { Schema } from 'hast-util-sanitize';
import { defaultSchema } from 'rehype-sanitize';

const defaultAttributes = defaultSchema.attributes ?? {};

/**
 * GitHub's schema plus the elements and classes our directives produce. `id` and `lang` are already allowed on
 * every element by the default schema ('*'). Unknown class values are dropped, so untrusted content cannot style
 * itself as a callout or a page break through raw markup (raw HTML is text anyway).
 */
export const sanitizeSchema: Schema = {
  ...defaultSchema,
  // Ids are already prefixed where needed by remark-rehype (footnotes); a second prefix would break the back-links.
  clobberPrefix: '',
  tagNames: [...(defaultSchema.tagNames ?? []), 'figure', 'figcaption', 'aside', 'nav', 'header'],
  attributes: {
    ...defaultAttributes,
    div: [...(defaultAttributes.div ?? []), ['className', 'page-break']],
    nav: [['className', 'toc']],
    header: [['className', 'titlepage']],
    figure: [['className', 'table']],
    aside: [['className', 'callout', 'note', 'warning', 'facts']],
    // Replaces the default's `['className', 'footnotes']`: the first className rule found is the one applied.
    section: ['dataFootnotes', ['className', 'footnotes', 'landscape']],
  },
};
