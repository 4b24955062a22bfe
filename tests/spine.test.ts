import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import type { Element } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { visit } from 'unist-util-visit';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../pipeline/build/project.js';
import { briefDocument } from '../pipeline/documents/brief.js';
import { markdownToTree } from '../pipeline/markdown/index.js';
import { writeDocx } from '../pipeline/write/docx/index.js';
import { writeHtml } from '../pipeline/write/html/index.js';
import type { WriteOptions } from '../pipeline/write/options.js';
import { writePdf } from '../pipeline/write/pdf/index.js';
import { expectGolden, fixturesDir } from './golden.js';
import { decodeXml } from './support/ooxml.js';

const minimal = join(fixturesDir, 'sources-minimal', 'sources');

/** The visible text of each format, as its readers get it. */
async function textLayers(markdown: string, options: Omit<WriteOptions, 'file'>) {
  const tree = () => markdownToTree(new VFile({ path: 'doc.md', value: markdown }), { figure: 'Figure', table: 'Table' });
  const dir = mkdtempSync(join(tmpdir(), 'ek-parity-'));
  writeFileSync(join(dir, 'doc.pdf'), await writePdf(tree(), { ...options, file: new VFile() }));
  const pdf = execFileSync('pdftotext', ['-enc', 'UTF-8', join(dir, 'doc.pdf'), '-'], { encoding: 'utf8' });
  const docxParts = unzipSync(await writeDocx(tree(), { ...options, file: new VFile() }));
  const docx = ['word/document.xml', 'word/footnotes.xml'].map((p) => strFromU8(docxParts[p]!))
    .join(' ').replace(/<w:tab\/>/g, ' ').replace(/<[^>]+>/g, (tag) => (tag.startsWith('</w:p>') ? '\n' : '')).replace(/&[a-z#0-9]+;/g, (e) => decodeXml(e));
  const html = Buffer.from(writeHtml(tree(), { ...options, file: new VFile() })).toString('utf8')
    .replace(/<style[\s\S]*?<\/style>/, '').replace(/<[^>]+>/g, ' ').replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  return { pdf, docx, html };
}
const words = (text: string) => text.match(/[\p{L}\p{N}]+/gu) ?? [];
const flat = (text: string) => text.replace(/\s+/g, ' ');

describe('the spine, end to end', () => {
  it('writes every word of a fixture to the PDF, DOCX and HTML text layers alike', async () => {
    const markdown = readFileSync(join(fixturesDir, 'spine-sample/input.md'), 'utf8');
    const svg = readFileSync(join(fixturesDir, 'spine-sample/timeline.svg'), 'utf8');
    const layers = await textLayers(markdown, {
      meta: { title: 'Sample', subject: 's', keywords: [], author: 'a', lang: 'en', date: new Date('2026-01-01T00:00:00Z'), version: '1.0.0' },
      labels: { header: 'Sample', pageOf: 'Page {page} of {pages}', footerNote: 'Data 1.0.0', contents: 'Contents' },
      figures: { timeline: { svg, width: 480, height: 120, alt: 'Timeline' } },
    });
    const expected = new Set<string>();
    visit(markdownToTree(new VFile({ value: markdown }), { figure: 'Figure', table: 'Table' }), (node) => {
      if (node.type === 'text' || node.type === 'inlineCode') for (const word of words(node.value)) expected.add(word);
    });
    for (const [format, text] of Object.entries(layers)) {
      const present = new Set(words(text));
      expect([...expected].filter((w) => !present.has(w)), format).toEqual([]);
    }
  });

  it('keeps hostile data literal in every format: a town named with Markdown, a script and a javascript: link', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ek-hostile-'));
    execFileSync('cp', ['-r', minimal, dir]);
    const hostile = 'Ridder *x* _y_ | [z](javascript:alert(1)) <script>alert(2)</script>';
    const town = join(dir, 'sources', 'towns', 'ridder.yaml');
    writeFileSync(town, readFileSync(town, 'utf8').replace('  en: Ridder\n', `  en: ${JSON.stringify(hostile)}\n`));
    const { project } = loadProject({ sources: join(dir, 'sources'), templates: 'templates' }, {});
    const { file, options } = briefDocument(project!, project!.model.towns[0]!, 'en');
    const layers = await textLayers(String(file.value), { ...options, meta: { ...options.meta, title: 'x' } });
    for (const [format, text] of Object.entries(layers)) expect(flat(text), format).toContain(hostile);
    const html = Buffer.from(writeHtml(markdownToTree(file, { figure: 'Figure', table: 'Table' }), options)).toString('utf8');
    // Parsed as a browser would: no script element, no event-handler attribute, no javascript: URL anywhere.
    const executable: string[] = [];
    visit(fromHtml(html), 'element', (node: Element) => {
      if (node.tagName === 'script') executable.push('<script>');
      for (const [name, value] of Object.entries(node.properties)) {
        if (/^on/i.test(name)) executable.push(`${node.tagName} ${name}`);
        if (/^\s*javascript:/i.test(String(value))) executable.push(`${node.tagName} ${name}=${String(value)}`);
      }
    });
    expect(executable).toEqual([]);
  });

  it('renders the brief Markdown of a small source tree as the golden file says', () => {
    const { project } = loadProject({ sources: minimal, templates: 'templates' }, {});
    for (const lang of ['en', 'es'] as const) {
      expectGolden(`brief-minimal/ridder.${lang}.md`, String(briefDocument(project!, project!.model.towns[0]!, lang).file.value));
    }
  });

  it('loads Ridder from the real sources into the model the golden file shows', () => {
    const { project } = loadProject({ sources: 'sources', templates: 'templates' }, {});
    expectGolden('model/ridder.json', `${JSON.stringify(project!.model.towns.find((t) => t.slug === 'ridder'), null, 2)}\n`);
  });
});
