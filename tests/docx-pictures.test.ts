import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { VFile } from 'vfile';
import { describe, expect, it, vi } from 'vitest';
import { markdownToTree } from '../pipeline/markdown/index.js';
import { drawPng } from '../pipeline/write/docx/draw.js';
import { writeDocx } from '../pipeline/write/docx/index.js';
import type { WriteOptions } from '../pipeline/write/options.js';
import { fixturesDir } from './golden.js';

// Counts the PNG fallbacks drawn (pipeline/write/docx/figure.ts has them drawn by draw.ts).
const drawn = vi.hoisted(() => ({ count: 0 }));
vi.mock('../pipeline/write/docx/draw.js', async (original) => {
  const { drawPng } = await original<typeof import('../pipeline/write/docx/draw.js')>();
  return { drawPng: (...args: Parameters<typeof drawPng>) => (drawn.count++, drawPng(...args)) };
});

const svg = readFileSync(join(fixturesDir, 'spine-sample', 'timeline.svg'), 'utf8');

async function write(figures: Record<string, string>): Promise<Buffer[]> {
  const markdown = Object.keys(figures).map((name) => `::figure[${name}]{#fig-${name} src=${name}}`).join('\n\n');
  const file = new VFile({ path: 'pictures.md', value: `${markdown}\n` });
  const options: WriteOptions = {
    meta: { title: 'Pictures', subject: '', keywords: [], author: 'tests', lang: 'en', date: new Date('2026-01-01T00:00:00Z'), version: '1.0.0' },
    labels: { header: 'Pictures', pageOf: 'Page {page} of {pages}', footerNote: 'Data v1.0.0', contents: 'Contents' },
    figures: Object.fromEntries(Object.entries(figures).map(([name, s]) => [name, { svg: s, width: 480, height: 120, alt: name }])),
    file,
  };
  const entries = unzipSync(await writeDocx(markdownToTree(file, { figure: 'Figure', table: 'Table' }), options));
  return Object.entries(entries).filter(([path]) => path.endsWith('.png')).map(([, data]) => Buffer.from(data));
}

describe('DOCX picture fallbacks across documents', () => {
  it('draws a figure again only when its SVG changed (as in a rebuild in `ek-towns watch`)', async () => {
    const changed = svg.replace('</svg>', '<circle cx="10" cy="10" r="5"/></svg>');
    const first = await write({ a: svg, b: changed.replace('r="5"', 'r="6"') });
    expect(drawn.count).toBe(2);
    const second = await write({ a: svg, b: changed });
    expect(drawn.count).toBe(3); // only b, whose SVG is new
    expect(second.some((png) => png.equals(first[0]!) || png.equals(first[1]!))).toBe(true);
    expect(second.every((png) => png.subarray(1, 4).toString('latin1') === 'PNG')).toBe(true);
  });

  it('says which picture could not be drawn, and draws the next document\'s', async () => {
    await expect(write({ a: '<svg broken' })).rejects.toThrow(/PNG fallback could not be drawn/);
    const pngs = await write({ a: svg });
    expect(pngs[0]!.subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('does not hold every picture\'s pixels until the last is drawn', async () => {
    // A document asks for all its pictures at once. Each of these is ~9 MB of pixels while drawn: held until the
    // end, the 30 were ~270 MB more.
    await drawPng(svg, 3000);
    const before = process.memoryUsage().rss;
    const pngs = await Promise.all(Array.from({ length: 30 }, (_, i) => drawPng(svg.replace('</svg>', `<circle cx="${i}" cy="10" r="5"/></svg>`), 3000)));
    expect(pngs).toHaveLength(30);
    expect((process.memoryUsage().rss - before) / 2 ** 20).toBeLessThan(100);
  });
});
