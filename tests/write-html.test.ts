import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Root } from 'mdast';
import { visit } from 'unist-util-visit';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { DiagnosticsError } from '../pipeline/diagnostics.js';
import { markdownToTree } from '../pipeline/markdown/index.js';
import { writeHtml } from '../pipeline/write/html/index.js';
import type { Lang, WriteOptions } from '../pipeline/write/options.js';
import { expectGolden, fixturesDir } from './golden.js';

const sampleDir = join(fixturesDir, 'spine-sample');
const sample = readFileSync(join(sampleDir, 'input.md'), 'utf8');

const treeOf = (markdown: string): Root =>
  markdownToTree(new VFile({ path: 'doc.md', value: markdown }), { figure: 'Figure', table: 'Table' });

function optionsFor(lang: Lang = 'en'): WriteOptions {
  return {
    meta: {
      title: 'Ridder: a sample brief',
      subject: 'A sample brief on Ridder, 1925–1953',
      keywords: ['Ridder', 'East Kazakhstan'],
      author: 'ek-towns',
      lang,
      date: new Date('2026-01-01T00:00:00Z'),
      version: '1.2.0',
    },
    labels: { header: 'Ridder · Brief', pageOf: 'Page {page} of {pages}', footerNote: 'Data v1.2.0 · built 2026-01-01', contents: 'Contents' },
    figures: { timeline: { svg: readFileSync(join(sampleDir, 'timeline.svg'), 'utf8'), width: 360, height: 90, alt: 'Timeline bars, 1925 to 1953' } },
    file: new VFile({ path: 'doc.md' }),
  };
}

const html = (markdown: string, options = optionsFor()) => new TextDecoder().decode(writeHtml(treeOf(markdown), options));

/** What a reader sees: the text between tags, with character references decoded. */
const visibleText = (page: string) =>
  page
    .replace(/<style>[\s\S]*?<\/style>/, '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

/** The tags of the page (escaped text like `&#x3C;script>` is not a tag). */
const tags = (page: string) => page.match(/<[a-z][^>]*>/gi) ?? [];

describe('HTML writer', () => {
  it('writes the sample page (golden)', () => {
    expectGolden('spine-sample/page.html', html(sample));
  });

  it('gives the same bytes for the same input and leaves the shared tree unchanged', () => {
    const tree = treeOf(sample);
    const before = structuredClone(tree);
    const write = () => new TextDecoder().decode(writeHtml(tree, optionsFor()));
    expect(write()).toBe(write());
    expect(tree).toEqual(before);
  });

  it('keeps every word of the sample visible', () => {
    const text = visibleText(html(sample));
    const words: string[] = [];
    visit(treeOf(sample), (node) => {
      if (node.type === 'text' || node.type === 'inlineCode') words.push(...node.value.split(/\s+/).filter(Boolean));
    });
    expect(words.length).toBeGreaterThan(100);
    expect(words.filter((word) => !text.includes(word))).toEqual([]);
  });

  it('marks the document and the Spanish passages with their language', () => {
    const page = html(sample);
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('<div lang="es">');
    expect(page).toContain('<span lang="es">Ridder (en español)</span>');
    expect(page).toContain('<a href="#desarrollo-por-etapas" lang="es">');
    const spanish = html(sample, optionsFor('es'));
    expect(spanish).toContain('<html lang="es">');
    expect(spanish).toContain('>Notas</h2>');
    expect(spanish).toContain('aria-label="Volver a la referencia 1"');
  });

  it('maps every directive and links headings, figures, tables and anchors', () => {
    const page = html(sample);
    expect(page).toContain('<div class="page-break"></div>');
    expect(page).toContain('<nav class="toc"><h2>Contents</h2><ol><li><a href="#ridder-a-sample-brief">');
    expect(page).toContain('<h2 id="development-by-stage">Development by stage</h2>');
    expect(page).toMatch(/<figure id="fig-timeline"><img alt="Timeline bars, 1925 to 1953" width="480" height="120" src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+"><figcaption>Figure 1: Timeline of Ridder, 1925–1953<\/figcaption><\/figure>/);
    expect(page).toContain('<figure class="table" id="tab-status">\n<figcaption>Table 1: City-status years</figcaption>\n<table>');
    expect(page).toContain('<aside class="callout note">');
    expect(page).toContain('<aside class="facts">');
    expect(page).toContain('<section class="landscape">');
    expect(page).toContain('<span id="ref-ualtaeva-2011"></span>');
    expect(page).toContain('<a href="#fig-timeline">Figure 1</a>');
  });

  it('renders footnotes with working back-links and a labelled section', () => {
    const page = html(sample);
    for (const id of ['user-content-fn-1', 'user-content-fnref-1']) {
      expect(page).toContain(`href="#${id}"`);
      expect(page).toContain(`id="${id}"`);
    }
    expect(page).toContain('<h2 id="footnote-label">Notes</h2>');
  });

  it('never lets scripts, event handlers or javascript: URLs through, and shows raw HTML as text', () => {
    const options = optionsFor();
    const page = html(
      [
        '<script>alert(1)</script>',
        '',
        'An image <img src=x onerror=alert(1)> and [x](javascript:alert(1)) and <a href="javascript:alert(1)">y</a>.',
        '',
      ].join('\n'),
      options,
    );
    expect(page).not.toContain('<script');
    for (const tag of tags(page)) {
      expect(tag).not.toMatch(/\son[a-z]+\s*=/i);
      expect(tag).not.toMatch(/javascript:/i);
    }
    const text = visibleText(page);
    expect(text).toContain('<script>alert(1)</script>');
    expect(text).toContain('<img src=x onerror=alert(1)>');
    expect(options.file.messages.map((m) => m.ruleId)).toContain('html-raw-as-text');
  });

  it('reports a node it does not know, with its place, and keeps its text', () => {
    const tree = treeOf('Before.\n');
    const place = { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 8, offset: 7 } };
    tree.children.push({ type: 'mystery', value: 'kept', position: place } as never);
    const options = optionsFor();
    const page = new TextDecoder().decode(writeHtml(tree, options));
    expect(page).toContain('kept');
    expect(options.file.messages).toHaveLength(1);
    expect(options.file.messages[0]).toMatchObject({ ruleId: 'html-unsupported-node', source: 'ek-towns', line: 1, column: 1, fatal: false });
  });

  it('fails with a located error when a figure was not drawn', () => {
    const options = { ...optionsFor(), figures: {} };
    expect(() => writeHtml(treeOf('::figure[Map]{#fig-map src=map}\n'), options)).toThrow(DiagnosticsError);
    expect(options.file.messages[0]).toMatchObject({ ruleId: 'html-missing-figure', line: 1, fatal: true });
  });
});
