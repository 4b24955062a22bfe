import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { strFromU8, unzipSync } from 'fflate';
import type { BlockContent, PhrasingContent, Root, RootContent } from 'mdast';
import type { ContainerDirective } from 'mdast-util-directive';
import { visit } from 'unist-util-visit';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { markdownToTree } from '../pipeline/markdown/index.js';
import type { WriteOptions } from '../pipeline/write/options.js';
import { obfuscate } from '../pipeline/write/docx/embedded-fonts.js';
import { readFontMetrics } from '../pipeline/write/docx/font-metrics.js';
import { tableCellMargins, tableCharacter } from '../pipeline/write/docx/geometry.js';
import { writeDocx } from '../pipeline/write/docx/index.js';
import { robotoFiles } from '../pipeline/write/fonts.js';
import { syllables } from '../pipeline/write/hyphenation.js';
import { expectGolden, fixturesDir } from './golden.js';
import { convertWithLibreOffice } from './support/ooxml.js';

const sampleDir = join(fixturesDir, 'spine-sample');

function sample(): { tree: Root; options: WriteOptions } {
  const file = new VFile({ path: join(sampleDir, 'input.md'), value: readFileSync(join(sampleDir, 'input.md'), 'utf8') });
  const tree = markdownToTree(file, { figure: 'Figure', table: 'Table' });
  const options: WriteOptions = {
    meta: {
      title: 'Ridder', subject: 'A sample brief', keywords: ['Ridder', 'East Kazakhstan'], author: 'ek-towns editors',
      lang: 'en', date: new Date('2026-01-01T00:00:00Z'), version: '1.0.0',
    },
    labels: { header: 'Ridder · Brief', pageOf: 'Page {page} of {pages}', footerNote: 'Data v1.0.0 · built 2026-01-01', contents: 'Contents' },
    figures: { timeline: { svg: readFileSync(join(sampleDir, 'timeline.svg'), 'utf8'), width: 480, height: 120, alt: 'Timeline' } },
    file,
  };
  return { tree, options };
}

async function writeSample(): Promise<{ bytes: Uint8Array; parts: Record<string, string>; options: WriteOptions }> {
  const { tree, options } = sample();
  const bytes = await writeDocx(tree, options);
  const parts = Object.fromEntries(
    Object.entries(unzipSync(bytes)).filter(([path]) => /\.(xml|rels)$/.test(path)).map(([path, data]) => [path, strFromU8(data)]),
  );
  return { bytes, parts, options };
}

/** One element per line, text kept on its element's line, so a golden diff reads like the document. */
function prettyXml(xml: string): string {
  const lines: string[] = [];
  let depth = 0;
  let lastWasOpen = false;
  for (const token of xml.match(/<[^>]+>[^<]*/g) ?? []) {
    if (token.startsWith('</')) {
      depth--;
      if (lastWasOpen) lines[lines.length - 1] += token;
      else lines.push('  '.repeat(depth) + token);
      lastWasOpen = false;
    } else {
      lines.push('  '.repeat(depth) + token);
      lastWasOpen = !token.startsWith('<?') && !/\/>/.test(token);
      if (lastWasOpen) depth++;
    }
  }
  return `${lines.join('\n')}\n`;
}

const decode = (text: string) =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** The text of each paragraph: `w:t` and tabs, so field instructions are left out. */
function paragraphTexts(xml: string): string[] {
  return (xml.match(/<w:p[ >][\s\S]*?<\/w:p>/g) ?? []).map((p) =>
    decode([...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>|<w:tab\/>/g)].map((m) => m[1] ?? '\t').join('')));
}

/** Runs with text, outside the table of contents (whose entries docx generates from the headings). */
function textRuns(xml: string): { text: string; lang: string | undefined; isField: boolean }[] {
  return (xml.replace(/<w:sdt>[\s\S]*?<\/w:sdt>/g, '').match(/<w:r>[\s\S]*?<\/w:r>/g) ?? [])
    .filter((run) => run.includes('<w:t'))
    .map((run) => ({
      text: decode([...run.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('')),
      lang: /<w:lang w:val="([^"]+)"/.exec(run)?.[1],
      isField: run.includes('<w:fldChar'),
    }));
}

/** Every run (`w:r`) of a part, TOC and fields included, with its text and language. */
function allRuns(xml: string): { text: string; lang: string | undefined; xml: string }[] {
  return (xml.match(/<w:r(?=[\s>])[^>]*>[\s\S]*?<\/w:r>/g) ?? []).map((run) => ({
    text: decode([...run.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('')),
    lang: /<w:lang w:val="([^"]+)"/.exec(run)?.[1],
    xml: run,
  }));
}

/** The parts whose runs a reader sees. */
const textParts = (parts: Record<string, string>) =>
  Object.keys(parts).filter((path) => /^word\/(document|footnotes|endnotes|header\d+|footer\d+)\.xml$/.test(path));

const bilingualDir = join(fixturesDir, 'docx-bilingual');

const langContainer = (code: string, children: RootContent[], attributes: Record<string, string> = {}): ContainerDirective =>
  ({ type: 'containerDirective', name: 'lang', attributes: { code, ...attributes }, children: children as BlockContent[] });

/** One language of the bilingual fixture, parsed as the pipeline parses each language: its own caption words and ids. */
function bilingualPart(code: 'en' | 'es'): Root {
  const path = join(bilingualDir, `${code}.md`);
  const labels = code === 'en' ? { figure: 'Figure', table: 'Table' } : { figure: 'Figura', table: 'Tabla' };
  return markdownToTree(new VFile({ path, value: readFileSync(path, 'utf8') }), labels, `${code}-`);
}

/**
 * The two languages joined as the bilingual report joins them: `separate`, the English part then the Spanish one in a
 * top-level `:::lang` with its own header; `parallel`, the English front matter, then a `:::parallel` of one pair of
 * `:::lang` containers per heading.
 */
function bilingualTree(layout: 'separate' | 'parallel'): Root {
  const [en, es] = [bilingualPart('en'), bilingualPart('es')];
  if (layout === 'separate') return { type: 'root', children: [...en.children, langContainer('es', es.children, { header: 'Pequeñas ciudades · Informe', pageOf: 'Página {page} de {pages}' })] };
  const firstHeading = (tree: Root) => tree.children.findIndex((node) => node.type === 'heading');
  const segments = (tree: Root) => tree.children.slice(firstHeading(tree)).reduce<RootContent[][]>((out, node) => {
    if (node.type === 'heading') out.push([node]);
    else out.at(-1)!.push(node);
    return out;
  }, []);
  const [enSegments, esSegments] = [segments(en), segments(es)];
  const pairs = enSegments.flatMap((segment, i) => [langContainer('en', segment), langContainer('es', esSegments[i]!)]);
  const parallel: ContainerDirective = { type: 'containerDirective', name: 'parallel', attributes: {}, children: pairs as BlockContent[] };
  return { type: 'root', children: [...en.children.slice(0, firstHeading(en)), parallel] };
}

