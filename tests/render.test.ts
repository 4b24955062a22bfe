import { toString } from 'mdast-util-to-string';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { formatMessage } from '../pipeline/diagnostics.js';
import { markdownToTree } from '../pipeline/markdown/index.js';
import { escapeCell, escapeLabel, escapeLink, escapeText } from '../pipeline/render/escape.js';
import { createHelpers } from '../pipeline/render/helpers.js';
import type { Labels } from '../pipeline/render/labels.js';
import { compileTemplates } from '../pipeline/render/templates.js';
import type { Reference } from '../pipeline/sources/schema.js';

const hostile = [
  'Ridder *bold* _it_',
  'a | b | c',
  '[x](javascript:alert(1))',
  '<script>alert(1)</script>',
  '# not a heading',
  '1. not a list',
  '- not a list',
  'a]b[c',
  '`code` and \\ backslash',
  '&amp; stays literal',
  ':::callout not a directive',
  ':ref{#x}',
  '[^1] not a footnote',
];
const labels = { figure: 'Figure', table: 'Table' };
const treeOf = (markdown: string) => markdownToTree(new VFile({ path: 'x.md', value: markdown }), labels);

describe('escaping data for Markdown', () => {
  it.each(hostile)('keeps %j literal in text, table cells and directive labels', (value) => {
    const paragraph = treeOf(`Before ${escapeText(value)} after.\n`);
    expect(paragraph.children).toHaveLength(1);
    expect(toString(paragraph)).toBe(`Before ${value} after.`);

    const table = treeOf(`| h | h2 |\n| - | - |\n| ${escapeCell(value)} | z |\n`);
    const cells = (table.children[0] as import('mdast').Table).children[1]!.children;
    expect(cells.map((c) => toString(c))).toEqual([value, 'z']);

    const figure = treeOf(`::figure[${escapeLabel(value)}]{#f src=s}\n`);
    expect(figure.children[0]?.type).toBe('leafDirective');
    expect(toString(figure.children[0]!)).toBe(value);
  });

  it('turns line breaks in a value into spaces, so a value cannot start a new block', () => {
    expect(toString(treeOf(escapeText('one\n\n# two\n- three')))).toBe('one # two - three');
  });

  it('refuses links to anything but http(s), mailto and #id', () => {
    expect(escapeLink('x', 'javascript:alert(1)')).toBeUndefined();
    expect(escapeLink('x', 'data:text/html,hi')).toBeUndefined();
    expect(escapeLink('a]b', 'https://example.org/a b')).toBe('[a\\]b](<https://example.org/a b>)');
  });
});

const catalog = (entries: Record<string, string>) => new Map(Object.entries(entries));
const testLabels: Labels = {
  en: catalog({ 'x.hello': 'Hello {name}', 'types.industrial': 'Industrial town' }),
  es: catalog({ 'x.hello': 'Hola {name}', 'types.industrial': 'Ciudad industrial' }),
};
const references: Reference[] = [
  { id: 'ualtaeva-2011', type: 'document', author: [{ family: 'Ualtaeva', given: 'A. S.' }], issued: { year: 2011 } },
  { id: 'absemetov-2016', type: 'document', author: [{ family: 'Absemetov' }, { family: 'Zinoviev' }], issued: { year: 2016 } },
  { id: 'paper', type: 'article-journal', author: [{ family: 'Amanbekova', given: 'N.' }], note: 'et al.' },
  { id: 'ualtaeva-2014', type: 'document', author: [{ family: 'Ualtaeva' }], issued: { year: 2014 } },
];

function compile(source: string, path = 'templates/x.md.hbs') {
  const helpers = createHelpers(references, testLabels, new WeakMap());
  const { templates, files } = compileTemplates('templates', [{ path, bytes: Buffer.from(source) }], helpers, testLabels);
  return { template: templates.get('x'), messages: files.flatMap((f) => f.messages.map(formatMessage)), helpers };
}

