import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAnnexTables } from '../pipeline/annex/index.js';
import { renderEveryDocument } from '../pipeline/build/check.js';
import { loadProject } from '../pipeline/build/project.js';

const work = mkdtempSync(join(tmpdir(), 'ek-check-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The real templates with each `[file, find, replace]` applied (each `find` occurs once), rendered as `check` does. */
function renderErrors(edits: [string, string, string][]): { templates: string; errors: string[] } {
  const templates = mkdtempSync(join(work, 'templates-'));
  cpSync('templates', templates, { recursive: true });
  for (const [file, find, replace] of edits) {
    const path = join(templates, file);
    const text = readFileSync(path, 'utf8');
    expect(text.split(find), `${find} in ${file}`).toHaveLength(2);
    writeFileSync(path, text.replace(find, replace));
  }
  const { project, sources } = loadProject({ sources: 'sources', templates }, {});
  const { tables } = loadAnnexTables(templates, project!.model, project!.labels);
  return { templates, errors: renderEveryDocument(project!, sources, tables) };
}

describe('check renders every document', () => {
  it('renders the real templates against the real data without an error', () => {
    expect(renderErrors([]).errors).toEqual([]);
  });

  it('finds a missing field in each document template, each error once, at its place', () => {
    const { templates, errors } = renderErrors([
      // Only Kurchatov has code names: every town's brief is rendered, not one.
      ['brief.md.hbs', '{{#each town.codeNames}}{{text name}}', '{{#each town.codeNames}}{{text nmae}}'],
      ['report.md.hbs', '### {{text stage.title}}', '### {{text stage.titel}}'],
      ['annex.md.hbs', '{{text note}}', '{{text nota}}'],
      ['index.md.hbs', '{{text changes.summary}}', '{{text changes.sumary}}'],
    ]);
    const missing = '{{text}} got no value: a missing optional field, or a field name that does not exist?';
    // Where each misspelt field is in its template (line:column of its helper call), found in the template's text.
    const at = (template: string, text: string) => {
      const lines = readFileSync(join(templates, template), 'utf8').split('\n');
      const line = lines.findIndex((l) => l.includes(text));
      return `${templates}/${template}:${line + 1}:${lines[line]!.indexOf(text) + 1}`;
    };
    expect(errors).toEqual([
      `${at('brief.md.hbs', '{{text nmae}}')} error: ${missing}`,
      `${at('report.md.hbs', '{{text stage.titel}}')} error: ${missing}`,
      `${at('annex.md.hbs', '{{text nota}}')} error: ${missing}`,
      `${at('index.md.hbs', '{{text changes.sumary}}')} error: ${missing}`,
    ]);
  });
});
