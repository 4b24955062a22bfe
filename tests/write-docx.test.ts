import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { strFromU8, unzipSync } from 'fflate';
import type { PhrasingContent, Root, RootContent } from 'mdast';
import { visit } from 'unist-util-visit';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { markdownToTree } from '../pipeline/markdown/index.js';
import type { WriteOptions } from '../pipeline/write/options.js';
import { writeDocx } from '../pipeline/write/docx/index.js';
import { expectGolden, fixturesDir } from './golden.js';

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

/** The paragraph whose text contains `text`, outside the TOC. */
function paragraphWith(xml: string, text: string): string {
  const found = (xml.replace(/<w:sdt>[\s\S]*?<\/w:sdt>/g, '').match(/<w:p[ >][\s\S]*?<\/w:p>/g) ?? [])
    .find((p) => paragraphTexts(p).join('').includes(text));
  if (!found) throw new Error(`no paragraph with "${text}"`);
  return found;
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

  it('marks every run with its language: en-GB by default, es-ES in the Spanish parts', async () => {
    const { parts } = await writeSample();
    expect(parts['word/styles.xml']).toMatch(/<w:rPrDefault><w:rPr>.*<w:lang w:val="en-GB"\/>.*<\/w:rPrDefault>/);
    const spanish = ['Ridder (en español)', 'Desarrollo por etapas', 'Texto en español: ciudad, año, señal ñ, acentos á é í ó ú.'];
    const runs = [...textRuns(parts['word/document.xml']!), ...textRuns(parts['word/footnotes.xml']!)];
    // Field results (SEQ numbers) are docx's runs; they take the document default, en-GB.
    const ownRuns = runs.filter((run) => !run.isField);
    expect(ownRuns.filter((run) => run.lang === undefined)).toEqual([]);
    expect(ownRuns.filter((run) => run.lang === 'es-ES').map((run) => run.text)).toEqual(spanish);
    expect(ownRuns.filter((run) => run.lang !== 'es-ES' && run.lang !== 'en-GB')).toEqual([]);
    for (const part of ['word/header1.xml', 'word/footer1.xml']) {
      expect(textRuns(parts[part]!).filter((run) => run.lang !== 'en-GB')).toEqual([]);
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
    // Page numbers as docx's layout estimates them (LibreOffice agrees on this sample).
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

  it.skipIf(!existsSync('/usr/bin/soffice'))('opens in LibreOffice, which prints the headings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ek-docx-'));
    try {
      const { bytes } = await writeSample();
      writeFileSync(join(dir, 'sample.docx'), bytes);
      const profile = `file://${join(dir, 'lo-profile')}`; // a private profile, so parallel runs don't clash
      await run('soffice', [`-env:UserInstallation=${profile}`, '--headless', '--convert-to', 'pdf', '--outdir', dir, join(dir, 'sample.docx')]);
      const { stdout: text } = await run('pdftotext', ['-layout', join(dir, 'sample.pdf'), '-']);
      for (const heading of ['Contents', 'Ridder: a sample brief', 'Development by stage', 'Desarrollo por etapas', 'References']) {
        expect(text).toContain(heading);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

const run = (command: string, args: string[]) => promisify(execFile)(command, args, { timeout: 110_000 });
