import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { VFile } from 'vfile';
import { describe, expect, it, vi } from 'vitest';
import { markdownToTree } from '../pipeline/markdown/index.js';
import { writeDocx } from '../pipeline/write/docx/index.js';
import type { WriteOptions } from '../pipeline/write/options.js';
import { fixturesDir } from './golden.js';

// Counts the PNG fallbacks drawn (pipeline/write/docx/figure.ts draws them with resvg's renderAsync).
const drawn = vi.hoisted(() => ({ count: 0 }));
vi.mock('@resvg/resvg-js', async (original) => {
  const resvg = await original<typeof import('@resvg/resvg-js')>();
  return { ...resvg, renderAsync: (...args: Parameters<typeof resvg.renderAsync>) => (drawn.count++, resvg.renderAsync(...args)) };
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
});
