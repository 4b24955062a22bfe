import { citationText } from '../render/cite.js';
import { escapeText } from '../render/escape.js';
import type { LocalisedTable } from '../annex/localise.js';
import type { Model, TownModel } from '../sources/model.js';
import type { Citation, Reference } from '../sources/schema.js';

/**
 * What changed in the data between two builds, in words an editor understands — "Zaisan: city-status year
 * 1941 → 1940 (Chernykh, 1970)" — not a raw diff. English, as the editors' working language; a change to a
 * Spanish text is named as such.
 */
export interface Changes {
  summary: string;
  sections: { title: string; items: string[] }[];
}

export function describeChanges(before: Model | undefined, after: Model): Changes {
  if (!before) return { summary: `First build (data ${after.dataset.version}): no earlier build to compare with.`, sections: [] };
  const sections = [
    ...(before.dataset.version !== after.dataset.version ? [['Data version', [`${before.dataset.version} → ${after.dataset.version}`]] as const] : []),
    ...townSections(before, after),
    ['Stages', listChanges(before.stages, after.stages, (s) => s.id, (s) => s.title.en, (a, b) => fieldChanges(a, b, after.references))] as const,
    ['Region', fieldChanges(before.region, after.region, after.references)] as const,
    ['References', listChanges(before.references, after.references, (r) => r.id, (r) => r.id, () => [])] as const,
    ...programmeSections(before, after),
  ].filter(([, changes]) => changes.length > 0).map(([title, items]) => ({ title, items: [...items] }));
  return { summary: summaryOf(sections.length, before, after), sections };
}

export function summaryOf(changed: number, before: Model, after: Model): string {
  return changed === 0
    ? `No facts changed (data ${after.dataset.version}).`
    : `Since the previous build (data ${before.dataset.version} → ${after.dataset.version}):`;
}

/** CHANGES.md: every text escaped, since titles and facts come from the data. */
export function changesMarkdown(changes: Changes): string {
  const lines = ['# Changes in the data', '', escapeText(changes.summary), ''];
  for (const { title, items } of changes.sections) lines.push(`## ${escapeText(title)}`, '', ...items.map((item) => `- ${escapeText(item)}`), '');
  return lines.join('\n');
}

function townSections(before: Model, after: Model): (readonly [string, string[]])[] {
  const slugs = [...new Set([...before.towns, ...after.towns].map((t) => t.slug))].sort();
  return slugs.map((slug) => {
    const old = before.towns.find((t) => t.slug === slug);
    const now = after.towns.find((t) => t.slug === slug);
    const name = (now ?? old)!.name.en;
    if (!old) return [name, ['town added']] as const;
    if (!now) return [name, ['town removed']] as const;
    return [name, townChanges(old, now, after.references)] as const;
  });
}

function townChanges(old: TownModel, now: TownModel, references: Reference[]): string[] {
  const changes: string[] = [];
  const oldYears = old.cityStatus.map((s) => s.year);
  const newYears = now.cityStatus.map((s) => s.year);
  if (oldYears.join() !== newYears.join()) {
    const cites = cite(now.cityStatus.flatMap((s) => s.cite), references);
    changes.push(oldYears.length === 1 && newYears.length === 1
      ? `city-status year ${oldYears[0]} → ${newYears[0]}${cites}`
      : `city-status years ${oldYears.join(', ') || 'none'} → ${newYears.join(', ') || 'none'}${cites}`);
  }
  const { cityStatus: _a, cityStatusConflict: _b, ...restOld } = old;
  const { cityStatus: _c, cityStatusConflict: _d, ...restNew } = now;
  return [...changes, ...fieldChanges(restOld, restNew, references)];
}

function programmeSections(before: Model, after: Model): (readonly [string, string[]])[] {
  const towns = [...new Set([...before.programs, ...after.programs].map((p) => p.town))].sort();
  return towns.map((town) => {
    const old = before.programs.find((p) => p.town === town);
    const now = after.programs.find((p) => p.town === town);
    const title = `Programme measures: ${after.towns.find((t) => t.slug === town)?.name.en ?? town}`;
    if (!old) return [title, ['programme added']] as const;
    if (!now) return [title, ['programme removed']] as const;
    return [title, listChanges(old.measures, now.measures, (m) => m.id, (m) => m.measure.en, (a, b) => fieldChanges(a, b, after.references))] as const;
  });
}

/** Added, removed and changed items of a list, matched by key. */
function listChanges<T>(old: T[], now: T[], key: (item: T) => string, name: (item: T) => string, changed: (a: T, b: T) => string[]): string[] {
  const out: string[] = [];
  for (const item of now) {
    const before = old.find((o) => key(o) === key(item));
    if (!before) out.push(`added: ${name(item)}`);
    else out.push(...changed(before, item).map((c) => `${name(item)}: ${c}`));
  }
  for (const item of old) if (!now.some((n) => key(n) === key(item))) out.push(`removed: ${name(item)}`);
  return out;
}

/**
 * Field-by-field changes of two records: scalars and texts as "field: old → new" (long texts as "reworded"),
 * lists of facts as added/removed items named by their year and text. Citations are printed with the new fact.
 */
