/**
 * Property-based tests (issue 9): whatever text the data holds and whatever Markdown a narrative holds, the
 * writers never throw, every word of a data value reaches the PDF, DOCX and HTML text layers, and the HTML never
 * carries executable content. Seeded and bounded, so a failure reproduces: fast-check prints the seed and the
 * shrunk counterexample; rerun with the same seed (and `path`) to replay it.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { strFromU8, unzipSync } from 'fflate';
import type { Element } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import type { Root } from 'mdast';
import { visit } from 'unist-util-visit';
import { VFile } from 'vfile';
import { parse, stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProject } from '../pipeline/build/project.js';
import { DiagnosticsError } from '../pipeline/diagnostics.js';
import { briefDocument } from '../pipeline/documents/brief.js';
import { markdownToTree } from '../pipeline/markdown/index.js';
import { writeDocx } from '../pipeline/write/docx/index.js';
import { robotoFiles } from '../pipeline/write/fonts.js';
import { writeHtml } from '../pipeline/write/html/index.js';
import type { WriteOptions } from '../pipeline/write/options.js';
import { writePdf } from '../pipeline/write/pdf/index.js';
import { fixturesDir } from './golden.js';
import { decodeXml } from './support/ooxml.js';

// One seed for the file: the same inputs on every run and machine. Each property sets its own run count (each
// PDF takes 0.1–0.5 s), so the file stays within about a minute on two cores. To explore further, e.g.
// `FC_SEED=7 FC_SCALE=10 npx vitest run tests/properties.test.ts` (a failure prints the seed and path to replay).
const seed = Number(process.env.FC_SEED ?? 20261126);
const scale = Number(process.env.FC_SCALE ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * scale));
fc.configureGlobal({ seed, numRuns: 40, endOnFailure: true });

const captionLabels = { figure: 'Figure', table: 'Table' };

// ---- What a reader gets from each format -------------------------------------------------------------------------

const scratch = mkdtempSync(join(tmpdir(), 'ek-prop-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function pdfText(bytes: Uint8Array): string {
  writeFileSync(join(scratch, 'doc.pdf'), bytes);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', join(scratch, 'doc.pdf'), '-'], { encoding: 'utf8' });
}

/** Every w:t of the body, footnotes and headers, as text. */
function docxText(bytes: Uint8Array): string {
  const parts = unzipSync(bytes);
  return Object.entries(parts)
    .filter(([name]) => /^word\/(document|footnotes|header\d*)\.xml$/.test(name))
    .map(([, part]) => [...strFromU8(part).matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => decodeXml(m[1]!)).join(''))
    .join('\n');
}

/** The text content of the page, as a browser parses it. */
function htmlText(html: string): string {
  const texts: string[] = [];
  visit(fromHtml(html), 'text', (node: { value: string }) => {
    texts.push(node.value);
  });
  return texts.join(' ');
}

/** Attributes (as hast names them) that a browser follows or loads as a URL. */
const urlAttributes = new Set(['href', 'src', 'srcSet', 'action', 'formAction', 'xLinkHref', 'data', 'poster', 'cite', 'background', 'ping']);

/** Scripts, event-handler attributes and javascript: URLs in the page, as a browser would parse it. */
function executableContent(html: string): string[] {
  const found: string[] = [];
  visit(fromHtml(html), 'element', (node: Element) => {
    if (['script', 'iframe', 'object', 'embed'].includes(node.tagName)) found.push(`<${node.tagName}>`);
    for (const [name, value] of Object.entries(node.properties)) {
      if (/^on/i.test(name)) found.push(`${node.tagName} ${name}`);
      // As browsers read a URL: control characters and spaces inside the scheme are ignored. (Other attributes,
      // an image's alt text for one, may say "javascript:" harmlessly.)
      const url = String(value).replace(/[\u0000-\u0020\u007F]+/g, '');
      if (urlAttributes.has(name) && /^(javascript|vbscript):/i.test(url)) found.push(`${node.tagName} ${name}=${String(value)}`);
    }
  });
  // The serialisation itself, outside attribute values (an alt text may quote "<img onerror=…>" harmlessly; text
  // content has every "<" escaped): no script tag, no on…= inside a tag.
  const tags = html.replace(/="[^"]*"/g, '=""');
  if (/<script/i.test(tags)) found.push('<script in the source');
  if (/<[a-z][^<>]*\son[a-z]+\s*=/i.test(tags)) found.push('on…= in a tag');
  return found;
}

