import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { build } from '../pipeline/build/run.js';

let out: string;
beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'ek-preview-'));
  const result = await build({ paths: { sources: 'sources', templates: 'templates' }, outDir: out, groups: ['model', 'briefs', 'report', 'annex', 'preview'], layout: 'separate', quiet: true, env: {} });
  expect(result.failed).toEqual([]);
}, 600_000);

describe('the preview page in Chromium', () => {
  it('loads without console errors, and every link resolves to a file the build wrote', async () => {
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(pathToFileURL(join(out, 'html', 'index.html')).href);
      expect(await page.title()).toBe('ek-towns: all outputs');
      const links = await page.$$eval('a[href]', (anchors) => anchors.map((a) => (a as HTMLAnchorElement).href));
      // 16 briefs, the DOCX and two HTML reports, 2 × (DOCX, PDF, XLSX and 5 CSV) annex files.
      expect(links.length).toBeGreaterThanOrEqual(16 + 3 + 16);
      const missing = links.filter((href) => href.startsWith('file:') && !existsSync(fileURLToPath(href.split('#')[0]!)));
      expect(missing).toEqual([]);
      for (const report of links.filter((href) => /report\.(en|es)\.html$/.test(href))) {
        await page.goto(report);
        expect(await page.locator('h1').count()).toBeGreaterThan(5);
      }
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
