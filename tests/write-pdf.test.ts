import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Root } from 'mdast';
import { visit } from 'unist-util-visit';
import { VFile } from 'vfile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiagnosticsError } from '../pipeline/diagnostics.js';
import { markdownToTree } from '../pipeline/markdown/index.js';
import type { WriteOptions } from '../pipeline/write/options.js';
import { syllables } from '../pipeline/write/hyphenation.js';
import { toPdfDefinition } from '../pipeline/write/pdf/definition.js';
import { writePdf } from '../pipeline/write/pdf/index.js';
import { renderPdf } from '../pipeline/write/pdf/render.js';
import { expectGolden, fixturesDir } from './golden.js';

const sampleDir = join(fixturesDir, 'spine-sample');
const sampleMarkdown = readFileSync(join(sampleDir, 'input.md'), 'utf8');
const figures = { timeline: { svg: readFileSync(join(sampleDir, 'timeline.svg'), 'utf8'), width: 480, height: 120, alt: 'Timeline' } };
const meta = {
  title: 'Ridder: a sample brief',
  subject: 'Small towns of East Kazakhstan, 1925–1953',
  keywords: ['Ridder', 'East Kazakhstan', 'urban history'],
  author: 'ek-towns project',
  lang: 'en' as const,
  date: new Date('2026-01-01T00:00:00Z'),
  version: '1.0.0',
};
const labels = {
  header: 'Ridder · Brief',
  pageOf: 'Page {page} of {pages}',
  footerNote: 'Data v1.0.0 · built 2026-01-01',
  contents: 'Contents',
};

function prepare(markdown: string): { tree: Root; options: WriteOptions } {
  const file = new VFile({ path: 'doc.md', value: markdown });
  const tree = markdownToTree(file, { figure: 'Figure', table: 'Table' });
  return { tree, options: { meta, labels, figures, file } };
}

const outDir = mkdtempSync(join(tmpdir(), 'ek-towns-pdf-'));
function save(bytes: Uint8Array, name: string): string {
  const path = join(outDir, name);
  writeFileSync(path, bytes);
  return path;
}
const run = (command: string, args: string[]) => execFileSync(command, args, { encoding: 'utf8' });
/** The PDF's text layer, one string per page. */
const pageTexts = (path: string) => run('pdftotext', ['-enc', 'UTF-8', path, '-']).split('\f');
const words = (text: string) => new Set(text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean));

const errorsOf = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DiagnosticsError) return error.message;
    throw error;
  }
  throw new Error('expected a DiagnosticsError');
};