/** Link targets a reader could follow in the PDF (URI actions) and the DOCX (external relationships). */
function activeLinks(pdf: Uint8Array, docx: Uint8Array): string[] {
  const latin1 = Buffer.from(pdf).toString('latin1');
  const pdfLinks = [...latin1.matchAll(/\/URI\s*\(((?:\\.|[^\\)])*)\)/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
  const rels = strFromU8(unzipSync(docx)['word/_rels/document.xml.rels'] ?? new Uint8Array());
  const docxLinks = [...rels.matchAll(/Target="([^"]*)"[^>]*TargetMode="External"/g)].map((m) => decodeXml(m[1]!));
  return [...pdfLinks, ...docxLinks];
}
const unsafeLink = (url: string) => /^(javascript|vbscript|data|file):/i.test(url.replace(/[\u0000-\u0020\u007F]+/g, ''));

/** Words as the issue counts them: runs of letters and digits. */
const words = (text: string) => text.match(/[\p{L}\p{N}]+/gu) ?? [];
/** Layouts break long words across lines and collapse spaces: compare with all white space removed. */
const squeezed = (text: string) => text.replace(/\s+/g, '');

// ---- Inputs --------------------------------------------------------------------------------------------------------

interface GlyphFont { hasGlyphForCodePoint(codePoint: number): boolean }
const fontkit = createRequire(import.meta.url)('fontkit') as { openSync(path: string): GlyphFont };
const faces = Object.values(robotoFiles).map((path) => fontkit.openSync(path));

/**
 * Characters every Roboto face can draw (the PDF refuses others with a located error): ASCII, Latin-1, Latin
 * Extended-A, Cyrillic with the Kazakh letters, a few typographic marks; plus line breaks and tabs.
 */
const alphabet = [
  ...[[0x20, 0x7e], [0xa0, 0x17f], [0x400, 0x4ff], [0x2010, 0x2026]].flatMap(([from, to]) =>
    Array.from({ length: to! - from! + 1 }, (_, i) => from! + i)),
].filter((code) => faces.every((face) => face.hasGlyphForCodePoint(code))).map((code) => String.fromCodePoint(code));
const markdownSpecials = [
  ...'*_|[]()<>`#-+=@:!~\\{}&;"\'/.', '\n', '\t', '  ', '\n\n', 'javascript:', '<script>', '</script>', 'onerror=', '&#106;', ':::', '[^1]', '://',
  // Names of Object.prototype properties: a heading "Constructor" once crashed the PDF writer.
  '__proto__', 'constructor', 'toString',
];
const kazakh = [...'ӘәҒғҚқҢңӨөҰұҮүҺһІі'];

/** Arbitrary text, biased towards what has a meaning in Markdown, HTML and YAML. */
const text = fc.string({
  unit: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...alphabet) },
    { weight: 3, arbitrary: fc.constantFrom(...markdownSpecials) },
    { weight: 1, arbitrary: fc.constantFrom(...kazakh) },
  ),
  minLength: 1,
  maxLength: 60,
}).filter((value) => value.trim().length > 0);

// ---- Arbitrary strings in data fields → a brief in every format ----------------------------------------------------

const minimal = join(fixturesDir, 'sources-minimal', 'sources');
const townYaml = parse(readFileSync(join(minimal, 'towns', 'ridder.yaml'), 'utf8')) as Record<string, unknown>;
const referencesYaml = parse(readFileSync(join(minimal, 'references.yaml'), 'utf8')) as { references: Record<string, unknown>[] };

type Data = { town: Record<string, unknown>; references: { references: Record<string, unknown>[] } };
type Texts = Record<string, { en: string; es: string }>;
const both = (v: string) => ({ en: v, es: v });
/**
 * A data field of the minimal tree, and how to put a value there (in both languages where it is bilingual).
 * `markdown` fields are narratives.
 */