describe('templates', () => {
  it('renders labels, bilingual values, citations, numbers and lists per language', () => {
    const { template, helpers } = compile(
      '{{t "x.hello" name=town.name}} · {{t "types" town.type}} · {{number n}} · {{list items}} {{cite cites}}\n\n{{#each (references)}}- {{reference this}}\n{{/each}}',
    );
    const context = {
      town: { name: { en: 'Ridder *x*', es: 'Ridder *x*' } }, type: 'industrial', n: 12345.5, items: ['a', { en: 'b', es: 'be' }],
      cites: ['absemetov-2016', { key: 'ualtaeva-2011', pages: '12' }, 'paper'],
    };
    const render = (lang: 'en' | 'es') => (helpers.begin(lang), template!.render({ ...context, town: { ...context.town, type: 'industrial' } }));
    const en = render('en').replace('{{t "types" town.type}}', '');
    expect(en).toContain('Hello Ridder \\*x\\*');
    expect(en).toContain('12,345.5');
    expect(en).toContain('a and b');
    expect(en).toContain('([Absemetov and Zinoviev, 2016](#ref-en-absemetov-2016); [Ualtaeva, 2011, p.\u00a012](#ref-en-ualtaeva-2011); [Amanbekova et\u00a0al., n.d.](#ref-en-paper))');
    // No-break spaces: a line never ends on "et", "p." or "s." ("s. f." split across two pages of a brief).
    expect(en).toContain('- :anchor{#ref-en-absemetov-2016}Absemetov and Zinoviev (2016).\n- :anchor{#ref-en-paper}Amanbekova, N. et\u00a0al. (n.d.).\n- :anchor{#ref-en-ualtaeva-2011}Ualtaeva, A. S. (2011).');
    const es = render('es');
    expect(es).toContain('Hola Ridder \\*x\\*');
    expect(es).toContain('12.345,5');
    expect(es).toContain('a y be');
    expect(es).toContain('[Absemetov y Zinoviev, 2016]');
    expect(es).toContain('(s.\u00a0f.)');
  });

  it('lists the references by family name, then year, whether or not initials are known', () => {
    const { template, helpers } = compile('{{cite cites}}\n\n{{#each (references)}}- {{reference this}}\n{{/each}}');
    helpers.begin('en');
    const list = template!.render({ cites: ['ualtaeva-2014', 'ualtaeva-2011', 'absemetov-2016'] }).split('\n\n')[1];
    expect(list).toBe('- :anchor{#ref-en-absemetov-2016}Absemetov and Zinoviev (2016).\n- :anchor{#ref-en-ualtaeva-2011}Ualtaeva, A. S. (2011).\n- :anchor{#ref-en-ualtaeva-2014}Ualtaeva (2014).\n');
  });

  it('prints dated facts a year at a time, with every source of that year, whether sources agree or not', () => {
    const { template, helpers } = compile('{{#each (byYear status)}}{{years year}} {{cite cite}}{{#unless @last}}; {{/unless}}{{/each}}');
    helpers.begin('en');
    const agree = [{ year: 1941, cite: ['paper'] }, { year: 1941, cite: ['ualtaeva-2011', 'paper'] }];
    expect(template!.render({ status: agree })).toBe('1941 ([Amanbekova et\u00a0al., n.d.](#ref-en-paper); [Ualtaeva, 2011](#ref-en-ualtaeva-2011))');
    const differ = [{ year: 1934, cite: ['paper'] }, { year: 1932, cite: ['ualtaeva-2011'] }, { year: 1934, cite: ['absemetov-2016'] }];
    expect(template!.render({ status: differ })).toBe(
      '1934 ([Amanbekova et\u00a0al., n.d.](#ref-en-paper); [Absemetov and Zinoviev, 2016](#ref-en-absemetov-2016)); 1932 ([Ualtaeva, 2011](#ref-en-ualtaeva-2011))',
    );
  });

  it('rejects a bare {{value}} or {{{value}}}, and unknown labels, with their place', () => {
    const { messages } = compile('# Title\n\nName: {{town.name}}\n{{{raw}}} {{t "x.nope"}}\n');
    expect(messages).toEqual([
      'templates/x.md.hbs:3:7 error: {{town.name}} inserts data without escaping it for Markdown; use {{text town.name}}, {{cell …}}, {{label …}} or {{md …}}',
      'templates/x.md.hbs:4:1 error: {{{raw}}} inserts text unescaped; use {{text …}} or {{md …}}',
      'templates/x.md.hbs:4:11 error: unknown label "x.nope" (not in templates/i18n/en.yaml)',
      'templates/x.md.hbs:4:11 error: unknown label "x.nope" (not in templates/i18n/es.yaml)',
    ]);
  });

  it('locates a Handlebars syntax error in the template', () => {
    expect(compile('# Title\n\n{{#each towns}}\n- {{text name}}\n').messages).toEqual([
      'templates/x.md.hbs:3:1 error: template syntax: the block {{#each}} is never closed: a {{/each}} is missing',
    ]);
    expect(compile('# Title\nName: {{text "a}}\n').messages).toEqual(['templates/x.md.hbs:2:9 error: template syntax: unexpected "\"" inside {{…}}']);
    expect(compile('a {{#if x}}b{{/each}}').messages).toEqual(["templates/x.md.hbs:1:6 error: template syntax: if doesn't match each"]);
  });

  it('places a block left open at its opening tag: the innermost one, as Handlebars counts blocks', () => {
    const place = (source: string) => compile(source).messages;
    // The inner {{#each}} is closed; the {{#if}} around it is not.
    expect(place('a {{#if x}}\n{{#each y}}{{/each}}\n')).toEqual(['templates/x.md.hbs:1:3 error: template syntax: the block {{#if}} is never closed: a {{/if}} is missing']);
    expect(place('{{#each a}}\n  {{~#if b~}}\n{{else}}\n')).toEqual(['templates/x.md.hbs:2:3 error: template syntax: the block {{#if}} is never closed: a {{/if}} is missing']);
    expect(place('{{^unless a}}x')).toEqual(['templates/x.md.hbs:1:1 error: template syntax: the block {{^unless}} is never closed: a {{/unless}} is missing']);
    expect(place('{{#> layout}}x')).toEqual(['templates/x.md.hbs:1:1 error: template syntax: the block {{#> layout}} is never closed: a {{/layout}} is missing']);
    // Blocks inside a comment or after an escaped \\{{ are text, not blocks.
    expect(place('{{!-- {{#each a}} --}}\\{{#each b}} {{#with c}}')).toEqual(['templates/x.md.hbs:1:36 error: template syntax: the block {{#with}} is never closed: a {{/with}} is missing']);
  });

  it('locates a reference to a missing field at the helper call', () => {
    const { template, helpers } = compile('# Title\n\n{{#each towns}}\n- {{text nmae}}\n{{/each}}\n');
    helpers.begin('en');
    expect(() => template!.render({ towns: [{ name: 'Ridder' }] })).toThrow(
      expect.objectContaining({ line: 4, column: 3, reason: '{{text}} got no value: a missing optional field, or a field name that does not exist?' }),
    );
    expect(() => (helpers.begin('en'), template!.render({ twons: [] }))).toThrow(
      expect.objectContaining({ line: 3, column: 1, reason: '{{#each}} got no list: a field name that does not exist?' }),
    );
  });
});
