import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toString } from 'mdast-util-to-string';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { DiagnosticsError } from '../pipeline/diagnostics.js';
import { markdownToTree } from '../pipeline/markdown/index.js';
import { parseMarkdown } from '../pipeline/markdown/parse.js';
import { loadProject } from '../pipeline/build/project.js';
import { briefDocument } from '../pipeline/documents/brief.js';
import { reportDocument } from '../pipeline/documents/report.js';
import { languages } from '../pipeline/render/labels.js';
import remarkDirective from 'remark-directive';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { fixturesDir } from './golden.js';

const labels = { figure: 'Figure', table: 'Table' };
const tree = (md: string) => markdownToTree(new VFile({ path: 'doc.md', value: md }), labels);
const errorsOf = (md: string): string[] => {
  try {
    tree(md);
  } catch (error) {
    if (error instanceof DiagnosticsError) return error.message.split('\n');
    throw error;
  }
  return [];
};

describe('markdown → mdast', () => {
  it('numbers figures and tables in order and resolves refs into links', () => {
    const root = tree(readFileSync(join(fixturesDir, 'spine-sample/input.md'), 'utf8'));
    const figure = root.children.find((n) => n.type === 'leafDirective' && n.name === 'figure');
    expect(figure?.data).toMatchObject({ kind: 'figure', number: 1, label: 'Figure 1' });
    const firstParagraph = root.children.find((n) => n.type === 'paragraph');
    const links = JSON.stringify(firstParagraph);
    expect(links).toContain('"url":"#fig-timeline"');
    expect(links).toContain('"value":"Table 1"');
  });

  it('reports every unknown directive with its place, in one run', () => {
    expect(errorsOf('Text\n\n::chart{x=1}\n\n:::box\nhi\n:::\n')).toEqual([
      'doc.md:3:1 error: unknown directive `::chart`; known here: ::pagebreak, ::toc, ::figure, ::listof',
      'doc.md:5:1 error: unknown directive `:::box`; known here: :::titlepage, :::table, :::callout, :::facts, :::landscape, :::lang, :::parallel',
    ]);
  });

  it('rejects refs and internal links to unknown targets, and duplicate ids', () => {
    expect(errorsOf('See :ref{#fig-x} and [there](#nowhere).\n')).toEqual([
      'doc.md:1:22 error: link to unknown target `#nowhere`',
      'doc.md:1:5 error: reference to unknown figure or table `#fig-x`',
    ]);
    expect(errorsOf('::figure[A]{#f src=a}\n\n::figure[B]{#f src=b}\n')).toEqual(['doc.md:3:1 error: duplicate id `f`']);
  });

  it('requires the attributes a directive needs', () => {
    expect(errorsOf('::figure[No source]{#f}\n')).toEqual(['doc.md:1:1 error: directive `figure` needs the attribute `src`']);
    expect(errorsOf(':::callout{kind=shout}\nx\n:::\n')).toEqual([
      'doc.md:1:1 error: callout kind must be one of note, warning, got "shout"',
    ]);
  });
});

describe('lists of figures and tables', () => {
  it('replaces ::listof with links to every figure or table, labelled as numbered', () => {
    const root = tree('::listof{kind=figure}\n\n::figure[A *map*]{#f-map src=map}\n\n:::table[Towns]{#t-towns}\n| a |\n| - |\n| 1 |\n:::\n\n::figure[Timeline]{#f-time src=timeline}\n');
    const list = root.children[0] as import('mdast').List;
    expect(list.type).toBe('list');
    expect(list.children.map((item) => JSON.stringify(item.children[0]))).toEqual([
      expect.stringContaining('"url":"#f-map"'),
      expect.stringContaining('"url":"#f-time"'),
    ]);
    expect(list.children.map((item) => toString(item))).toEqual(['Figure 1: A map', 'Figure 2: Timeline']);
    expect(errorsOf('::listof{kind=chart}\n')).toEqual(['doc.md:1:1 error: listof kind must be figure or table, got "chart"']);
  });
});

describe('table captions and widths', () => {
  it('uses a table’s own label instead of a number, and numbers the others', () => {
    const root = tree(':::table[Towns]{#a label="Annex A1"}\n| a |\n| - |\n| 1 |\n:::\n\n:::table[More]{#b}\n| a |\n| - |\n| 1 |\n:::\n\nSee :ref{#a} and :ref{#b}.\n');
    expect(root.children.slice(0, 2).map((n) => n.data)).toEqual([
      { kind: 'table', label: 'Annex A1' },
      { kind: 'table', label: 'Table 1', number: 1 },
    ]);
    expect(toString(root.children[2]!)).toBe('See Annex A1 and Table 1.');
    expect(errorsOf(':::table[T]{#t widths="2,x"}\n| a |\n| - |\n| 1 |\n:::\n')).toEqual(['doc.md:1:1 error: table widths must be numbers separated by commas, got "2,x"']);
  });
});

describe('parsing a piece at a time', () => {
  const whole = unified().use(remarkParse).use(remarkGfm).use(remarkDirective).freeze();
  const same = (markdown: string) => expect(parseMarkdown(new VFile({ path: 'doc.md', value: markdown }))).toEqual(whole.parse(markdown));

  it('gives the tree of one parse for every document the project renders, positions included', () => {
    const { project } = loadProject({ sources: 'sources', templates: 'templates' }, {});
    for (const lang of languages) {
      same(String(reportDocument(project!, lang).file.value));
      same(String(briefDocument(project!, project!.model.towns[3]!, lang).file.value));
    }
    for (const name of readdirSync(fixturesDir)) {
      const input = join(fixturesDir, name, 'input.md');
      if (existsSync(input)) same(readFileSync(input, 'utf8'));
    }
  });

  it('does not cut inside fenced code or a ::: block, nor where a definition may serve another piece', () => {
    same('Intro\n\n```md\n# not a heading\n```\n\n# One\n\ntext\n# Two\n- item\n# Three\n> quote\n## Four\n');
    same(':::callout{kind=note}\n# Inside\n\ntext\n:::\n\n# After\n\n::::landscape\n:::table[T]{#t}\n| a |\n| - |\n| 1 |\n:::\n# Inside too\n::::\n# Last\n');
    same('# One\n\nSee [the paper][p] and a note[^n].\n\n# Two\n\n[p]: https://example.org\n[^n]: The note.\n');
    same('~~~~\n# code\n~~~\n# still code\n~~~~\n#not-a-heading\n#\n# Empty above\r\n\n| a | b |\n| - | - |\n# Heading after a table\n');
  });
});