const fields: { path: string; markdown?: boolean; set(data: Data, value: string): void }[] = [
  { path: 'towns/ridder.yaml name', set: (d, v) => (d.town.name = both(v)) },
  { path: 'towns/ridder.yaml formerNames[0].name', set: (d, v) => ((d.town.formerNames as Texts[])[0]!.name = both(v)) },
  { path: 'towns/ridder.yaml spellings[0]', set: (d, v) => (d.town.spellings = [v]) },
  { path: 'towns/ridder.yaml river.name', set: (d, v) => (d.town.river = { name: both(v), cite: ['ualtaeva-2011'] }) },
  { path: 'towns/ridder.yaml founding.period', set: (d, v) => ((d.town.founding as Texts).period = both(v)) },
  { path: 'towns/ridder.yaml specialisation.text', set: (d, v) => ((d.town.specialisation as Texts).text = both(v)) },
  { path: 'towns/ridder.yaml enterprises[0].name', set: (d, v) => (d.town.enterprises = [{ name: both(v), from: 1927, cite: ['ualtaeva-2011'] }]) },
  {
    path: 'references.yaml references[ualtaeva-2011].author[0].family',
    set: (d, v) => (d.references.references.find((r) => r.id === 'ualtaeva-2011')!.author = [{ family: v, given: 'A. S.' }]),
  },
  { path: 'towns/ridder.yaml events[0].text', markdown: true, set: (d, v) => ((d.town.events as Texts[])[0]!.text = both(v)) },
  { path: 'towns/ridder.yaml founding.text', markdown: true, set: (d, v) => ((d.town.founding as Texts).text = both(v)) },
  { path: 'towns/ridder.yaml factors[0].text', markdown: true, set: (d, v) => ((d.town.factors as Texts[])[0]!.text = both(v)) },
];

/** The minimal tree with `value` in one field, written as YAML and loaded as the CLI loads it. */
function projectWith(dir: string, field: (typeof fields)[number], value: string) {
  const data: Data = { town: structuredClone(townYaml), references: structuredClone(referencesYaml) };
  field.set(data, value);
  writeFileSync(join(dir, 'towns', 'ridder.yaml'), stringify(data.town));
  writeFileSync(join(dir, 'references.yaml'), stringify(data.references));
  return loadProject({ sources: dir, templates: 'templates' }, {});
}

async function writeAll(tree: () => Root, options: WriteOptions) {
  const fresh = () => ({ ...options, file: new VFile({ path: options.file.path }) });
  const pdf = await writePdf(tree(), fresh());
  const docx = await writeDocx(tree(), fresh());
  const html = Buffer.from(writeHtml(tree(), fresh())).toString('utf8');
  return { pdf, docx, html };
}

describe('arbitrary text in any data field', () => {
  const sources = join(scratch, 'sources');
  cpSync(minimal, sources, { recursive: true });

  it('loads, renders and writes in every format; every word of a text field reaches every text layer', async () => {
    let written = 0;
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fields), text, fc.constantFrom('en' as const, 'es' as const), async (field, value, lang) => {
        const { project, files } = projectWith(sources, field, value);
        // Any non-blank text of up to 2,000 characters is valid data; a narrative may only be refused for a link
        // to javascript:, data:… or a block directive (located at the field).
        const refused = files.flatMap((f) => f.messages.filter((m) => m.fatal).map(String));
        const narrativeRule = /only http\(s\), mailto, #id and relative addresses|is a block directive, which only templates may use/;
        if (field.markdown && refused.length > 0 && refused.every((m) => narrativeRule.test(m))) return;
        expect(refused, field.path).toEqual([]);
        const town = project!.model.towns[0]!;
        const { file, options } = briefDocument(project!, town, lang);
        let tree: () => Root;
        try {
          tree = () => markdownToTree(new VFile({ path: file.path, value: file.value }), captionLabels);
          tree();
        } catch (error) {
          // A narrative is Markdown on purpose: what it writes may be a located error (`:::`, a javascript: link…).
          if (field.markdown && error instanceof DiagnosticsError) return;
          throw error;
        }
        const { pdf, docx, html } = await writeAll(tree, options);
        written++;
        expect(executableContent(html)).toEqual([]);
        // What the sources let through never becomes a javascript:, data: or file: link in the PDF or DOCX either.
        expect(activeLinks(pdf, docx).filter(unsafeLink)).toEqual([]);
        // A text field is escaped for Markdown: every word of it is printed, in every format.
        if (field.markdown) return;
        compared++;
        const layers = { pdf: squeezed(pdfText(pdf)), docx: squeezed(docxText(docx)), html: squeezed(htmlText(html)) };
        for (const [format, layer] of Object.entries(layers)) {
          expect(words(value).filter((word) => !layer.includes(word)), `${format}: ${field.path} = ${JSON.stringify(value)}`).toEqual([]);
        }
      }),
      { numRuns: runs(45) },
    );
    // Most runs write all three formats and compare their words (all but the narratives).
    console.info(`arbitrary text: ${written} briefs written, ${compared} compared word by word`);
    expect(written).toBeGreaterThan(runs(30));
    expect(compared).toBeGreaterThan(runs(25));
  }, 120_000 * scale);
});

