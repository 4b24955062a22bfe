// A deterministic synthetic sources tree of N towns made from the real eight, for scale runs.
//
//   node tests/bench/synthetic.mjs <N> <dir>     writes <dir>/sources (towns/<base>-<NNNN>.yaml + the shared files)
//
// Every town starts from one of the real towns (in turn), gets a new name (Kazakh-like syllables, Latin and
// Cyrillic), jittered coordinates, and a seeded sample of real events, enterprises, evacuation entries and
// observations from all eight towns: so lengths vary from 1 to 40 events. Events keep their stage and their
// citations (valid keys); a year may move by up to two years only where the event stays inside its stage.
// The names of the base town and of the town a copied text came from are replaced by the new name.
// Same N → same bytes.
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** mulberry32: a small seeded PRNG. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const syllables = [
  ['Kara', 'Қара'], ['Ak', 'Ақ'], ['Su', 'Су'], ['Tau', 'Тау'], ['Bulak', 'Бұлақ'], ['Ozen', 'Өзен'], ['Kol', 'Көл'],
  ['Tas', 'Тас'], ['Zhol', 'Жол'], ['Kum', 'Құм'], ['Sai', 'Сай'], ['Bel', 'Бел'], ['Tobe', 'Төбе'], ['Agash', 'Ағаш'],
  ['Uzyn', 'Ұзын'], ['Shyg', 'Шығ'], ['Or', 'Ор'], ['Koi', 'Қой'], ['Zhar', 'Жар'], ['Ken', 'Кен'], ['Em', 'Ем'],
  ['Terek', 'Терек'], ['Almaly', 'Алмалы'], ['Kain', 'Қайың'],
];

/** Writes the tree and returns the towns as { slug, name }. */
export function writeSyntheticSources(count, dir) {
  const sources = join(dir, 'sources');
  mkdirSync(join(sources, 'towns'), { recursive: true });
  for (const file of ['dataset.yaml', 'region.yaml', 'stages.yaml', 'references.yaml']) {
    cpSync(join(root, 'sources', file), join(sources, file));
  }
  const stages = new Map(parse(readFileSync(join(root, 'sources', 'stages.yaml'), 'utf8')).stages.map((s) => [s.id, s]));
  const townDir = join(root, 'sources', 'towns');
  const bases = readdirSync(townDir).filter((f) => f.endsWith('.yaml')).sort().map((f) => parse(readFileSync(join(townDir, f), 'utf8')));
  const pool = (field) => bases.flatMap((town) => (town[field] ?? []).map((item) => ({ item, from: town })));
  const pools = { events: pool('events'), enterprises: pool('enterprises'), evacuation: pool('evacuation'), observations: pool('observations') };

  const random = prng(20261126);
  const pick = (items) => items[Math.floor(random() * items.length)];
  const sample = (items, n) => {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy.slice(0, n);
  };

  const used = new Set(bases.map((b) => b.name.en));
  const towns = [];
  for (let i = 0; i < count; i++) {
    const base = structuredClone(bases[i % bases.length]);
    let latin;
    let cyrillic;
    do {
      const parts = Array.from({ length: 2 + Math.floor(random() * 2) }, () => pick(syllables));
      latin = parts.map((p, k) => (k ? p[0].toLowerCase() : p[0])).join('');
      cyrillic = parts.map((p, k) => (k ? p[1].toLowerCase() : p[1])).join('');
    } while (used.has(latin));
    used.add(latin);
    const slug = `${base.slug}-${String(i).padStart(4, '0')}`;
    const rename = (value, from = base) => replaceNames(value, [...new Set([from.name.en, from.name.es, base.name.en, base.name.es])], latin);

    const town = { ...base, slug, name: { en: latin, es: latin } };
    town.spellings = [];
    town.nativeNames = [{ lang: 'kk', name: cyrillic, source: 'synthetic (ek-towns bench)' }];
    town.coordinates = {
      lat: round(base.coordinates.lat + (random() - 0.5), 2),
      lon: round(base.coordinates.lon + (random() - 0.5), 2),
      source: 'synthetic (ek-towns bench)',
    };
    const eventCount = 1 + Math.floor(random() ** 1.5 * 40);
    town.events = sample(pools.events, eventCount)
      .map(({ item, from }) => rename(shiftYear(structuredClone(item), stages.get(item.stage), random), from))
      .sort((a, b) => a.year - b.year || (a.to ?? a.year) - (b.to ?? b.year));
    for (const field of ['enterprises', 'evacuation', 'observations']) {
      const n = Math.floor(random() * Math.min(12, pools[field].length + 1));
      town[field] = sample(pools[field], n).map(({ item, from }) => rename(structuredClone(item), from));
    }
    for (const field of ['founding', 'factors', 'formerNames', 'codeNames', 'river', 'adminRole', 'specialisation']) {
      if (town[field]) town[field] = rename(town[field]);
    }
    writeFileSync(join(sources, 'towns', `${slug}.yaml`), `# Synthetic town ${i} (ek-towns bench), made from ${base.slug}.\n${stringify(town, { lineWidth: 0 })}`);
    towns.push({ slug, name: latin });
  }
  return towns;
}

function round(value, digits) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Moves an event by up to two years, only if it stays inside its stage. */
function shiftYear(event, stage, random) {
  const delta = Math.floor(random() * 5) - 2;
  const from = event.year + delta;
  const to = event.to === undefined ? undefined : event.to + delta;
  if (stage && from >= stage.from && (to ?? from) <= stage.to) {
    event.year = from;
    if (to !== undefined) event.to = to;
  }
  return event;
}

/** Replaces the base town's name in every string of a value. */
function replaceNames(value, names, replacement) {
  if (typeof value === 'string') return names.reduce((text, name) => text.split(name).join(replacement), value);
  if (Array.isArray(value)) return value.map((item) => replaceNames(item, names, replacement));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, key === 'cite' ? item : replaceNames(item, names, replacement)]));
  }
  return value;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [count, dir] = process.argv.slice(2);
  if (!count || !dir) {
    process.stderr.write('usage: node tests/bench/synthetic.mjs <N> <dir>\n');
    process.exit(2);
  }
  const towns = writeSyntheticSources(Number(count), dir);
  process.stdout.write(`wrote ${towns.length} towns under ${join(dir, 'sources')}\n`);
}
