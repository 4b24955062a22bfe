// Marginal cost of one brief PDF, in one process after a warm-up (the bench runs this as a child):
//
//   node tests/bench/marginal.mjs <runs> [--no-font-sharing]
//
// Each run renders every brief (each town, English and Spanish) exactly as the build does — template, Markdown
// parse, PDF — and prints one JSON line: { "perBrief": [ms per brief of each run], "briefs": n }.
// --no-font-sharing makes every PDF parse its fonts again (as before pipeline/write/pdf/font-cache.ts).
const dist = new URL('../../dist/', import.meta.url);
const { loadProject } = await import(new URL('build/project.js', dist).href);
const { briefDocument } = await import(new URL('documents/brief.js', dist).href);
const { label } = await import(new URL('documents/context.js', dist).href);
const { markdownToTree } = await import(new URL('markdown/index.js', dist).href);
const { writePdf } = await import(new URL('write/pdf/index.js', dist).href);
const { setFontSharing } = await import(new URL('write/pdf/font-cache.js', dist).href);

const runs = Number(process.argv[2] ?? 3);
if (process.argv.includes('--no-font-sharing')) setFontSharing(false);
const { project, files } = loadProject({ sources: 'sources', templates: 'templates' }, process.env);
if (!project) {
  process.stderr.write(`${files.flatMap((f) => f.messages).map(String).join('\n')}\n`);
  process.exit(1);
}
const jobs = project.model.towns.flatMap((town) => ['en', 'es'].map((lang) => ({ town, lang })));

async function renderAll() {
  for (const { town, lang } of jobs) {
    const { file, options } = briefDocument(project, town, lang);
    const captions = { figure: label(project, lang, 'document.figure'), table: label(project, lang, 'document.table') };
    await writePdf(markdownToTree(file, captions), options);
  }
}

await renderAll(); // warm-up: module loading, JIT, font parsing, map data
const perBrief = [];
for (let r = 0; r < runs; r++) {
  const start = performance.now();
  await renderAll();
  perBrief.push((performance.now() - start) / jobs.length);
}
process.stdout.write(`${JSON.stringify({ perBrief, briefs: jobs.length })}\n`);
