import type { FieldPath } from './yaml-file.js';
import type { Citation, Program, Reference, Stage, Town } from './schema.js';

export interface CrossProblem { file: string; path: FieldPath; at: 'key' | 'value'; reason: string }

interface Parsed {
  towns: { file: string; town: Town }[];
  stages: { file: string; stages: Stage[] } | undefined;
  references: { file: string; references: Reference[] } | undefined;
  programs: { file: string; program: Program }[];
  /** Every town file, valid or not: a programme of a town whose file has errors is not "of an unknown town". */
  townFiles: string[];
  /** Every other file with citations, and where they are. */
  cited: { file: string; value: unknown }[];
}

const citationKey = (c: Citation) => (typeof c === 'string' ? c : c.key);

/** Rules that span files: citation keys, stage ids and years, slugs vs file names. */
export function crossCheck(parsed: Parsed): CrossProblem[] {
  const problems: CrossProblem[] = [];
  const referenceIds = new Set<string>();
  parsed.references?.references.forEach((reference, index) => {
    if (referenceIds.has(reference.id)) {
      problems.push({ file: parsed.references!.file, path: ['references', index, 'id'], at: 'value', reason: `duplicate reference id "${reference.id}"` });
    }
    referenceIds.add(reference.id);
  });

  const checkCitations = (file: string, value: unknown, path: FieldPath) => {
    if (Array.isArray(value)) return value.forEach((item, i) => checkCitations(file, item, [...path, i]));
    if (!value || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (key === 'cite' && Array.isArray(child)) {
        child.forEach((c: Citation, i) => {
          if (parsed.references && !referenceIds.has(citationKey(c))) {
            problems.push({ file, path: [...path, 'cite', i], at: 'value', reason: `unknown citation key "${citationKey(c)}": add it to sources/references.yaml` });
          }
        });
      } else checkCitations(file, child, [...path, key]);
    }
  };
  for (const { file, value } of parsed.cited) checkCitations(file, value, []);

  const stages = new Map<string, Stage>();
  parsed.stages?.stages.forEach((stage, index) => {
    if (stage.from > stage.to) {
      problems.push({ file: parsed.stages!.file, path: ['stages', index, 'to'], at: 'value', reason: `stage ends (${stage.to}) before it starts (${stage.from})` });
    }
    if (stages.has(stage.id)) problems.push({ file: parsed.stages!.file, path: ['stages', index, 'id'], at: 'value', reason: `duplicate stage id "${stage.id}"` });
    stages.set(stage.id, stage);
    stage.events.forEach((event, e) => {
      const outside = yearsOutside(event.year, event.to, stage);
      if (outside) problems.push({ file: parsed.stages!.file, path: ['stages', index, 'events', e, 'year'], at: 'value', reason: outside });
    });
  });

  const slugs = new Set<string>();
  for (const { file, town } of parsed.towns) {
    // Only a file whose name differs from its slug is wrong: a stray copy (ridder-copy.yaml) never breaks the file
    // named for the slug, and as file names are unique, a slug can be repeated only by such a file.
    const expected = file.replace(/^.*\//, '').replace(/\.yaml$/, '');
    if (town.slug !== expected) {
      const other = parsed.towns.find((t) => t.file !== file && t.town.slug === town.slug)?.file;
      const repeated = other ? `; ${other} has the same slug` : '';
      problems.push({ file, path: ['slug'], at: 'value', reason: `slug "${town.slug}" does not match the file name "${expected}.yaml"${repeated}` });
    }
    slugs.add(town.slug);
    if (!parsed.stages) continue;
    town.events.forEach((event, index) => {
      const stage = stages.get(event.stage);
      if (!stage) {
        problems.push({ file, path: ['events', index, 'stage'], at: 'value', reason: `unknown stage "${event.stage}"; known: ${[...stages.keys()].join(', ')}` });
        return;
      }
      const outside = yearsOutside(event.year, event.to, stage);
      if (outside) problems.push({ file, path: ['events', index, 'year'], at: 'value', reason: outside });
    });
  }
  const townFileNames = new Set(parsed.townFiles.map((file) => file.replace(/^.*\//, '').replace(/\.yaml$/, '')));
  for (const { file, program } of parsed.programs) {
    if (slugs.has(program.town) || townFileNames.has(program.town)) continue;
    problems.push({ file, path: ['town'], at: 'value', reason: `unknown town "${program.town}": no file towns/${program.town}.yaml` });
  }
  return problems;
}

function yearsOutside(from: number, to: number | undefined, stage: Stage): string | undefined {
  const last = to ?? from;
  if (from < stage.from || last > stage.to) {
    const years = to ? `${from}–${to}` : `${from}`;
    return `${years} lies outside the stage "${stage.id}" (${stage.from}–${stage.to})`;
  }
  return undefined;
}