// ---- Arbitrary Markdown → the three writers ------------------------------------------------------------------------

const word = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[a-zà-ÿа-я]{1,8}$/u) },
  { weight: 1, arbitrary: fc.constantFrom('Ridder', 'Өскемен', 'año', 'naïve', '1942', '12,5', 'x²', '__proto__', 'Constructor', 'hasOwnProperty') },
);
const url = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(
  'https://example.org/a?b=c#d', 'http://x.kz', 'mailto:a@b.kz', '#t1', 'relative/path.html', '/abs', '//evil.example/x', 'https://x.kz/a_(b)',
) }, fc.constantFrom(
  '#nowhere', 'javascript:alert(1)', 'JaVaScRiPt:alert(2)', ' javascript:alert(3)', 'jav&#x09;ascript:alert(4)', 'javascript&#58;alert(5)',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==', 'vbscript:msgbox(1)', 'file:///etc/passwd', '&#106;avascript:alert(6)',
));
const rawHtml = fc.constantFrom(
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<a href="javascript:alert(1)">a</a>', '<svg onload=alert(1)>',
  '<iframe src="javascript:alert(1)"></iframe>', '<b onmouseover="alert(1)">b</b>', '<!-- comment -->', '<div style="x">d</div>',
  '<p onclick=alert(1)>p', '</script>', '<scr<script>ipt>', '<object data="x.swf">', '<a href="java&#x0A;script:alert(1)">n</a>',
);
const inline: fc.Arbitrary<string> = fc.letrec<{ inline: string }>((tie) => ({
  inline: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 6, arbitrary: fc.array(word, { minLength: 1, maxLength: 5 }).map((ws) => ws.join(' ')) },
    fc.tuple(fc.constantFrom('*', '_', '**', '__', '~~', '`'), tie('inline')).map(([mark, body]) => `${mark}${body}${mark}`),
    fc.tuple(tie('inline'), url).map(([body, href]) => `[${body}](${href})`),
    fc.tuple(tie('inline'), url).map(([alt, src]) => `![${alt}](${src})`),
    url.map((href) => `<${href.trim()}>`),
    rawHtml,
    fc.constantFrom('[^1]', '[^note]', ':lang[texto]{code=es}', ':ref{#t1}', ':anchor{#a1}', '&amp;', '&#x3C;', '\\*', 'a  \nb', '|', ':::'),
  ),
})).inline;
const line = fc.array(inline, { minLength: 1, maxLength: 4 }).map((parts) => parts.join(' '));
const table = fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 4 }), fc.array(fc.constantFrom('---', ':---', '---:', ':---:'), { minLength: 6, maxLength: 6 }))
  .chain(([columns, rows, aligns]) => fc.array(fc.array(inline, { minLength: columns, maxLength: columns }), { minLength: rows + 1, maxLength: rows + 1 })
    .map((cells) => [
      `| ${cells[0]!.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`,
      `| ${aligns.slice(0, columns).join(' | ')} |`,
      ...cells.slice(1).map((row) => `| ${row.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`),
    ].join('\n')));
