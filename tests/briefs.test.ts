import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../pipeline/build/project.js';
import { build } from '../pipeline/build/run.js';
import { citationText } from '../pipeline/render/cite.js';
import type { Model } from '../pipeline/sources/model.js';
import type { Lang } from '../pipeline/write/options.js';
import { pdfFonts, pdfInfo, pdfOutline, pdfText } from './support/clients.js';

const paths = { sources: 'sources', templates: 'templates' };
const langs: Lang[] = ['en', 'es'];
let model: Model;
let labels: Record<Lang, Map<string, string>>;
const outDirs: string[] = [];
const briefPath = (dir: string, lang: Lang, slug: string) => join(dir, 'briefs', lang, `${slug}.pdf`);
const flat = (text: string) => text.replace(/\s+/g, ' ');

beforeAll(async () => {
  const { project } = loadProject(paths, {});
  model = project!.model;
  labels = project!.labels;
  for (let i = 0; i < 2; i++) {
    const outDir = mkdtempSync(join(tmpdir(), 'ek-briefs-'));
    outDirs.push(outDir);
    expect((await build({ paths, outDir, groups: ["briefs"], layout: "separate", quiet: true, env: {} })).code).toBe(0);
  }
}, 300_000);

describe('town briefs', () => {
  const cases = langs.flatMap((lang) =>
    ['ayagoz', 'zaisan', 'zyryanovsk', 'kurchatov', 'serebryansk', 'charsk', 'shemonaiha', 'ridder'].map((slug) => ({ lang, slug })),
  );

  it.each(cases)('$lang/$slug prints the town’s key facts, with citations, in its language', ({ lang, slug }) => {
    const town = model.towns.find((t) => t.slug === slug)!;
    const text = flat(pdfText(briefPath(outDirs[0]!, lang, slug)));
    const label = (key: string) => labels[lang].get(key)!;
    expect(text).toContain(town.name[lang]);
    expect(text).toContain(label(`types.${town.type.value}`));
    for (const heading of ['brief.facts', 'brief.development', 'brief.factors', 'brief.programmes', 'brief.sources']) {
      expect(text).toContain(label(heading));
    }
    for (const status of town.cityStatus) {
      expect(text).toContain(String(status.year));
      for (const citation of status.cite) {
        const reference = model.references.find((r) => r.id === (typeof citation === 'string' ? citation : citation.key))!;
        expect(text).toContain(flat(citationText(citation, reference, lang)));
      }
    }
    for (const former of town.formerNames) expect(text).toContain(former.name[lang]);
    // The other language's section titles never leak in.
    const other = lang === 'en' ? 'es' : 'en';
    expect(text).not.toContain(labels[other].get('brief.development')!);
  });

  it.each(cases)('$lang/$slug is 2–4 A4 pages with every font embedded and full metadata', ({ lang, slug }) => {
    const path = briefPath(outDirs[0]!, lang, slug);
    const info = pdfInfo(path);
    expect(Number(info.Pages)).toBeGreaterThanOrEqual(2);
    expect(Number(info.Pages)).toBeLessThanOrEqual(4);
    expect(info['Page size']).toMatch(/^595\.\d+ x 841\.\d+ pts \(A4\)/);
    const town = model.towns.find((t) => t.slug === slug)!;
    expect(info.Title).toContain(town.name[lang]);
    expect(info.Subject).toContain(town.name[lang]);
    expect(info.Keywords).toContain(`${lang === 'es' ? 'datos' : 'data'} ${model.dataset.version}`);
    expect(info.Author).toBeTruthy();
    const fonts = pdfFonts(path);
    expect(fonts.length).toBeGreaterThan(0);
    expect(fonts.filter((f) => !f.embedded)).toEqual([]);
    expect(readFileSync(path).toString('latin1')).toContain(`/Lang (${lang})`);
    expect(pdfOutline(path)).toEqual(expect.arrayContaining([labels[lang].get('brief.development'), labels[lang].get('brief.sources')]));
  });

  it('shows both of Ridder’s city-status years with their sources in a visible note, in both languages', () => {
    const en = flat(pdfText(briefPath(outDirs[0]!, 'en', 'ridder')));
    expect(en).toContain('The sources disagree.');
    expect(en).toMatch(/1934 \(Amanbekova et al\., n\.d\.\); 1932 \(Ualtaeva, 2011\)/);
    const es = flat(pdfText(briefPath(outDirs[0]!, 'es', 'ridder')));
    expect(es).toContain('Las fuentes no coinciden.');
    expect(es).toMatch(/1934 \(Amanbekova et al\., s\. f\.\); 1932 \(Ualtaeva, 2011\)/);
  });

  it('names Kazakhstan and its neighbours on the locator map, in the brief\'s language', () => {
    for (const lang of langs) {
      const text = pdfText(briefPath(outDirs[0]!, lang, 'zaisan'));
      for (const country of ['kazakhstan', 'russia', 'china', 'mongolia']) expect(text).toContain(labels[lang].get(`countries.${country}`)!.toUpperCase());
    }
  });

  it('formats numbers and labels for each language', () => {
    expect(flat(pdfText(briefPath(outDirs[0]!, 'en', 'ridder')))).toContain('Page 1 of');
    const es = flat(pdfText(briefPath(outDirs[0]!, 'es', 'ridder')));
    expect(es).toContain('Página 1 de');
    expect(es).toContain('Figura 1');
    expect(es).toContain('Datos 1.0.0');
  });

  it('gives byte-identical files across two builds', () => {
    for (const { lang, slug } of cases) {
      expect(readFileSync(briefPath(outDirs[1]!, lang, slug)).equals(readFileSync(briefPath(outDirs[0]!, lang, slug))), `${lang}/${slug}`).toBe(true);
    }
  });
});
