// The bench's "our side" of Markdown → DOCX, as a whole process like `pandoc a.md b.md -o out.docx`:
//
//   node tests/bench/docx-ours.mjs <dir> <out.docx>
//
// reads <dir>/report.en.md, <dir>/report.es.md and <dir>/report.json (what the writer prints that is not in the
// Markdown: title, labels, caption words, and the figures when the Markdown has any), parses both languages,
// joins them as the bilingual report does (English, then Spanish) and writes the DOCX.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VFile } from 'vfile';

const dist = new URL('../../dist/', import.meta.url);
const { markdownToTree } = await import(new URL('markdown/index.js', dist).href);
const { joinLanguages } = await import(new URL('documents/bilingual.js', dist).href);
const { writeDocx } = await import(new URL('write/docx/index.js', dist).href);

const [dir, out] = process.argv.slice(2);
const settings = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
const parts = settings.languages.map((part) => {
  const file = new VFile({ path: `report.${part.lang}.md`, value: readFileSync(join(dir, `report.${part.lang}.md`), 'utf8') });
  return { ...part, file, tree: markdownToTree(file, part.captions, `${part.lang}-`) };
});
const [english, spanish] = parts;
const joined = joinLanguages(
  { lang: 'en', tree: english.tree, figures: english.figures, header: english.labels.header },
  { lang: 'es', tree: spanish.tree, figures: spanish.figures, header: spanish.labels.header },
  'separate',
);
const meta = { ...settings.meta, date: new Date(settings.meta.date) };
writeFileSync(out, await writeDocx(joined.tree, { meta, labels: english.labels, figures: joined.figures, file: english.file }));