const block: fc.Arbitrary<string> = fc.letrec<{ block: string }>((tie) => ({
  block: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: line },
    fc.tuple(fc.integer({ min: 1, max: 6 }), line).map(([level, title]) => `${'#'.repeat(level)} ${title}`),
    fc.tuple(fc.boolean(), fc.array(tie('block'), { minLength: 1, maxLength: 3 })).map(([ordered, items]) =>
      items.map((item, i) => `${ordered ? `${i + 1}.` : '-'} ${item.replace(/\n/g, '\n   ')}`).join('\n')),
    tie('block').map((body) => body.split('\n').map((l) => `> ${l}`).join('\n')),
    table,
    fc.tuple(table, fc.constantFrom('t1', 't2')).map(([body, id]) => `:::table[A caption]{#${id}}\n${body}\n:::`),
    fc.tuple(fc.constantFrom('note', 'warning', 'shout'), tie('block')).map(([kind, body]) => `:::callout{kind=${kind}}\n${body}\n:::`),
    tie('block').map((body) => `:::facts\n${body}\n:::`),
    tie('block').map((body) => `:::lang{code=es}\n${body}\n:::`),
    fc.constantFrom('::pagebreak', '---', '***', '::figure[A map]{#f1 src=map}', '::toc', '::listof{kind=table}'),
    fc.tuple(fc.constantFrom('1', 'note'), line).map(([id, body]) => `[^${id}]: ${body}`),
    fc.tuple(fc.constantFrom('', 'js', 'html'), line).map(([lang, body]) => `\`\`\`${lang}\n${body}\n\`\`\``),
    rawHtml.map((html) => `<div onclick="alert(1)">\n${html}\n</div>`),
  ),
})).block;
// KNOWN (reported to the writers' owner): a second `::toc` in one document stops the PDF writer ("TOC '_default_'
// already exists"), though directives.ts allows several. Until fixed, documents get at most one; the sources refuse
// block directives in narratives, so data cannot reach it.
let tocs = 0;
const oneToc = (source: string) => ((tocs = 0), source.replace(/::toc/g, (toc) => (tocs++ === 0 ? toc : '::pagebreak')));
const markdown = fc.array(block, { minLength: 1, maxLength: 6 }).map((blocks) => oneToc(blocks.join('\n\n')));

const mapSvg = '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50" viewBox="0 0 100 50"><rect width="100" height="50" fill="#eee"/><text x="10" y="30" font-family="Roboto" font-size="12">Map</text></svg>';
const writeOptions = (): WriteOptions => ({
  meta: { title: 'Property', subject: 'Arbitrary Markdown', keywords: ['test'], author: 'ek-towns', lang: 'en', date: new Date('2026-11-26T00:00:00Z'), version: '1.0.0' },
  labels: { header: 'Property test', pageOf: 'Page {page} of {pages}', footerNote: 'Data 1.0.0', contents: 'Contents' },
  figures: { map: { svg: mapSvg, width: 100, height: 50, alt: 'A map' } },
  file: new VFile({ path: 'doc.md' }),
});

/** The located errors Markdown may legitimately get (pipeline/markdown). */
const expectedRules = new Set(['unknown-link-target', 'unknown-ref', 'duplicate-id', 'directive-attribute', 'unknown-directive', 'too-deep']);

describe('arbitrary Markdown', () => {
  it('goes through the PDF, DOCX and HTML writers without throwing; the HTML has no executable content', async () => {
    let written = 0;
    await fc.assert(
      fc.asyncProperty(markdown, async (source) => {
        const tree = () => markdownToTree(new VFile({ path: 'doc.md', value: source }), captionLabels);
        try {
          tree();
        } catch (error) {
          // Directives with a wrong kind, refs to nothing, javascript: links: located errors, which is the point.
          if (!(error instanceof DiagnosticsError)) throw error;
          expect(error.messages.filter((m) => !m.line || !expectedRules.has(m.ruleId ?? '')).map(String), source).toEqual([]);
          return;
        }
        const { html } = await writeAll(tree, writeOptions());
        written++;
        expect(executableContent(html), source).toEqual([]);
      }),
      { numRuns: runs(300) },
    );
    // Enough generated documents get through parsing for the property to say something about the writers.
    expect(written).toBeGreaterThan(runs(100));
  }, 120_000 * scale);
});
