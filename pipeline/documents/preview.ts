import { VFile } from 'vfile';
import type { Changes } from '../build/changes.js';
import type { WriteOptions } from '../write/options.js';
import { label, longDate, type Project, renderMarkdown, writerLabels } from './context.js';
import type { CodeLabel } from '../render/labels.js';

/** The preview page's context: links to the outputs the build plans, relative to output/html/. */
export function previewContext(project: Project, paths: string[], changes: Changes) {
  const l = (key: CodeLabel) => label(project, 'en', key);
  const href = (path: string) => (path.startsWith('html/') ? path.slice('html/'.length) : `../${path}`);
  const has = (path: string) => (paths.includes(path) ? href(path) : undefined);
  const briefs = project.model.towns.map((town) => ({ name: town.name.en, en: has(`briefs/en/${town.slug}.pdf`), es: has(`briefs/es/${town.slug}.pdf`) }));
  const report = [
    ...paths.filter((p) => p.startsWith('report/')).map((p) => ({ label: `${l('preview.docx')}: ${p.replace(/^.*\//, '')}`, href: href(p) })),
    ...paths.filter((p) => /^html\/report\./.test(p)).map((p) => ({ label: `${l('preview.html')}: ${p.replace(/^.*\//, '')}`, href: href(p) })),
  ];
  const annex = (['en', 'es'] as const).map((lang) => ({
    language: l(lang === 'en' ? 'preview.english' : 'preview.spanish'),
    files: paths.filter((p) => p.startsWith(`annex/${lang}/`)).map((p) => ({ label: p.slice(`annex/${lang}/`.length), href: href(p) })),
  })).filter((group) => group.files.length > 0);
  return { briefs, report, annex, changes, version: project.model.dataset.version, date: longDate(project.date, 'en') };
}

export function previewDocument(project: Project, paths: string[], changes: Changes) {
  const file = new VFile({ path: 'templates/index.md.hbs' });
  const state = renderMarkdown(project, 'index', 'en', previewContext(project, paths, changes), file);
  const options: WriteOptions = {
    meta: {
      title: label(project, 'en', 'preview.title'),
      subject: label(project, 'en', 'report.subject'),
      keywords: ['ek-towns', 'outputs'],
      author: label(project, 'en', 'document.author'),
      lang: 'en',
      date: project.date,
      version: project.model.dataset.version,
    },
    labels: writerLabels(project, 'en', label(project, 'en', 'preview.title')),
    figures: {},
    file,
  };
  return { file, state, options };
}