async function writeBilingual(layout: 'separate' | 'parallel') {
  const { options } = sample();
  options.labels = { ...options.labels, header: 'Small towns · Report' };
  const bytes = await writeDocx(bilingualTree(layout), options);
  const parts = Object.fromEntries(
    Object.entries(unzipSync(bytes)).filter(([path]) => /\.(xml|rels)$/.test(path)).map(([path, data]) => [path, strFromU8(data)]),
  );
  return { bytes, parts, options };
}

/** The table elements of a part at the top level of its body (nested tables stay inside their cells). */
function bodyTables(xml: string): string[] {
  const tables: string[] = [];
  let depth = 0;
  let start = 0;
  for (const match of xml.matchAll(/<w:tbl>|<\/w:tbl>/g)) {
    if (match[0] === '<w:tbl>' && depth++ === 0) start = match.index;
    if (match[0] === '</w:tbl>' && --depth === 0) tables.push(xml.slice(start, match.index + match[0].length));
  }
  return tables;
}

/** The rows of a table, their properties and cells, without descending into nested tables' rows. */
function rowsAndCells(table: string): { properties: string; cells: string[] }[] {
  const inner = table.slice('<w:tbl>'.length, -'</w:tbl>'.length);
  const rows: string[] = [];
  let depth = 0;
  let start = 0;
  for (const match of inner.matchAll(/<w:tr>|<\/w:tr>|<w:tbl>|<\/w:tbl>/g)) {
    if (match[0] === '<w:tbl>') depth++;
    else if (match[0] === '</w:tbl>') depth--;
    else if (depth === 0 && match[0] === '<w:tr>') start = match.index;
    else if (depth === 0) rows.push(inner.slice(start, match.index + match[0].length));
  }
  return rows.map((row) => {
    const cells: string[] = [];
    let level = 0;
    let from = 0;
    for (const match of row.matchAll(/<w:tc>|<\/w:tc>/g)) {
      if (match[0] === '<w:tc>' && level++ === 0) from = match.index;
      if (match[0] === '</w:tc>' && --level === 0) cells.push(row.slice(from, match.index + match[0].length));
    }
    return { properties: row.slice(0, row.indexOf('<w:tc>')), cells };
  });
}

/** The paragraph whose text contains `text`, outside the TOC. */
function paragraphWith(xml: string, text: string): string {
  const found = (xml.replace(/<w:sdt>[\s\S]*?<\/w:sdt>/g, '').match(/<w:p[ >][\s\S]*?<\/w:p>/g) ?? [])
    .find((p) => paragraphTexts(p).join('').includes(text));
  if (!found) throw new Error(`no paragraph with "${text}"`);
  return found;
}

/**
 * A document shaped like the bilingual report, separate layout: a title page and contents, then chapters of a page or
 * more, eight towns each with a long facts box, a figure, a list, a callout and a footnote; then the same in Spanish, in
 * a top-level `:::lang` (a section of its own) with its own contents. The facts boxes break across pages, as the real
 * report's do, which once stopped the page estimate of docx's own layout: every page number after it was blank.
 */
function reportShaped(): Root {
  const words = (seed: number, count: number) =>
    Array.from({ length: count }, (_, i) => ['mines', 'railway', 'plants', 'workers', 'river', 'combine', 'ore', 'station', 'housing', 'school'][(seed * 7 + i * 3) % 10]).join(' ');
  const part = (lang: 'en' | 'es') => {
    const l = lang === 'en'
      ? { contents: 'Contents', intro: 'Introduction', method: 'Method', towns: 'The towns', facts: 'Key facts', stage: 'Restoration of the economy', factors: 'Decisive factors', end: 'Conclusions', refs: 'References', town: 'Town', title: 'Small towns of East Kazakhstan' }
      : { contents: 'Índice', intro: 'Introducción', method: 'Método', towns: 'Las ciudades', facts: 'Datos clave', stage: 'Restauración de la economía', factors: 'Factores decisivos', end: 'Conclusiones', refs: 'Referencias', town: 'Ciudad', title: 'Pequeñas ciudades del Kazajistán Oriental' };
    const paragraphs = (seed: number, count: number) => Array.from({ length: count }, (_, i) => `${words(seed + i, 40 + ((seed + i) % 5) * 12)}.`).join('\n\n');
    const towns = Array.from({ length: 8 }, (_, k) => [
      `## ${l.town} ${k + 1}`,
      `**Industrial town** — ${words(k, 30)}.[^${lang}-n${k}]`,
      `:::facts[${l.facts}]\n${Array.from({ length: 14 + (k % 4) * 3 }, (_, i) => `- **${words(k + i, 1)}:** ${words(k * 5 + i, 8 + ((k + i) % 6) * 5)}`).join('\n')}\n:::`,
      `::figure[${l.town} ${k + 1}, 1925–1953]{#fig-${lang}-town-${k + 1} src=timeline}`,
      `### ${l.stage}`,
      paragraphs(k, 2 + (k % 3)),
      Array.from({ length: 6 + (k % 5) }, (_, i) => `- ${words(k + i * 2, 12 + (i % 4) * 6)}`).join('\n'),
      `:::callout{kind=note}\n${words(k + 3, 35)}.\n:::`,
      `### ${l.factors}`,
      paragraphs(k + 5, 1 + (k % 2)),
      `[^${lang}-n${k}]: ${words(k + 1, 14)}.`,
    ].join('\n\n'));
    const md = [
      `:::titlepage\n${l.title}\n\n1925–1953\n:::`, `::toc[${l.contents}]`,
      `# ${l.intro}`, paragraphs(1, 4), `## ${l.method}`, paragraphs(2, 3),
      `# ${l.towns}`, ...towns,
      `# ${l.end}`, paragraphs(3, 5), `# ${l.refs}`, Array.from({ length: 12 }, (_, i) => `- ${words(i, 16)}`).join('\n'),
    ].join('\n\n');
    const labels = lang === 'en' ? { figure: 'Figure', table: 'Table' } : { figure: 'Figura', table: 'Tabla' };
    return markdownToTree(new VFile({ path: `${lang}.md`, value: `${md}\n` }), labels, `${lang}-`);
  };
  const [en, es] = [part('en'), part('es')];
  return { type: 'root', children: [...en.children, langContainer('es', es.children, { header: 'Pequeñas ciudades · Informe', pageOf: 'Página {page} de {pages}' })] };
}

let reportShapedWritten: Promise<{ parts: Record<string, string>; bytes: Uint8Array; options: WriteOptions }> | undefined;

/** `reportShaped()` written, once for the tests that read it. */
function writeReportShaped() {
  reportShapedWritten ??= (async () => {
    const { options } = sample();
    const bytes = await writeDocx(reportShaped(), options);
    const parts = Object.fromEntries(Object.entries(unzipSync(bytes)).filter(([path]) => path.endsWith('.xml')).map(([path, data]) => [path, strFromU8(data)]));
    return { parts, bytes, options };
  })();
  return reportShapedWritten;
}

/** Each TOC's cached entries: the heading's text and the page number after its tab, if any. */
function tocEntries(xml: string): { text: string; page: number | undefined }[][] {
  return (xml.match(/<w:sdt>[\s\S]*?<\/w:sdt>/g) ?? []).map((toc) => paragraphTexts(toc).filter((text) => text !== '').map((entry) => {
    const [, text = entry, page = ''] = /^(.*?)\t?(\d*)$/.exec(entry) ?? [];
    return { text, page: page === '' ? undefined : Number(page) };
  }));
}