function fieldChanges(old: unknown, now: unknown, references: Reference[], path: string[] = []): string[] {
  const field = path.join(' ').replace(/\ben\b/, '').replace(/\bes\b/, '(Spanish)').replace(/\s+/g, ' ').trim();
  if (Array.isArray(old) || Array.isArray(now)) {
    const a = (old ?? []) as unknown[];
    const b = (now ?? []) as unknown[];
    if (a.every(isScalar) && b.every(isScalar)) {
      return a.join(', ') === b.join(', ') ? [] : [`${field}: ${a.join(', ') || 'none'} → ${b.join(', ') || 'none'}`];
    }
    const label = (item: unknown) => factLabel(item);
    const oldLabels = a.map(label);
    const newLabels = b.map(label);
    const out = [
      ...b.filter((_, i) => !oldLabels.includes(newLabels[i]!)).map((item) => `${field}: added ${label(item)}${cite(citesOf(item), references)}`),
      ...a.filter((_, i) => !newLabels.includes(oldLabels[i]!)).map((item) => `${field}: removed ${label(item)}`),
    ];
    // Same facts by label: look for changes inside them (a Spanish text, a citation…).
    b.forEach((item, i) => {
      const j = oldLabels.indexOf(newLabels[i]!);
      if (j >= 0) out.push(...fieldChanges(a[j], item, references, [...path, label(item)]));
    });
    return out;
  }
  if (isRecord(old) && isRecord(now)) {
    if ('key' in now && 'pages' in now) return JSON.stringify(old) === JSON.stringify(now) ? [] : [`${field}: citation changed`];
    const keys = [...new Set([...Object.keys(old), ...Object.keys(now)])];
    return keys.flatMap((key) => (key === 'cite'
      ? citationChanges(old.cite as Citation[] | undefined, now.cite as Citation[] | undefined, references, field)
      : fieldChanges(old[key], now[key], references, [...path, key])));
  }
  if (old === now) return [];
  const text = (v: unknown) => (v === undefined ? 'none' : String(v));
  if (typeof now === 'string' && typeof old === 'string' && (now.length > 60 || old.length > 60)) return [`${field}: reworded`];
  return [`${field}: ${text(old)} → ${text(now)}`];
}

function citationChanges(old: Citation[] = [], now: Citation[] = [], references: Reference[], field: string): string[] {
  const a = old.map((c) => JSON.stringify(c)).join();
  const b = now.map((c) => JSON.stringify(c)).join();
  return a === b ? [] : [`${field || 'fact'}: sources now${cite(now, references)}`];
}

const isScalar = (v: unknown) => v === null || typeof v !== 'object';
const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const citesOf = (item: unknown): Citation[] => (isRecord(item) && Array.isArray(item.cite) ? (item.cite as Citation[]) : []);

/** "1942 — The three hospitals…", "Lead plant (1927)", or the English text, shortened. */
function factLabel(item: unknown): string {
  if (!isRecord(item)) return String(item);
  const english = (v: unknown) => (isRecord(v) && typeof v.en === 'string' ? v.en : undefined);
  const text = english(item.text) ?? english(item.name) ?? english(item.measure) ?? (typeof item.id === 'string' ? item.id : JSON.stringify(item));
  const short = text.length > 70 ? `${text.slice(0, 67)}…` : text;
  const years = typeof item.year === 'number' ? `${item.year}${typeof item.to === 'number' ? `–${item.to}` : ''} — ` : '';
  return `${years}“${short}”`;
}

function cite(citations: Citation[], references: Reference[]): string {
  const texts = citations.flatMap((c) => {
    const reference = references.find((r) => r.id === (typeof c === 'string' ? c : c.key));
    return reference ? [citationText(c, reference, 'en')] : [];
  });
  return texts.length > 0 ? ` (${[...new Set(texts)].join('; ')})` : '';
}

/** Rows keyed by their first `width` cells (a town; a year and a town…) as shown in English. */
function keyedRows(table: LocalisedTable, width: number): Map<string, string[]> {
  return new Map(table.rows.map((row) => {
    const cells = row.map((c) => c.display);
    return [cells.slice(0, width).join(' · '), cells] as const;
  }));
}

/** The fewest leading cells that tell every row of both versions apart, so both are keyed alike. */
function keyWidth(...tables: LocalisedTable[]): number {
  const most = Math.max(...tables.map((t) => t.columns.length));
  for (let width = 1; width < most; width++) {
    if (tables.every((t) => keyedRows(t, width).size === t.rows.length)) return width;
  }
  return most;
}

/**
 * What changed in each annex table between the model of the previous build and this one, cell by cell:
 * "A1, Zaisan: City status 1941 → 1940". Long lists are cut, saying how many more there are.
 */
export function describeTableChanges(before: LocalisedTable[], after: LocalisedTable[], most = 25): Changes['sections'] {
  return after.flatMap((table) => {
    const old = before.find((t) => t.id === table.id);
    if (!old) return [{ title: `Annex ${table.id}`, items: ['table added'] }];
    const width = keyWidth(old, table);
    const oldRows = keyedRows(old, width);
    const newRows = keyedRows(table, width);
    const items: string[] = [];
    for (const [key, cells] of newRows) {
      const previous = oldRows.get(key);
      if (!previous) {
        items.push(`row added: ${key}`);
        continue;
      }
      cells.forEach((cell, c) => {
        if (previous[c] !== cell) items.push(`${key}: ${table.columns[c]?.header ?? `column ${c + 1}`} ${previous[c] || '(empty)'} → ${cell || '(empty)'}`);
      });
    }
    for (const key of oldRows.keys()) if (!newRows.has(key)) items.push(`row removed: ${key}`);
    const shown = items.length > most ? [...items.slice(0, most), `… and ${items.length - most} more changes`] : items;
    return shown.length > 0 ? [{ title: `Annex ${table.id}: ${table.title}`, items: shown }] : [];
  });
}
