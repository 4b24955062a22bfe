import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VFile } from 'vfile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markdownToTree } from '../pipeline/markdown/index.js';
import { robotoFiles } from '../pipeline/write/fonts.js';
import { setFontSharing } from '../pipeline/write/pdf/font-cache.js';
import { writePdf } from '../pipeline/write/pdf/index.js';

// Fonts are parsed once per process and shared by every PDF (pipeline/write/pdf/font-cache.ts). A naive share
// once lost ’ from the text layer of later PDFs, so here ten brief-like documents are rendered in one process and
// every one is read back with poppler.

const towns = ['Ayagoz', 'Zaisan', 'Zyryanovsk', 'Kurchatov', 'Serebryansk', 'Charsk', 'Shemonaiha', 'Ridder', 'Ulba', 'Altai'];

/** Document i, and strings its text layer must hold. The first three use ” “ « » (built from ’ ‘ ‹ ›) but never ’ ‘. */
function documentFor(i: number): { markdown: string; expected: string[] } {
  const town = towns[i]!;
  const year = 1925 + i;
  const count = (12345 + i * 1111).toLocaleString('en');
  const lines = [
    `# ${town} — brief ${i}`,
    '',
    `The town “${town}” lay on the «Irtysh» route, 1925–1953; señor Ñúñez, más café, Қазақстан, Әлем, ${count} people.`,
    '',
    `**Bold “${town}” «mine» — año ${year}** then *italic “quote” «guillemets» – Қ Ә á ñ* then ***both “” «» á ${i}***.`,
    '',
    '## Timeline',
    '',
    '| Year | Event |',
    '| ---: | --- |',
    `| ${year + 1} | “Plan” «${i}» – ñ Қ 0123456789 |`,
    `| ${year + 2} | **Medium “${i}”** and *Italic «${i}»* |`,
    '',
  ];
  const expected = [
    `${town} — brief ${i}`, `“${town}”`, '«Irtysh»', '1925–1953', 'Ñúñez', 'más café', 'Қазақстан', 'Әлем', `${count} people`,
    `Bold “${town}” «mine» — año ${year}`, 'italic “quote” «guillemets» – Қ Ә á ñ', `both “” «» á ${i}`,
    `“Plan” «${i}» – ñ Қ 0123456789`, `Medium “${i}”`, `Italic «${i}»`,
  ];
  if (i >= 3) {
    lines.push(
      `${town}’s mine was ‘rebuilt’ in ${year}. **${town}’s ‘plan’** and *it’s ‘so’* and ***don’t ‘stop’***.`,
      '',
      `- ${town}’s item: ‹${i}› — “‘nested’”`,
      '',
    );
    expected.push(`${town}’s mine was ‘rebuilt’ in ${year}`, `${town}’s ‘plan’`, 'it’s ‘so’', 'don’t ‘stop’', `${town}’s item: ‹${i}› — “‘nested’”`);
  }
  return { markdown: lines.join('\n'), expected };
}

const documents = towns.map((_, i) => documentFor(i));

async function render(i: number): Promise<Uint8Array> {
  const file = new VFile({ path: `doc-${i}.md`, value: documents[i]!.markdown });
  const tree = markdownToTree(file, { figure: 'Figure', table: 'Table' });
  const meta = {
    title: `${towns[i]} brief`, subject: 'Font sharing', keywords: [], author: 'ek-towns tests', lang: 'en' as const,
    date: new Date('2026-01-01T00:00:00Z'), version: '1.0.0',
  };
  const labels = { header: `${towns[i]} · Brief`, pageOf: 'Page {page} of {pages}', footerNote: 'Data v1.0.0', contents: 'Contents' };
  return writePdf(tree, { meta, labels, figures: {}, file });
}

const outDir = mkdtempSync(join(tmpdir(), 'ek-towns-pdf-fonts-'));
const save = (bytes: Uint8Array, name: string) => {
  const path = join(outDir, name);
  writeFileSync(path, bytes);
  return path;
};
const textOf = (path: string) => execFileSync('pdftotext', ['-enc', 'UTF-8', path, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
const fontsOf = (path: string) => execFileSync('pdffonts', [path], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean)
  .map((row) => {
    const cells = row.trim().split(/\s+/); // name type [encoding…] emb sub uni object ID
    return { name: cells[0]!.replace(/^[A-Z]{6}\+/, ''), embedded: cells.at(-5) === 'yes', toUnicode: cells.at(-3) === 'yes' };
  });

describe('PDF fonts shared across documents', () => {
  const shared: Uint8Array[] = [];
  const paths: string[] = [];
  beforeAll(async () => {
    setFontSharing(true);
    for (let i = 0; i < documents.length; i++) {
      shared.push(await render(i));
      paths.push(save(shared[i]!, `shared-${i}.pdf`));
    }
  });
  afterAll(() => {
    setFontSharing(true);
    rmSync(outDir, { recursive: true, force: true });
  });

  it('keeps every character in the text layer of every document', () => {
    const missing = paths.flatMap((path, i) => {
      const text = textOf(path);
      return documents[i]!.expected.filter((s) => !text.includes(s)).map((s) => `document ${i}: ${s}`);
    });
    expect(missing).toEqual([]);
  });

  it('embeds the four Roboto faces, each with a ToUnicode map, in every document', () => {
    for (const path of paths) {
      const fonts = fontsOf(path);
      expect(fonts.map((f) => f.name).sort()).toEqual(['Roboto-Italic', 'Roboto-Medium', 'Roboto-MediumItalic', 'Roboto-Regular']);
      expect(fonts.filter((f) => !f.embedded || !f.toUnicode)).toEqual([]);
    }
  });

  it('writes the same bytes as documents that parse their fonts themselves', async () => {
    setFontSharing(false);
    try {
      for (let i = 0; i < documents.length; i++) {
        const alone = await render(i);
        expect(textOf(save(alone, `alone-${i}.pdf`))).toBe(textOf(paths[i]!));
        expect(Buffer.from(alone).equals(Buffer.from(shared[i]!))).toBe(true);
      }
    } finally {
      setFontSharing(true);
    }
  });

  it('writes the same bytes when documents are rendered concurrently', async () => {
    const together = await Promise.all(documents.map((_, i) => render(i)).reverse());
    together.reverse().forEach((bytes, i) => expect(Buffer.from(bytes).equals(Buffer.from(shared[i]!))).toBe(true));
  });

  it('needs a glyph cache per document: writing a subset with ” leaves the ’ glyph without its code point', () => {
    // Why the whole fontkit font cannot be shared: the subsetter creates composite glyphs' components without code points.
    const require = createRequire(import.meta.url);
    const pdfkit = createRequire(require.resolve('pdfmake')).resolve('pdfkit');
    interface Glyph { id: number; codePoints: number[] }
    interface Font {
      glyphForCodePoint(codePoint: number): Glyph;
      layout(text: string): { glyphs: Glyph[] };
      createSubset(): { includeGlyph(id: number): number; encode(): Uint8Array };
    }
    const fontkit = createRequire(pdfkit)('fontkit') as { create(bytes: Uint8Array): Font };
    const bytes = readFileSync(robotoFiles.normal);
    const used = fontkit.create(bytes);
    const subset = used.createSubset();
    subset.includeGlyph(used.glyphForCodePoint(0x201d).id); // ”
    subset.encode();
    expect(used.layout('’').glyphs[0]!.codePoints).toEqual([]);
    expect(fontkit.create(bytes).layout('’').glyphs[0]!.codePoints).toEqual([0x2019]);
  });
});