describe('PDF writer', () => {
  let samplePdf: string;
  let sampleBytes: Uint8Array;
  beforeAll(async () => {
    const { tree, options } = prepare(sampleMarkdown);
    sampleBytes = await writePdf(tree, options);
    samplePdf = save(sampleBytes, 'sample.pdf');
  });
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('builds the same pdfmake definition as the golden file', () => {
    const { tree, options } = prepare(sampleMarkdown);
    expectGolden('spine-sample/pdfmake.json', `${JSON.stringify(toPdfDefinition(tree, options), null, 2)}\n`);
  });

  it('puts every word of the visible text into the text layer', () => {
    const { tree } = prepare(sampleMarkdown);
    const visible: string[] = [];
    visit(tree, (node) => {
      if (node.type === 'text' || node.type === 'inlineCode') visible.push(node.value);
    });
    const text = pageTexts(samplePdf).join(' ');
    const layer = words(text);
    expect([...words(visible.join(' '))].filter((word) => !layer.has(word))).toEqual([]);
    // What the writer adds: table of contents, captions, notes, running header and footer.
    for (const printed of ['Contents', 'Figure 1: Timeline of Ridder', 'Table 1: City-status years', 'Notes', 'Ridder · Brief', 'Page 1 of 5']) {
      expect(text).toContain(printed);
    }
  });

  it('embeds every font, passes qpdf --check and carries the metadata', () => {
    const fonts = run('pdffonts', [samplePdf]).split('\n').slice(2).filter(Boolean);
    expect(fonts.length).toBeGreaterThan(0);
    for (const line of fonts) expect(line).toMatch(/\s+yes\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$/);
    run('qpdf', ['--check', samplePdf]); // throws on a non-zero exit
    const info = run('pdfinfo', [samplePdf]);
    expect(info).toMatch(/^Title:\s+Ridder: a sample brief$/m);
    expect(info).toMatch(/^Author:\s+ek-towns project$/m);
    expect(info).toMatch(/^Subject:\s+Small towns of East Kazakhstan, 1925–1953$/m);
    expect(info).toMatch(/^Keywords:\s+Ridder, East Kazakhstan, urban history$/m);
    expect(info).toMatch(/^Creator:\s+ek-towns$/m);
    expect(info).toMatch(/^Page size:\s+595\.28 x 841\.89 pts \(A4\)$/m);
    expect(info).toMatch(/^CreationDate:.*2026/m);
    expect(run('pdfinfo', ['-custom', samplePdf])).toMatch(/^DataVersion:\s+1\.0\.0$/m);
  });

  it('bookmarks headings of depth 1–3 and the notes, each pointing at its heading', () => {
    interface Outline { title: string; dest: unknown; kids: Outline[] }
    const { outlines } = JSON.parse(run('qpdf', ['--json', '--json-key=outlines', samplePdf])) as { outlines: Outline[] };
    const shape = (items: Outline[]): unknown[] => items.map((item) => (item.kids.length ? [item.title, shape(item.kids)] : item.title));
    expect(shape(outlines)).toEqual([
      ['Ridder: a sample brief', ['Development by stage', 'Desarrollo por etapas', 'References', 'Notes']],
    ]);
    // Each bookmark lands on its heading (left text margin, the heading's height), not on a corner of its page.
    const dests = (items: Outline[]): unknown[] => items.flatMap((item) => [item.dest, ...dests(item.kids)]);
    for (const dest of dests(outlines)) {
      expect(dest).toEqual([expect.stringMatching(/ 0 R$/), '/XYZ', 56.692913, expect.any(Number), null]);
      expect((dest as number[])[3]).toBeLessThan(841.89 - 70);
    }
  });

  it('makes every heading, figure, table and anchor a destination, and every internal link lands on one', () => {
    type Objects = Record<string, { value?: Record<string, unknown> }>;
    const { qpdf } = JSON.parse(run('qpdf', ['--json', '--json-key=qpdf', samplePdf])) as { qpdf: [unknown, Objects] };
    const values = Object.values(qpdf[1]).map((object) => object.value ?? {});
    const destinations = values.flatMap((value) => {
      const names = (value['/Dests'] as { '/Names': unknown[] } | undefined)?.['/Names'] ?? [];
      return names.filter((_, i) => i % 2 === 0); // name, destination, name, destination…
    });
    expect(destinations.sort()).toEqual([
      'u:_note-1', 'u:_notes', 'u:desarrollo-por-etapas', 'u:development-by-stage', 'u:fig-timeline',
      'u:ref-ualtaeva-2011', 'u:references', 'u:ridder-a-sample-brief', 'u:tab-status',
    ]);
    const links = values.filter((value) => value['/S'] === '/GoTo').map((value) => value['/D']);
    expect(links).toEqual(expect.arrayContaining(['u:fig-timeline', 'u:tab-status', 'u:references', 'u:_note-1']));
    expect(links.filter((target) => !destinations.includes(target))).toEqual([]);
  });

  it('puts the landscape section on landscape pages and returns to portrait', () => {
    const sizes = run('pdfinfo', ['-f', '1', '-l', '99', samplePdf]).match(/^Page\s+\d+ size:.*$/gm) ?? [];
    const orientation = sizes.map((line) => (line.includes('841.89 x 595.28') ? 'landscape' : 'portrait'));
    expect(orientation).toContain('landscape');
    expect(orientation.at(-1)).toBe('portrait');
    const landscapePage = orientation.indexOf('landscape');
    expect(pageTexts(samplePdf)[landscapePage]).toContain('a wide table on a landscape page');
  });

  it('writes the same bytes twice', async () => {
    const { tree, options } = prepare(sampleMarkdown);
    const again = await writePdf(tree, options);
    expect(Buffer.from(again).equals(Buffer.from(sampleBytes))).toBe(true);
  });

  it('gives each of several ::toc the headings from it to the next, with their pages, and its label as title, as DOCX does', async () => {
    const { tree, options } = prepare([
      '# Before', '::toc', '::pagebreak',
      '# Part one', '## One A', 'Text.', '::pagebreak',
      '::toc[Second *part*]', '::pagebreak',
      '# Part two', '## Two A', 'Text.',
    ].join('\n\n'));
    const pages = run('pdftotext', ['-layout', '-enc', 'UTF-8', save(await writePdf(tree, options), 'two-tocs.pdf'), '-']).split('\f');
    const entries = (page: string) => [...page.matchAll(/^ *(.+?) {2,}(\d+)$/gm)].map(([, title, number]) => `${title} ${number}`);
    expect(entries(pages[0]!)).toEqual(['Part one 2', 'One A 2']);
    expect(entries(pages[2]!)).toEqual(['Part two 4', 'Two A 4']);
    // A label is the TOC's title; without one, the writer's.
    expect(pages[0]).toContain('Contents');
    expect(pages[2]).toContain('Second part');
    expect(pages[2]).not.toContain('Contents');
    // Headings before the first TOC are in no TOC's range.
    expect(pages.join('').match(/Before/g)).toHaveLength(1);
  });

  it('fails with a located error on a character Roboto cannot draw', async () => {
    const { tree, options } = prepare('# Title\n\nHello 🙂 and 漢.\n');
    const message = await errorsOf(writePdf(tree, options));
    expect(message).toContain('doc.md:3:1 error: text contains U+1F642 "🙂"');
    expect(message).toContain('U+6F22 "漢"');
  });

  it('fails with a located error on a figure it was not given', () => {
    const { tree, options } = prepare('::figure[Lost]{#fig-lost src=nowhere}\n');
    expect(() => toPdfDefinition(tree, options)).toThrow('doc.md:1:1 error: figure `nowhere` is not among the figures');
  });

  it('warns about a node it cannot render, prints its text and goes on', async () => {
    const { tree, options } = prepare('Before.\n\n<div>raw</div>\n\nSee ![a map of Ridder](map.png).\n');
    const place = { start: { line: 9, column: 1, offset: 0 }, end: { line: 9, column: 8, offset: 7 } };
    tree.children.push({ type: 'mystery', value: 'mysterious words', position: place } as never);
    const text = pageTexts(save(await writePdf(tree, options), 'mystery.pdf')).join(' ');
    const warnings = options.file.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.fatal ? 'error' : 'warning'}`);
    expect(warnings).toEqual(['3:1 pdf-raw-html warning', '5:5 pdf-unsupported-image warning', '9:1 pdf-unsupported-node warning']);
    expect(text).toContain('mysterious words');
    expect(text).toContain('<div>raw</div>');
    expect(text).toContain('[a map of Ridder]');
  });

  it('keeps a table row taller than a page, breaking it across pages, and warns', async () => {
    const giant = Array.from({ length: 1500 }, (_, i) => `w${i}`).join(' ');
    const { tree, options } = prepare(`| A | B |\n| - | - |\n| ${giant} | b |\n| last | row |\n`);
    const path = save(await writePdf(tree, options), 'giant-row.pdf');
    // At the tallest cell's text (a value the template printed), naming the row by its first cell.
    expect(options.file.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.reason}`)).toEqual([
      `3:3 pdf-tall-table-row table row "${giant.slice(0, 39)}…" may be taller than a page: it alone may break across pages`,
    ]);
    const layer = words(pageTexts(path).join(' '));
    expect(Array.from({ length: 1500 }, (_, i) => `w${i}`).filter((word) => !layer.has(word))).toEqual([]);
    expect(layer.has('last')).toBe(true);

    // Why the guard exists: kept together, pdfmake drops the row (upstream #2560).
    const definition = toPdfDefinition(tree, options);
    const table = (definition.content as { table?: { dontBreakRows?: boolean } }[]).find((block) => block.table)!;
    table.table!.dontBreakRows = true;
    const dropped = words(pageTexts(save(await renderPdf(definition), 'giant-row-kept.pdf')).join(' '));
    expect(dropped.has('w700')).toBe(false);
  });

  it('keeps an amount (a column aligned right) and short words whole where the long words cannot all be', async () => {
    const long = Array(6).fill('Entrepreneurship').join(' | ');
    const { tree, options } = prepare(`| A | B | C | D | E | F | Cost | Year |\n|---|---|---|---|---|---|---:|---:|\n| ${long} | 120,000,000 | 2030 |\n`);
    const path = save(await writePdf(tree, options), 'amount-column.pdf');
    const layer = pageTexts(path).join(' ');
    expect(layer).toContain('120,000,000');
    expect(layer).toContain('2030');
    // The long words are broken, as they cannot all fit across the page: at a syllable, with a hyphen, which
    // poppler's reading order joins again (-raw shows the lines as drawn).
    expect(layer.match(/Entrepreneurship/g)).toHaveLength(6);
    expect(run('pdftotext', ['-raw', '-enc', 'UTF-8', path, '-']).match(/^Entrepren-\neurship$/gm)).toHaveLength(6);
  });

  it('keeps the words of a crowded table body whole before those of its header', async () => {
    const stages = ['Historical prerequisites, 1700–1924', 'Restoration of the economy, 1923–1929', 'Post-war reconstruction, 1946–1953', 'The Great Patriotic War, 1941–1945'];
    const headers = [...stages, ...stages.map((stage) => stage.replace(/^\S+/, 'Another'))];
    const { tree, options } = prepare(`| Town | ${headers.join(' | ')} |\n| :-- |${' --: |'.repeat(8)}\n| Serebryansk |${' 1 |'.repeat(8)}\n`);
    const raw = run('pdftotext', ['-raw', '-enc', 'UTF-8', save(await writePdf(tree, options), 'matrix.pdf'), '-']);
    // The headers' longest words cannot all fit across the page; the town's name can, and is not broken.
    expect(raw).toMatch(/^Serebryansk\b/m);
    expect(raw).toMatch(/^(re|recon|reconstruc)-$/m);
  });

  it('hyphenates a word wider than its table column at syllables of its language, and only such a word', async () => {
    for (const [lang, word] of [['es', 'responsabilidades'], ['en', 'apprenticeships']] as const) {
      const cells = (text: string) => Array(10).fill(text).join(' | ');
      const file = new VFile({ path: `${lang}.md`, value: `|${' X |'.repeat(10)}\n|${'---|'.repeat(10)}\n| ${cells(word)} |\n| ${cells('short words only')} |\n` });
      const tree = markdownToTree(file, { figure: 'Figure', table: 'Table' });
      const raw = run('pdftotext', ['-raw', '-enc', 'UTF-8', save(await writePdf(tree, { meta: { ...meta, lang }, labels, figures, file }), `hyphens-${lang}.pdf`), '-']);
      // pdfmake draws cell by cell: each cell of the word is its lines, all but the last ending in an added hyphen.
      const broken = raw.match(/^(?:\p{L}+-\n)+\p{L}+$/gmu) ?? [];
      expect(broken, raw).toHaveLength(10);
      const boundaries = new Set(syllables(word, lang).map((_, i, all) => all.slice(0, i).join('').length));
      for (const cell of broken) {
        const pieces = cell.split('-\n');
        expect(pieces.join('')).toBe(word);
        // Cut between syllables only, and into more than one piece (the word is wider than its column).
        expect(pieces.length).toBeGreaterThan(1);
        for (let i = 1; i < pieces.length; i++) expect(boundaries.has(pieces.slice(0, i).join('').length)).toBe(true);
      }
      // Words that fit are left alone: no other line ends in a hyphen.
      expect(raw.match(/-$/gm)).toHaveLength(broken.reduce((sum, cell) => sum + cell.split('-\n').length - 1, 0));
    }
  });

  it('never leaves a heading alone at the bottom of a page', async () => {
    // Sections of varied length, some opening with a table (laid out by pdfmake as a kept-together block).
    const filler = (i: number) => 'lorem ipsum dolor sit amet '.repeat(4 + ((i * 7) % 23));
    const sections = Array.from({ length: 60 }, (_, i) => `## Section ${i} heading\n\n${i % 4 === 0
      ? `| Body${i}start | Year |\n| - | - |\n| Ridder | 1932 |\n| Ridder | 1934 |\n\n${filler(i)}\n`
      : `Body${i}start ${filler(i)}\n`}`);
    const { tree, options } = prepare(sections.join('\n'));
    const orphans = (pages: string[]) => sections.map((_, i) => i).filter((i) => {
      const page = pages.find((text) => text.includes(`Section ${i} heading`));
      return !page?.includes(`Body${i}start`);
    });
    expect(orphans(pageTexts(save(await writePdf(tree, options), 'headings.pdf')))).toEqual([]);

    // The same document without the rule does orphan headings, so the check above proves something.
    const definition = toPdfDefinition(tree, options);
    delete definition.pageBreakBefore;
    expect(orphans(pageTexts(save(await renderPdf(definition), 'headings-no-rule.pdf'))).length).toBeGreaterThan(0);
  });
});