describe('DOCX writer', () => {
  it('writes word/document.xml as the golden file', async () => {
    const { parts } = await writeSample();
    expectGolden('spine-sample/document.xml', prettyXml(parts['word/document.xml']!));
  });

  it('keeps every word of the visible text, footnotes included', async () => {
    const { tree } = sample();
    const words = new Set<string>();
    visit(tree, (node) => {
      if (node.type === 'text' || node.type === 'inlineCode') for (const word of node.value.match(/[\p{L}\p{N}]+/gu) ?? []) words.add(word);
    });
    const { parts } = await writeSample();
    const text = [...paragraphTexts(parts['word/document.xml']!), ...paragraphTexts(parts['word/footnotes.xml']!)].join('\n');
    const missing = [...words].filter((word) => !text.includes(word));
    expect(words.size).toBeGreaterThan(50);
    expect(missing).toEqual([]);
  });

  it('marks every run with its language: en-GB by default, es-ES in the Spanish parts, TOC entries and captions too', async () => {
    const { parts } = await writeSample();
    expect(parts['word/styles.xml']).toMatch(/<w:rPrDefault><w:rPr>.*<w:lang w:val="en-GB"\/>.*<\/w:rPrDefault>/);
    // Every run of the body, notes, headers and footers, docx's own (TOC, fields, note marks) included.
    for (const part of textParts(parts)) {
      expect(allRuns(parts[part]!).filter((run) => run.lang === undefined).map((run) => `${part}: ${run.xml}`)).toEqual([]);
    }
    const spanish = ['Ridder (en español)', 'Desarrollo por etapas', 'Texto en español: ciudad, año, señal ñ, acentos á é í ó ú.'];
    const xml = parts['word/document.xml']!;
    const runs = [...textRuns(xml), ...textRuns(parts['word/footnotes.xml']!)];
    expect(runs.filter((run) => run.lang === 'es-ES').map((run) => run.text)).toEqual(spanish);
    expect(runs.filter((run) => run.lang !== 'es-ES' && run.lang !== 'en-GB')).toEqual([]);
    // A TOC entry is in the language of its heading; its page number and the field in the language of the contents.
    const toc = allRuns(/<w:sdt>[\s\S]*?<\/w:sdt>/.exec(xml)![0]);
    expect(toc.filter((run) => run.text !== '' && !run.xml.includes('<w:fldChar')).map((run) => [run.text, run.lang])).toEqual([
      ['Ridder: a sample brief', 'en-GB'], ['Development by stage', 'en-GB'], ['Desarrollo por etapas', 'es-ES'], ['References', 'en-GB'],
    ]);
    expect(toc.filter((run) => run.xml.includes('<w:fldChar')).every((run) => run.lang === 'en-GB')).toBe(true);
    // The SEQ numbers of the captions are in the caption's language.
    expect(allRuns(xml).filter((run) => run.xml.includes('SEQ ')).map((run) => run.lang)).toEqual(['en-GB', 'en-GB']);
    for (const part of textParts(parts).filter((path) => /header|footer/.test(path))) {
      expect(allRuns(parts[part]!).filter((run) => run.lang !== 'en-GB')).toEqual([]);
    }
  });

  it('uses real heading and caption styles, SEQ caption numbers and a filled-in TOC field', async () => {
    const { parts } = await writeSample();
    const xml = parts['word/document.xml']!;
    expect(paragraphWith(xml, 'Ridder: a sample brief')).toContain('<w:pStyle w:val="Heading1"/>');
    expect(paragraphWith(xml, 'Development by stage')).toContain('<w:pStyle w:val="Heading2"/>');
    const figureCaption = paragraphWith(xml, 'Timeline of Ridder');
    expect(figureCaption).toContain('<w:pStyle w:val="Caption"/>');
    expect(figureCaption).toMatch(/SEQ Figure<\/w:instrText><w:fldChar w:fldCharType="separate"\/><w:t xml:space="preserve">1<\/w:t>/);
    expect(paragraphTexts(figureCaption).join('')).toBe('Figure 1: Timeline of Ridder, 1925–1953');
    expect(paragraphWith(xml, 'City-status years')).toContain('<w:pStyle w:val="Caption"/>');
    expect(parts['word/styles.xml']).toMatch(/w:styleId="Heading1">.*?<w:outlineLvl w:val="0"\/>/);

    const toc = /<w:sdt>[\s\S]*?<\/w:sdt>/.exec(xml)?.[0] ?? '';
    expect(toc).toContain('TOC \\h \\o &quot;1-2&quot;');
    const entries = paragraphTexts(toc).filter((text) => text !== '');
    // Page numbers as estimate.ts lays the pages out (LibreOffice agrees on this sample).
    expect(entries).toEqual(['Ridder: a sample brief\t1', 'Development by stage\t1', 'Desarrollo por etapas\t2', 'References\t4']);
  });

  it('scopes each of several TOCs to the headings up to the next one, and sets a title page', async () => {
    const { options } = sample();
    const md = ':::titlepage\nTowns\n\nA report\n:::\n\n::toc\n\n# One\n\n## One A\n\n::toc\n\n# Two\n';
    const tree = markdownToTree(new VFile({ path: 'two.md', value: md }), { figure: 'Figure', table: 'Table' });
    const xml = strFromU8(unzipSync(await writeDocx(tree, options))['word/document.xml']!);
    const tocs = xml.match(/<w:sdt>[\s\S]*?<\/w:sdt>/g) ?? [];
    expect(tocs.map((toc) => paragraphTexts(toc).filter((text) => text !== ''))).toEqual([['One\t2', 'One A\t2'], ['Two\t2']]);
    expect(tocs.map((toc) => /TOC \\b &quot;(\w+)&quot;/.exec(toc)?.[1])).toEqual(['_TocRange1', '_TocRange2']);
    expect(paragraphWith(xml, 'Towns')).toContain('<w:pStyle w:val="Title"/>');
    expect(paragraphWith(xml, 'A report')).toContain('<w:pStyle w:val="Subtitle"/>');
  });

  it('bookmarks every internal link target', async () => {
    const { parts } = await writeSample();
    const xml = parts['word/document.xml']!;
    const anchors = [...xml.matchAll(/w:anchor="([^"]+)"/g)].map((m) => m[1]);
    const bookmarks = new Set([...xml.matchAll(/<w:bookmarkStart w:name="([^"]+)"/g)].map((m) => m[1]));
    expect(anchors).toEqual(expect.arrayContaining(['fig_timeline', 'tab_status', 'references']));
    expect(anchors.filter((anchor) => !bookmarks.has(anchor))).toEqual([]);
    expect(bookmarks).toContain('ref_ualtaeva_2011');
  });

  it('gives each figure a PNG fallback drawn at twice its width, once per figure and width, next to its SVG', async () => {
    const { tree, options } = sample();
    // The sample's figure placed twice more: again in portrait (the same picture) and in a landscape section (wider).
    const again = tree.children.find((node) => node.type === 'leafDirective' && node.name === 'figure')!;
    const landscape = markdownToTree(new VFile({ path: 'landscape.md', value: ':::landscape\n::figure[Wide]{#fig-wide src=timeline}\n:::\n' }), { figure: 'Figure', table: 'Table' });
    tree.children.push(structuredClone(again), ...landscape.children);
    for (const node of tree.children) if (node.type === 'leafDirective' && node.name === 'figure' && node !== again) node.attributes!.id = `fig-${tree.children.indexOf(node)}`;
    const entries = unzipSync(await writeDocx(tree, options));
    const pngs = Object.entries(entries).filter(([path]) => path.startsWith('word/media/') && path.endsWith('.png'));
    // A PNG's width is the first field of its IHDR chunk (bytes 16–19).
    const widths = pngs.map(([, data]) => Buffer.from(data).readUInt32BE(16)).sort((a, b) => a - b);
    const xml = strFromU8(entries['word/document.xml']!);
    const extents = [...xml.matchAll(/<wp:extent cx="(\d+)"/g)].map((m) => Math.round((Number(m[1]) / 914400) * 96 * 2));
    expect(extents).toHaveLength(3);
    expect(widths).toEqual([...new Set(extents)].sort((a, b) => a - b));
    for (const [, data] of pngs) expect(Buffer.from(data.subarray(0, 8)).toString('latin1')).toBe('\x89PNG\r\n\x1a\n');
    expect(Object.keys(entries).filter((path) => path.endsWith('.svg'))).toHaveLength(1);
  });

  it('measures text with each Roboto face\'s own metrics, as fontkit reads them, for every character of the BMP', () => {
    const fontkit = createRequire(import.meta.url)('fontkit') as { create(bytes: Buffer): { unitsPerEm: number; ascent: number; descent: number; lineGap: number; glyphForCodePoint(c: number): { advanceWidth: number } } };
    for (const path of Object.values(robotoFiles)) {
      const bytes = readFileSync(path);
      const [ours, theirs] = [readFontMetrics(bytes), fontkit.create(bytes)];
      expect([ours.unitsPerEm, ours.ascent, ours.descent, ours.lineGap]).toEqual([theirs.unitsPerEm, theirs.ascent, theirs.descent, theirs.lineGap]);
      const differing: number[] = [];
      for (let c = 0; c <= 0xffff; c++) if (ours.advanceOf(c) !== theirs.glyphForCodePoint(c).advanceWidth) differing.push(c);
      expect(differing).toEqual([]);
    }
  });

  it('writes document properties with the build date', async () => {
    const { parts } = await writeSample();
    expect(parts['docProps/core.xml']).toContain('<dcterms:created xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:created>');
    expect(parts['docProps/core.xml']).toContain('<dc:creator>ek-towns</dc:creator>');
    expect(parts['docProps/custom.xml']).toMatch(/name="dataVersion"><vt:lpwstr>1\.0\.0<\/vt:lpwstr>/);
  });

  it('gives the same bytes for the same input', async () => {
    const first = await writeSample();
    const second = await writeSample();
    expect(Buffer.from(second.bytes).equals(Buffer.from(first.bytes))).toBe(true);
  });

  it('reports a node it has no handler for, keeps its text and carries on', async () => {
    const { tree, options } = sample();
    tree.children.push(
      { type: 'mystery' } as unknown as RootContent,
      { type: 'paragraph', children: [{ type: 'mystery', value: 'inline riddle' } as unknown as PhrasingContent] },
    );
    const bytes = await writeDocx(tree, options);
    const unsupported = options.file.messages.filter((m) => m.ruleId === 'docx-unsupported-node');
    expect(unsupported.map((m) => [m.fatal, m.source])).toEqual([[false, 'ek-towns'], [false, 'ek-towns']]);
    expect(paragraphTexts(strFromU8(unzipSync(bytes)['word/document.xml']!))).toContain('inline riddle');
  });

  it('keeps each table row on one page, except a row that may be taller than a page, which Word may then break', async () => {
    const { options } = sample();
    const long = `${'Workshop and mill. '.repeat(200)}End of the list.`;
    const md = `| Town | Enterprise | Sources |\n| --- | --- | --- |\n| Ridder | Lead plant | Ualtaeva, 2011 |\n| Testville | ${long} | Amanbekova et al., n.d. |\n| Zaisan | ${'Soap factory. '.repeat(30)}| Amanbekova et al., n.d. |\n`;
    const tree = markdownToTree(new VFile({ path: 'rows.md', value: md }), { figure: 'Figure', table: 'Table' });
    const xml = strFromU8(unzipSync(await writeDocx(tree, options))['word/document.xml']!);
    const [table] = bodyTables(xml);
    const rows = rowsAndCells(table!);
    expect(rows.map((row) => paragraphTexts(row.cells[0]!).join(''))).toEqual(['Town', 'Ridder', 'Testville', 'Zaisan']);
    // The header row repeats on every page. 3,800 characters in a column of some 35 take over 100 lines: over a page.
    expect(rows.map((row) => row.properties.includes('<w:tblHeader/>'))).toEqual([true, false, false, false]);
    expect(rows.map((row) => row.properties.includes('<w:cantSplit/>'))).toEqual([true, true, false, true]);
    expect(xml).not.toMatch(/<w:cantSplit w:val/);
    expect(paragraphTexts(rows[2]!.cells[1]!).join('')).toBe(long);
  });

  it('starts an ordered list at its first number', async () => {
    const { parts } = await writeBilingual('separate');
    const item = paragraphWith(parts['word/document.xml']!, 'Third step of the plan');
    const numId = /<w:numId w:val="(\d+)"\/>/.exec(item)?.[1];
    const num = new RegExp(`<w:num w:numId="${numId}">[\\s\\S]*?</w:num>`).exec(parts['word/numbering.xml']!)?.[0];
    expect(num).toMatch(/<w:lvlOverride w:ilvl="0"><w:startOverride w:val="3"\/><\/w:lvlOverride>/);
    const bullet = paragraphWith(parts['word/document.xml']!, 'Mining of polymetallic ores');
    expect(/<w:numId w:val="(\d+)"\/>/.exec(bullet)?.[1]).not.toBe(numId);
  });

  it('breaks pages with the next paragraph, never with an empty one, and drops a break a section break makes', async () => {
    const { options } = sample();
    const md = 'First page.\n\n::pagebreak\n\nSecond page.\n\n::pagebreak\n\n| Third | page |\n| - | - |\n| a | table |\n\n::pagebreak\n\n:::lang{code=es}\nCuarta página.\n:::\n\n::pagebreak\n';
    const tree = markdownToTree(new VFile({ path: 'breaks.md', value: md }), { figure: 'Figure', table: 'Table' });
    const xml = strFromU8(unzipSync(await writeDocx(tree, options))['word/document.xml']!);
    expect(xml).not.toContain('w:type="page"');
    expect(paragraphWith(xml, 'First page.')).not.toContain('<w:pageBreakBefore/>');
    expect(paragraphWith(xml, 'Second page.')).toContain('<w:pageBreakBefore/>');
    expect(paragraphWith(xml, 'Third')).toContain('<w:pageBreakBefore/>'); // a table: its first paragraph
    // The Spanish part starts a section, hence a page, of its own: no break on top of that.
    expect(paragraphWith(xml, 'Cuarta página.')).not.toContain('<w:pageBreakBefore/>');
    expect(xml.match(/<w:pageBreakBefore\/>/g)).toHaveLength(2);
    expect(paragraphTexts(xml).filter((text) => text === '')).toHaveLength(1); // the small one after the table
    expect(xml.match(/<w:sectPr>/g)).toHaveLength(2); // the last break makes no page of its own
  });

  it('writes the separate bilingual layout: the Spanish part in a section of its own, with its header, contents and language', async () => {
    const { parts } = await writeBilingual('separate');
    const xml = parts['word/document.xml']!;
    for (const part of textParts(parts)) {
      expect(allRuns(parts[part]!).filter((run) => run.lang === undefined).map((run) => `${part}: ${run.xml}`)).toEqual([]);
    }
    // Each part's contents: its label as title, its headings only, in its language.
    for (const [title, lang] of [['Contents', 'en-GB'], ['Índice', 'es-ES']] as const) {
      const titleParagraph = paragraphWith(xml, title);
      expect(titleParagraph).toContain('<w:pStyle w:val="TOCHeading"/>');
      expect(allRuns(titleParagraph).map((run) => run.lang)).toEqual([lang]);
    }
    const tocs = xml.match(/<w:sdt>[\s\S]*?<\/w:sdt>/g) ?? [];
    expect(tocs.map((toc) => /<w:alias w:val="([^"]+)"\/>/.exec(toc)?.[1])).toEqual(['Contents', 'Índice']);
    const entries = tocs.map((toc) => allRuns(toc).filter((run) => run.text !== '' && !run.xml.includes('<w:fldChar')).map((run) => `${run.text} ${run.lang}`));
    expect(entries).toEqual([
      ['Introduction en-GB', 'City status en-GB', 'Development by stage en-GB'],
      ['Introducción es-ES', 'Estatus de ciudad es-ES', 'Desarrollo por etapas es-ES'],
    ]);
    expect(tocs.map((toc) => [...new Set(allRuns(toc).filter((run) => run.xml.includes('<w:fldChar')).map((run) => run.lang))])).toEqual([['en-GB'], ['es-ES']]);
    // Captions, their SEQ numbers included, and footnotes are in their part's language.
    for (const [text, lang, seq] of [['Timeline of Ridder', 'en-GB', 'SEQ Figure'], ['Cronología de Ridder', 'es-ES', 'SEQ Figura'], ['Años del estatus', 'es-ES', 'SEQ Tabla']] as const) {
      const caption = paragraphWith(xml, text);
      expect(caption).toContain(seq);
      expect(new Set(allRuns(caption).map((run) => run.lang))).toEqual(new Set([lang]));
    }
    const notes = paragraphTexts(parts['word/footnotes.xml']!);
    expect(notes.some((note) => note.includes('da 1932'))).toBe(true);
    const spanishNote = (parts['word/footnotes.xml']!.match(/<w:footnote [^>]*>[\s\S]*?<\/w:footnote>/g) ?? []).find((note) => note.includes('da 1932'))!;
    expect(new Set(allRuns(spanishNote).map((run) => run.lang))).toEqual(new Set(['es-ES']));
    // Sections: the English part, then the Spanish part with the container's header, in Spanish.
    const rels = parts['word/_rels/document.xml.rels']!;
    const partOf = (section: string, kind: 'header' | 'footer') => {
      const id = new RegExp(`<w:${kind}Reference w:type="default" r:id="([^"]+)"`).exec(section)![1];
      const target = new RegExp(`Id="${id}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="${id}"`).exec(rels)!;
      return allRuns(parts[`word/${target[1] ?? target[2]}`]!).filter((run) => run.text.trim() !== '').map((run) => `${run.text.trim()} ${run.lang}`);
    };
    const sectionEnds = [...xml.matchAll(/<w:sectPr>[\s\S]*?<\/w:sectPr>/g)];
    const sections = sectionEnds.map((end, i) => ({
      text: paragraphTexts(xml.slice(sectionEnds[i - 1]?.index ?? 0, end.index)).join('\n'),
      header: partOf(end[0], 'header').join(),
      footer: partOf(end[0], 'footer'),
    }));
    expect(sections.map((section) => section.header)).toEqual(['Small towns · Report en-GB', 'Pequeñas ciudades · Informe es-ES']);
    // `pageOf` given in Spanish, the footer note not: each in its own language.
    expect(sections.map((section) => [section.footer[0], section.footer.at(-1)])).toEqual([
      ['Page en-GB', 'Data v1.0.0 · built 2026-01-01 en-GB'], ['Página es-ES', 'Data v1.0.0 · built 2026-01-01 en-GB'],
    ]);
    expect(sections[0]!.text).toContain('Development by stage');
    expect(sections[1]!.text).toMatch(/^Pequeñas ciudades del Kazajistán Oriental/);
    // The section break starts the Spanish title page: no page break of its own, nor an empty page.
    expect(paragraphWith(xml, 'Pequeñas ciudades del Kazajistán')).not.toContain('<w:pageBreakBefore/>');
    expect(paragraphWith(xml, 'Índice')).toContain('<w:pageBreakBefore/>');
  });

  it('sets :::parallel as a two-column table: a row per pair, English left, Spanish right, headings in the TOC', async () => {
    const { parts, options } = await writeBilingual('parallel');
    const xml = parts['word/document.xml']!;
    expect(options.file.messages.map(String)).toEqual([]);
    for (const part of textParts(parts)) {
      expect(allRuns(parts[part]!).filter((run) => run.lang === undefined).map((run) => `${part}: ${run.xml}`)).toEqual([]);
    }
    const tables = bodyTables(xml).filter((table) => table.includes('<w:tblStyle w:val="Parallel"/>'));
    expect(tables).toHaveLength(1);
    const table = tables[0]!;
    // Two equal columns of the text width, laid out fixed; rows that may break across pages.
    expect(table).toContain('<w:tblGrid><w:gridCol w:w="4535"/><w:gridCol w:w="4535"/></w:tblGrid>');
    expect(table).toContain('<w:tblLayout w:type="fixed"/>');
    const rows = rowsAndCells(table);
    expect(rows.map((row) => row.cells.length)).toEqual([2, 2, 2]);
    expect(rows.filter((row) => row.properties.includes('cantSplit'))).toEqual([]);
    expect(rows.map((row) => row.cells.map((cell) => paragraphTexts(cell).find((text) => text !== '')))).toEqual([
      ['Introduction', 'Introducción'], ['City status', 'Estatus de ciudad'], ['Development by stage', 'Desarrollo por etapas'],
    ]);
    // Every run in the left cells is English, in the right cells Spanish: text, links, footnote marks, captions, tables.
    for (const { cells: [left, right] } of rows) {
      expect(new Set(allRuns(left!).map((run) => run.lang))).toEqual(new Set(['en-GB']));
      expect(new Set(allRuns(right!).map((run) => run.lang))).toEqual(new Set(['es-ES']));
    }
    const [intro, status, development] = rows.map((row) => row.cells);
    expect(paragraphTexts(intro![0]!)).toEqual(expect.arrayContaining(['Mining of polymetallic ores', 'Third step of the plan']));
    expect(paragraphTexts(status![1]!)).toEqual(expect.arrayContaining(['Tabla 1: Años del estatus de ciudad', 'Ualtaeva, 2011']));
    expect(development![1]).toContain('SEQ Figura');
    // Headings keep their styles and bookmarks, so the contents (English) lists both languages, each in its own.
    expect(paragraphWith(xml, 'Estatus de ciudad')).toContain('<w:pStyle w:val="Heading2"/>');
    expect(paragraphWith(xml, 'Desarrollo por etapas')).toMatch(/<w:pStyle w:val="Heading1"\/>[\s\S]*<w:bookmarkStart w:name="_Toc\d+"/);
    const toc = /<w:sdt>[\s\S]*?<\/w:sdt>/.exec(xml)![0];
    expect(allRuns(toc).filter((run) => run.text !== '' && !run.xml.includes('<w:fldChar')).map((run) => `${run.text} ${run.lang}`)).toEqual([
      'Introduction en-GB', 'Introducción es-ES', 'City status en-GB', 'Estatus de ciudad es-ES', 'Development by stage en-GB', 'Desarrollo por etapas es-ES',
    ]);
    expect(paragraphTexts(toc).filter((text) => text !== '').every((text) => /\t\d+$/.test(text))).toBe(true);
    // Figures and tables are sized to the cell: its width less the room between the columns.
    const cellPixels = Math.round(((4535 - 227) / 20) * (96 / 72));
    expect([...table.matchAll(/<wp:extent cx="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([cellPixels * 9525, cellPixels * 9525]);
    for (const nested of bodyTables(table.slice('<w:tbl>'.length, -'</w:tbl>'.length))) {
      const grid = [...nested.matchAll(/<w:gridCol w:w="(\d+)"\/>/g)].reduce((sum, m) => sum + Number(m[1]), 0);
      expect(grid).toBeLessThanOrEqual(4535 - 227);
    }
  });

  it('keeps a column of short words (an amount, a year) whole beside long words that do not all fit', async () => {
    const { options } = sample();
    const long = Array(6).fill('Entrepreneurship').join(' | ');
    const md = `| A | B | C | D | E | F | Target | Year |\n|---|---|---|---|---|---|---:|---:|\n| ${long} | 12,000 | 2030 |\n`;
    const tree = markdownToTree(new VFile({ path: 'widths.md', value: md }), { figure: 'Figure', table: 'Table' });
    const xml = strFromU8(unzipSync(await writeDocx(tree, options))['word/document.xml']!);
    const grid = [...bodyTables(xml)[0]!.matchAll(/<w:gridCol w:w="(\d+)"\/>/g)].map((m) => Number(m[1]));
    // "12,000" and "2030" each on one line; the long words' columns share what is left.
    const wide = (characters: number) => characters * tableCharacter + tableCellMargins;
    expect(grid.slice(6)).toEqual([wide(6), wide(4)]);
    expect(new Set(grid.slice(0, 6)).size).toBe(1);
    expect(grid[0]!).toBeGreaterThan(grid[6]!);
  });

  it('keeps an amount whole (a column aligned right), however long, beside long words that do not all fit', async () => {
    const { options } = sample();
    const long = Array(5).fill('Entrepreneurship').join(' | ');
    const md = `| A | B | C | D | E | Cost | Note |\n|---|---|---|---|---|---:|---|\n| ${long} | 120,000,000 | Fundamentals |\n`;
    const tree = markdownToTree(new VFile({ path: 'widths.md', value: md }), { figure: 'Figure', table: 'Table' });
    const xml = strFromU8(unzipSync(await writeDocx(tree, options))['word/document.xml']!);
    const grid = [...bodyTables(xml)[0]!.matchAll(/<w:gridCol w:w="(\d+)"\/>/g)].map((m) => Number(m[1]));
    // All eleven characters of the amount on one line; a left-aligned long word still shares the room left.
    expect(grid[5]).toBe(11 * tableCharacter + tableCellMargins);
    expect(grid[6]!).toBeLessThan(12 * tableCharacter + tableCellMargins);

    // So many columns that not even six characters each fit: the amount still keeps its eleven.
    const crowded = `|${' W |'.repeat(11)} Cost |\n|${'---|'.repeat(11)}---:|\n|${' Entrepreneurship |'.repeat(11)} 120,000,000 |\n`;
    const many = strFromU8(unzipSync(await writeDocx(markdownToTree(new VFile({ path: 'many.md', value: crowded }), { figure: 'Figure', table: 'Table' }), options))['word/document.xml']!);
    const columns = [...bodyTables(many)[0]!.matchAll(/<w:gridCol w:w="(\d+)"\/>/g)].map((m) => Number(m[1]));
    expect(columns[11]).toBe(11 * tableCharacter + tableCellMargins);
    expect(columns.slice(0, 11).every((width) => width >= 3 * tableCharacter + tableCellMargins)).toBe(true);

    // A column of numbers keeps its amounts whole, not its header's long words: those may be hyphenated.
    const headed = `| A | B | C | D | E | Measurements |\n|---|---|---|---|---|---:|\n| ${long} | 2025 |\n`;
    const year = strFromU8(unzipSync(await writeDocx(markdownToTree(new VFile({ path: 'year.md', value: headed }), { figure: 'Figure', table: 'Table' }), options))['word/document.xml']!);
    const yearColumns = [...bodyTables(year)[0]!.matchAll(/<w:gridCol w:w="(\d+)"\/>/g)].map((m) => Number(m[1]));
    expect(yearColumns[5]).toBeGreaterThanOrEqual(6 * tableCharacter + tableCellMargins);
    expect(yearColumns[5]).toBeLessThan(12 * tableCharacter + tableCellMargins);
  });

  it('keeps the words of a crowded table body whole before those of its header (names whole, long headers hyphenated)', async () => {
    const { options } = sample();
    const stages = ['Historical prerequisites, 1700–1924', 'Restoration of the economy, 1923–1929', 'First five-year plan, 1929–1932', 'Second five-year plan, 1933–1937', 'Third five-year plan, 1938–1942', 'The Great Patriotic War, 1941–1945', 'Post-war reconstruction, 1946–1953'];
    const md = `| Town | ${stages.join(' | ')} |\n| :-- |${' --: |'.repeat(7)}\n| Shemonaikha |${' 1 |'.repeat(7)}\n| Ridder |${' – |'.repeat(7)}\n`;
    const xml = strFromU8(unzipSync(await writeDocx(markdownToTree(new VFile({ path: 'matrix.md', value: md }), { figure: 'Figure', table: 'Table' }), options))['word/document.xml']!);
    const grid = [...bodyTables(xml)[0]!.matchAll(/<w:gridCol w:w="(\d+)"\/>/g)].map((m) => Number(m[1]));
    // The headers' longest words ("reconstruction,") cannot all fit; the towns' names can, and keep their width.
    expect(grid[0]).toBeGreaterThanOrEqual(11 * tableCharacter + tableCellMargins);
    expect(grid.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(9070);
    expect(bodyTables(xml)[0]).toContain('<w:t xml:space="preserve">Shemonaikha</w:t>');
    expect(bodyTables(xml)[0]).toContain('con</w:t><w:softHyphen/><w:t xml:space="preserve">struc</w:t><w:softHyphen/>');
  });

  /** A table of ten columns: a long word in each cell of one row, short words in the next. */
  const hyphenationTable = async (word: string) => {
    const { options } = sample();
    const md = `|${' X |'.repeat(10)}\n|${'---|'.repeat(10)}\n|${` ${word} |`.repeat(10)}\n|${' short words |'.repeat(10)}\n`;
    return writeDocx(markdownToTree(new VFile({ path: 'hyphens.md', value: md }), { figure: 'Figure', table: 'Table' }), options);
  };

  it('puts soft hyphens between the syllables of a word that may be wider than its table column, and nowhere else', async () => {
    const word = 'responsibilities';
    const xml = strFromU8(unzipSync(await hyphenationTable(word))['word/document.xml']!);
    const runs = bodyTables(xml)[0]!.match(/<w:r>.*?<\/w:r>/g)!;
    const hyphenated = runs.filter((run) => run.includes('<w:softHyphen/>'));
    expect(hyphenated).toHaveLength(10);
    for (const run of hyphenated) {
      const pieces = [...run.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]);
      expect(pieces).toEqual(syllables(word, 'en-GB'));
      expect(pieces.length).toBeGreaterThan(2);
      // The run keeps its language (and so Word's dictionary) as any other.
      expect(run).toContain('<w:lang w:val="en-GB"/>');
    }
    expect(runs.filter((run) => run.includes('short words'))).toHaveLength(10);
  });

  it.skipIf(!existsSync('/usr/bin/soffice'))('breaks such a word in LibreOffice at a syllable, with a hyphen', async () => {
    const word = 'responsibilities';
    const text = await convertWithLibreOffice(await hyphenationTable(word), 'hyphens', { fonts: dirname(robotoFiles.normal) });
    const starts = text.split(/\s+/).filter((token) => token !== word && token.length > 1 && word.startsWith(token.replace(/-$/, '')));
    expect(starts, text).toHaveLength(10);
    // Every first piece ends at a syllable, with the hyphen printed.
    const ends = new Set(syllables(word, 'en-GB').map((_, i, all) => all.slice(0, i + 1).join('')));
    for (const start of starts) expect(start.endsWith('-') && ends.has(start.slice(0, -1)), start).toBe(true);
  }, 120_000);

  it('sets a table too wide for a column across the page, and warns of what it cannot set side by side', async () => {
    const { options } = sample();
    const wide = (words: string) => `| ${words.split(' ').join(' | ')} |\n|${' - |'.repeat(words.split(' ').length)}\n| ${words.split(' ').map(() => 'x').join(' | ')} |`;
    const en = markdownToTree(new VFile({ path: 'en.md', value: `# Compared\n\nBefore.\n\n${wide('Ayagoz Charsk Kurchatov Ridder Serebryansk Shemonaikha Zaisan Zyryanovsk')}\n\nAfter.\n` }), { figure: 'Figure', table: 'Table' });
    const es = markdownToTree(new VFile({ path: 'es.md', value: `# Comparadas\n\nAntes.\n\n${wide('Ayagoz Charsk Kurchátov Ridder Serebriansk Shemonaija Zaysán Zyriánovsk')}\n\nDespués.\n` }), { figure: 'Figura', table: 'Tabla' });
    const stray: RootContent = { type: 'paragraph', children: [{ type: 'text', value: 'Stray paragraph' }] };
    const landscape: ContainerDirective = { type: 'containerDirective', name: 'landscape', attributes: {}, children: [{ type: 'paragraph', children: [{ type: 'text', value: 'Nested landscape' }] }] };
    const parallel: ContainerDirective = {
      type: 'containerDirective', name: 'parallel', attributes: {},
      children: [langContainer('en', [...en.children, landscape]), langContainer('es', es.children), stray as BlockContent, langContainer('en', [{ type: 'paragraph', children: [{ type: 'text', value: 'Alone' }] }])],
    };
    const xml = strFromU8(unzipSync(await writeDocx({ type: 'root', children: [parallel] }, options))['word/document.xml']!);
    const body = bodyTables(xml);
    // Side by side before the wide tables; each wide table across the page; side by side after them.
    expect(body.map((table) => /<w:tblStyle w:val="(\w+)"\/>/.exec(table)?.[1])).toEqual(['Parallel', 'ReportTable', 'ReportTable', 'Parallel', 'Parallel']);
    expect(rowsAndCells(body[0]!).map((row) => row.cells.map((cell) => paragraphTexts(cell).join('|')))).toEqual([['Compared|Before.', 'Comparadas|Antes.']]);
    expect(paragraphTexts(body[1]!)[0]).toBe('Ayagoz');
    expect(paragraphTexts(body[2]!)[2]).toBe('Kurchátov');
    expect(new Set(allRuns(body[2]!).map((run) => run.lang))).toEqual(new Set(['es-ES']));
    expect(rowsAndCells(body[3]!).map((row) => row.cells.map((cell) => paragraphTexts(cell).join('|')))).toEqual([['After.|Nested landscape', 'Después.']]);
    expect(rowsAndCells(body[4]!).map((row) => row.cells.map((cell) => paragraphTexts(cell).join('|')))).toEqual([['Alone', '']]);
    expect(paragraphWith(xml, 'Stray paragraph')).toBeTruthy();
    expect(options.file.messages.map((m) => m.ruleId)).toEqual(['docx-landscape-nested', 'docx-parallel-content', 'docx-parallel-unpaired']);
  });

  it('numbers every entry of both contents of a report-shaped document, counting the pages across both parts', async () => {
    const { parts, options } = await writeReportShaped();
    const [english, spanish] = tocEntries(parts['word/document.xml']!);
    expect(english!.map((entry) => entry.text)).toEqual(['Introduction', 'Method', 'The towns', ...Array.from({ length: 8 }, (_, k) => `Town ${k + 1}`), 'Conclusions', 'References']);
    expect(spanish!.map((entry) => entry.text)).toEqual(['Introducción', 'Método', 'Las ciudades', ...Array.from({ length: 8 }, (_, k) => `Ciudad ${k + 1}`), 'Conclusiones', 'Referencias']);
    // Every entry has its page, and in the order of the document the pages never go down, the Spanish part's carrying
    // on from the English part's (its section starts a page, but does not number them afresh).
    const pages = [...english!, ...spanish!].map((entry) => entry.page);
    expect(pages.filter((page) => page === undefined)).toEqual([]);
    expect(pages.every((page, i) => i === 0 || page! >= pages[i - 1]!)).toBe(true);
    expect(spanish![0]!.page).toBeGreaterThan(english!.at(-1)!.page!);
    expect(english!.at(-1)!.page).toBeGreaterThan(15); // long enough for many boxes to break across pages
    // Laid out to the end, boxes across pages and all (docx's own layout once stopped at the 4th town's box), with
    // NUMPAGES filled in and nothing to warn of.
    expect(options.file.messages.map(String)).toEqual([]);
    expect(parts['word/styles.xml']).toMatch(/w:styleId="Facts">.*?<w:spacing [^>]*w:lineRule="atLeast"/);
    const pageCounts = Object.entries(parts).filter(([path]) => /^word\/footer\d+\.xml$/.test(path))
      .map(([, xml]) => Number(/NUMPAGES[\s\S]*?<w:t(?: [^>]*)?>(\d+)<\/w:t>/.exec(xml)?.[1]));
    expect(pageCounts).toHaveLength(2);
    for (const count of pageCounts) expect(count).toBeGreaterThanOrEqual(spanish!.at(-1)!.page!);
  });

  it.skipIf(!existsSync('/usr/bin/soffice'))('puts each heading of the report-shaped document, in LibreOffice with Roboto, on the page its entry says (±1)', async () => {
    const { parts, bytes } = await writeReportShaped();
    const [english, spanish] = tocEntries(parts['word/document.xml']!);
    const pages = (await convertWithLibreOffice(bytes, 'report-shaped', { fonts: dirname(robotoFiles.normal) })).split('\f');
    const lines = (page: string) => page.split('\n').map((line) => line.trim()).filter((line) => !/\.{5,}/.test(line)); // not the TOC's
    for (const [title, entries] of [['Contents', english!], ['Índice', spanish!]] as const) {
      let at = pages.findIndex((page) => lines(page).includes(title));
      expect(at, title).toBeGreaterThanOrEqual(0);
      for (const { text, page } of entries) {
        const found = pages.findIndex((content, index) => index >= at && lines(content).includes(text));
        expect(found, text).toBeGreaterThanOrEqual(0);
        expect(Math.abs(found + 1 - page!), `${text}: ${page} in the contents, ${found + 1} in LibreOffice`).toBeLessThanOrEqual(1);
        at = found;
      }
    }
  }, 120_000);

  it('embeds Roboto\'s four faces, obfuscated with keys made from their bytes (the same fonts, the same package)', async () => {
    const { parts } = await writeSample();
    const table = parts['word/fontTable.xml']!;
    const embeds = [...table.matchAll(/<w:(embed\w+) r:id="([^"]+)" w:fontKey="(\{[0-9A-F-]{36}\})"\/>/g)];
    expect(embeds.map((m) => m[1])).toEqual(['embedRegular', 'embedBold', 'embedItalic', 'embedBoldItalic']);
    expect(parts['word/settings.xml']).toContain('<w:embedTrueTypeFonts/>');
    const { bytes } = await writeSample();
    const files = unzipSync(bytes);
    for (const [[, , id, key], face] of embeds.map((m, i) => [m, [robotoFiles.normal, robotoFiles.bold, robotoFiles.italics, robotoFiles.bolditalics][i]!] as const)) {
      const target = new RegExp(`Id="${id}"[^>]*Target="([^"]+)"`).exec(parts['word/_rels/fontTable.xml.rels']!)![1]!;
      // Obfuscated again with its key, the part is the font file itself (ECMA-376 Part 1, 17.8.1).
      expect(Buffer.from(obfuscate(files[`word/${target}`]!, key!)).equals(readFileSync(face))).toBe(true);
    }
  });

  it.skipIf(!existsSync('/usr/bin/soffice'))('is set in Roboto by LibreOffice where no Roboto is installed', async () => {
    const { bytes } = await writeSample();
    // Only DejaVu, which LibreOffice would set instead: Roboto can only come from the document.
    const fonts = await convertWithLibreOffice(bytes, 'embedded', { fonts: '/usr/share/fonts/truetype/dejavu', onlyThose: true, report: 'fonts' });
    expect(fonts).toMatch(/\+Roboto-Regular\s/);
    expect(fonts).toMatch(/\+Roboto-Medium\s/);
    expect(fonts).not.toMatch(/DejaVuSans/);
  }, 120_000);

  it.skipIf(!existsSync('/usr/bin/soffice'))('opens in LibreOffice, which prints the headings', async () => {
    const { bytes } = await writeSample();
    const text = await convertWithLibreOffice(bytes, 'sample');
    for (const heading of ['Contents', 'Ridder: a sample brief', 'Development by stage', 'Desarrollo por etapas', 'References']) {
      expect(text).toContain(heading);
    }
  }, 120_000);

  it.skipIf(!existsSync('/usr/bin/soffice'))('opens the parallel layout in LibreOffice, both languages side by side, contents numbered', async () => {
    const { bytes } = await writeBilingual('parallel');
    const text = await convertWithLibreOffice(bytes, 'parallel');
    expect(text).toMatch(/Introduction {2,}Introducción/);
    expect(text).toMatch(/Development by stage {2,}Desarrollo por etapas/);
    expect(text).toContain('3. Third step of the plan');
    expect(text).toContain('3. Tercer paso del plan');
    for (const words of ['Figure 1: Timeline of Ridder', 'Figura 1: Cronología de Ridder', 'Table 1: City-status years', 'Tabla 1: Años del estatus de', 'Ualtaeva (2011) da 1932']) {
      expect(text).toContain(words);
    }
    expect(text).toMatch(/Desarrollo por etapas\.+\d+/);
  }, 120_000);

  it.skipIf(!hasPythonDocx())('reads back in python-docx with every run in its language, the Spanish part and header in es-ES', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ek-docx-'));
    try {
      const { bytes } = await writeBilingual('separate');
      writeFileSync(join(dir, 'report.docx'), bytes);
      const { stdout } = await run('/usr/bin/python3', ['-c', pythonRuns, join(dir, 'report.docx')]);
      const parts = JSON.parse(stdout) as Record<string, [string, string | null][]>;
      expect(Object.entries(parts).flatMap(([part, runs]) => runs.filter(([, lang]) => lang === null).map(([text]) => `${part}: ${text}`))).toEqual([]);
      const body = parts.body!.filter(([text]) => text.trim() !== '');
      const spanishFrom = body.findIndex(([text]) => text === 'Pequeñas ciudades del Kazajistán Oriental');
      expect(spanishFrom).toBeGreaterThan(0);
      expect(body.slice(0, spanishFrom).filter(([, lang]) => lang !== 'en-GB')).toEqual([]);
      expect(body.slice(spanishFrom).filter(([, lang]) => lang !== 'es-ES')).toEqual([]);
      expect([parts.header0, parts.header1]).toEqual([[['Small towns · Report', 'en-GB']], [['Pequeñas ciudades · Informe', 'es-ES']]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

const run = (command: string, args: string[], env: NodeJS.ProcessEnv = process.env) => promisify(execFile)(command, args, { timeout: 110_000, env });

function hasPythonDocx(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import docx'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Every run of a DOCX's body, headers and footers as python-docx reads them: [text, w:lang or null], by part. */
const pythonRuns = `
import json, sys
import docx
from docx.oxml.ns import qn
document = docx.Document(sys.argv[1])
def runs(element):
    out = []
    for r in element.iter(qn('w:r')):
        lang = r.find(qn('w:rPr') + '/' + qn('w:lang'))
        out.append([''.join(t.text or '' for t in r.iter(qn('w:t'))), None if lang is None else lang.get(qn('w:val'))])
    return out
parts = {'body': runs(document.element.body)}
for i, section in enumerate(document.sections):
    parts['header%d' % i] = runs(section.header._element)
    parts['footer%d' % i] = runs(section.footer._element)
json.dump(parts, sys.stdout, ensure_ascii=False)
`;
