import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatMessage } from '../pipeline/diagnostics.js';
import { loadSources, type SourceFile } from '../pipeline/sources/load.js';
import { readSourceTree } from '../pipeline/sources/read.js';
import { fixturesDir } from './golden.js';

const minimalRoot = join(fixturesDir, 'sources-minimal');
/** The minimal valid tree, with paths as a user sees them (`sources/…`). */
const minimal = (): SourceFile[] =>
  readSourceTree(join(minimalRoot, 'sources')).map((f) => ({ ...f, path: relative(minimalRoot, f.path) }));

type Edit = (files: Map<string, string | Uint8Array>) => void;
function load(...edits: Edit[]) {
  const files = new Map<string, string | Uint8Array>(minimal().map((f) => [f.path, Buffer.from(f.bytes).toString('utf8')]));
  for (const edit of edits) edit(files);
  const inputs = [...files].map(([path, content]) => ({ path, bytes: typeof content === 'string' ? Buffer.from(content) : content }));
  const result = loadSources('sources', inputs);
  return { ...result, messages: result.files.flatMap((f) => f.messages.map(formatMessage)) };
}
const replace = (path: string, from: string | RegExp, to: string): Edit => (files) => {
  const text = files.get(path) as string;
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit did not apply to ${path}: ${from}`);
  files.set(path, next);
};
const ridder = 'sources/towns/ridder.yaml';

describe('loading sources', () => {
  it('loads a valid tree into the model and marks conflicting city-status years', () => {
    const { model, messages } = load();
    expect(messages).toEqual([]);
    expect(model?.towns.map((t) => [t.slug, t.cityStatusConflict])).toEqual([['ridder', true]]);
    expect(model?.towns[0]?.spellings).toEqual([]);
  });

  it('locates a wrong value with its field path, the expectation and what was found', () => {
    const { model, messages, broken } = load(replace(ridder, '  - year: 1934', '  - year: 19x4'));
    // A broken town is left out of the model; the other towns would still be built.
    expect(broken).toEqual([ridder]);
    expect(model?.towns).toEqual([]);
    expect(messages).toEqual([
      'sources/towns/ridder.yaml:22:11 error: cityStatus[0].year: expected a year between 1700 and 2100, got "19x4"',
    ]);
  });

  it('rejects unknown fields at the key, so a typo is never ignored', () => {
    const { messages } = load(replace(ridder, 'coordinates:', 'rivr: Ulba\ncoordinates:'));
    expect(messages).toEqual(['sources/towns/ridder.yaml:35:1 error: rivr: unknown field (not in the schema: check the spelling)']);
  });

  it('lists each missing translation with its place', () => {
    const { messages } = load(
      replace(ridder, '  es: Ridder\n', ''),
      replace('sources/stages.yaml', ', es: Creció la inversión. }', ' }'),
    );
    expect(messages).toEqual([
      'sources/stages.yaml:12:5 error: stages[1].summary.es: missing Spanish text (translation)',
      'sources/towns/ridder.yaml:2:1 error: name.es: missing Spanish text (translation)',
    ]);
  });

  it('requires a citation on every fact', () => {
    const { messages } = load(replace(ridder, /(text: \{ en: A lead plant[^\n]*\n)    cite: \[ualtaeva-2011\]/, '$1    cite: []'));
    expect(messages).toEqual(['sources/towns/ridder.yaml:30:11 error: events[0].cite: expected at least one citation, got a list']);
  });

  it('reports YAML syntax problems: duplicate keys, tabs, bad syntax, an empty file', () => {
    expect(load(replace(ridder, 'slug: ridder\n', 'slug: ridder\nslug: ridder\n')).messages).toEqual([
      'sources/towns/ridder.yaml:2:1 error: duplicate key: each field may appear only once in a mapping',
    ]);
    expect(load(replace(ridder, '  en: Ridder', '\ten: Ridder')).messages[0]).toBe(
      'sources/towns/ridder.yaml:3:1 error: tab used for indentation; YAML needs spaces',
    );
    expect(load(replace(ridder, 'bases: [ore-deposit]', 'bases: [ore-deposit')).messages[0]).toMatch(
      /^sources\/towns\/ridder\.yaml:\d+:\d+ error: YAML syntax: /,
    );
    expect(load((files) => files.set(ridder, '# nothing yet\n')).messages).toEqual([
      'sources/towns/ridder.yaml:1:1 error: the file is empty; expected a YAML mapping',
    ]);
  });

  it('accepts a BOM with a warning, and rejects non-UTF-8 bytes with their place', () => {
    const bom = load((files) => files.set(ridder, `\uFEFF${files.get(ridder)}`));
    expect(bom.model).toBeDefined();
    expect(bom.messages).toEqual([
      'sources/towns/ridder.yaml:1:1 warning: the file starts with a byte-order mark (BOM); it was ignored — save as UTF-8 without BOM',
    ]);
    const latin1 = load((files) => files.set(ridder, Buffer.from(files.get(ridder) as string, 'latin1')));
    expect(latin1.messages).toEqual([
      'sources/towns/ridder.yaml:14:53 error: the file is not valid UTF-8 (byte 0xF3; saved as Latin-1 or Windows-1252?); save it as UTF-8',
    ]);
  });

  it('checks cross-references: citation keys, stages, event years, slugs', () => {
    const { messages } = load(
      replace(ridder, '  bases: [ore-deposit]\n  text: { en: A deposit found in 1786., es: Un yacimiento descubierto en 1786. }\n  cite: [ualtaeva-2011]', '  bases: [ore-deposit]\n  text: { en: A deposit found in 1786., es: Un yacimiento descubierto en 1786. }\n  cite: [kuznetsov-1970]'),
      replace(ridder, 'stage: restoration', 'stage: industrialisation'),
      replace('sources/region.yaml', '- year: 1932', '- year: 1932\n    to: 1931'),
    );
    expect(messages).toEqual([
      'sources/region.yaml:5:9 error: events[0].to: expected `to` to be the same year as `year` or later, got 1931',
      'sources/towns/ridder.yaml:20:10 error: founding.cite[0]: unknown citation key "kuznetsov-1970": add it to sources/references.yaml',
      'sources/towns/ridder.yaml:28:12 error: events[0].stage: unknown stage "industrialisation"; known: restoration, first-five-year-plan',
    ]);
    expect(load(replace(ridder, 'year: 1927', 'year: 1935')).messages).toEqual([
      'sources/towns/ridder.yaml:27:11 error: events[0].year: 1935 lies outside the stage "restoration" (1923–1929)',
    ]);
  });

  it('places a message after loading by reading the file again, and at its top if the file changed since', () => {
    const tree = minimal();
    const original = tree.find((f) => f.path === ridder)!;
    const placeWhenReadAgainGives = (bytes: Uint8Array) => {
      const { sources } = loadSources('sources', tree.map((f) => (f === original ? { ...f, readAgain: () => bytes } : f)));
      return sources.get(ridder)!.locate(['cityStatus', 1, 'year']);
    };
    const line = Buffer.from(original.bytes).toString('utf8').split('\n').findIndex((l) => l.includes('year: 1932')) + 1;
    expect(placeWhenReadAgainGives(original.bytes)).toEqual({ line, column: 11 });
    // Saved again between loading and the message (a line added at the top): no place rather than a wrong one.
    expect(placeWhenReadAgainGives(Buffer.concat([Buffer.from('# edited\n'), original.bytes]))).toEqual({ line: 1, column: 1 });
  });

  it('rejects path-traversal slugs', () => {
    expect(load(replace(ridder, 'slug: ridder', 'slug: ../../etc')).messages).toEqual([
      'sources/towns/ridder.yaml:1:7 error: slug: expected a slug of a–z, 0–9 and "-", got "../../etc"',
    ]);
  });

  it('breaks only the stray copy of a town file, never the file named for the slug', () => {
    const duplicate = load((files) => files.set('sources/towns/ridder-copy.yaml', files.get(ridder) as string));
    expect(duplicate.messages).toEqual([
      'sources/towns/ridder-copy.yaml:1:7 error: slug: slug "ridder" does not match the file name "ridder-copy.yaml"; sources/towns/ridder.yaml has the same slug',
    ]);
    expect(duplicate.broken).toEqual(['sources/towns/ridder-copy.yaml']);
    expect(duplicate.model?.towns.map((t) => t.slug)).toEqual(['ridder']);
  });

  it('keeps what still validates of a broken town file for the other towns\' maps: its slug, name and coordinates', () => {
    const coordinates = { lat: 50.35, lon: 83.51, source: 'GeoNames' };
    expect(load(replace(ridder, 'value: industrial', 'value: industrail')).brokenTowns).toEqual([
      { file: ridder, slug: 'ridder', name: { en: 'Ridder', es: 'Ridder' }, coordinates },
    ]);
    // Each field on its own: a missing translation loses the name, a bad latitude the coordinates, nothing else.
    expect(load(replace(ridder, '  es: Ridder\n', ''), replace(ridder, 'lat: 50.35', 'lat: north')).brokenTowns).toEqual([{ file: ridder, slug: 'ridder' }]);
    expect(load(replace(ridder, 'bases: [ore-deposit]', 'bases: [ore-deposit')).brokenTowns).toEqual([{ file: ridder }]);
    expect(load().brokenTowns).toEqual([]);
  });

  it('stops the model only for errors outside town and programme files', () => {
    const { model, broken } = load(replace('sources/stages.yaml', 'from: 1923', 'from: 19x3'));
    expect(model).toBeUndefined();
    expect(broken).toEqual(['sources/stages.yaml']);
    expect(load((files) => files.delete(ridder)).model).toBeUndefined();
  });

  it('reports every problem of every file in one run, and missing files', () => {
    const { messages } = load(
      replace(ridder, 'lat: 50.35', 'lat: north'),
      (files) => files.delete('sources/region.yaml'),
      replace('sources/dataset.yaml', 'version: 1.0.0', 'version: one'),
    );
    expect(messages).toEqual([
      'sources/dataset.yaml:1:10 error: version: expected a version like 1.2.0, got "one"',
      'sources/towns/ridder.yaml:35:21 error: coordinates.lat: expected a number, got "north"',
      'sources/region.yaml:1:1 error: required source file is missing',
    ]);
  });
});
