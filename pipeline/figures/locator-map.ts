import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { geoConicEqualArea, geoDistance, geoPath } from 'd3-geo';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { Figure } from '../write/options.js';
import { num, svgDoc, text, textWidth } from './svg.js';

export interface MapTown {
  slug: string;
  name: string;
  lat: number;
  lon: number;
}

export interface LocatorMapInput {
  towns: MapTown[];
  /** Slug of the town drawn with a larger marker and a bold label. */
  highlight?: string;
  title?: string;
  /** Label of Kazakhstan (filled grey). */
  countryLabel?: string;
  /** Labels of neighbouring countries by ISO 3166 numeric id, e.g. { '643': 'Russia', '156': 'China' }. */
  neighbourLabels?: Record<string, string>;
  /** Small print under the scale bar, e.g. "Basemap: Natural Earth via world-atlas". */
  sourceNote?: string;
  /** Size of the map frame in points (default 480 × 360); text keeps its size, so a smaller map shows less. */
  size?: { width: number; height: number };
}

const KAZAKHSTAN = '398';
const KAZAKHSTAN_FILL = '#e0e0e0';
const TOWN_SIZE = 8;
const COUNTRY_SIZE = 9;
const EARTH_KM = 6371;

type Country = Feature<Geometry, { name: string }>;
let countries: Country[] | undefined;

/** Natural Earth 1:50m countries from the installed world-atlas package (no network), parsed once per process. */
function loadCountries(): Country[] {
  if (!countries) {
    const file = createRequire(import.meta.url).resolve('world-atlas/countries-50m.json');
    const topology = JSON.parse(readFileSync(file, 'utf8')) as Topology<{ countries: GeometryCollection<{ name: string }> }>;
    countries = (feature(topology, topology.objects.countries) as FeatureCollection<Geometry, { name: string }>).features;
  }
  return countries;
}

type Box = [x0: number, y0: number, x1: number, y1: number];
type Spot = { x: number; y: number; anchor: 'start' | 'middle' | 'end' };
const overlaps = (a: Box, b: Box) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];

/** Places labels at the first candidate position that stays in the frame and overlaps nothing placed so far. */
class Placer {
  readonly taken: Box[] = [];
  readonly frame: Box;

  constructor(frame: Box) {
    this.frame = frame;
  }

  /**
   * The chosen spot, reserved for later labels. When every candidate collides: undefined, or with
   * `required` (a label that must not be dropped) the first candidate anyway.
   */
  place(candidates: Spot[], width: number, size: number, required = false): Spot | undefined {
    const boxOf = ({ x, y, anchor }: Spot): Box => {
      const x0 = anchor === 'start' ? x : anchor === 'end' ? x - width : x - width / 2;
      return [x0 - 1, y - size * 0.75, x0 + width + 1, y + size * 0.25];
    };
    const [f0, f1, f2, f3] = this.frame;
    const fits = (b: Box) => b[0] >= f0 && b[1] >= f1 && b[2] <= f2 && b[3] <= f3 && !this.taken.some((t) => overlaps(t, b));
    const chosen = candidates.find((c) => fits(boxOf(c))) ?? (required ? candidates[0] : undefined);
    if (chosen) this.taken.push(boxOf(chosen));
    return chosen;
  }
}

/** The largest "nice" distance whose bar is at most `maxPt` long. */
function niceKm(kmPerPt: number, maxPt: number): number {
  const steps = [10, 20, 25, 50, 100, 150, 200, 250, 500, 1000];
  return steps.filter((km) => km / kmPerPt <= maxPt).pop() ?? steps[0];
}

type VisibleCountry = { id: string; d: string; c: Country };
const basemaps = new Map<string, VisibleCountry[]>();
/** Frames kept: the real towns' maps share one; a run of many towns has a frame per neighbourhood, each used once. */
const basemapsKept = 8;
/** Projecting the countries is most of a map's cost, and the briefs' maps mostly share a frame: do it once per frame. */
function basemap(key: string, project: () => VisibleCountry[]): VisibleCountry[] {
  let countries = basemaps.get(key);
  if (!countries) {
    countries = project();
    basemaps.set(key, countries);
    if (basemaps.size > basemapsKept) basemaps.delete(basemaps.keys().next().value!);
  }
  return countries;
}

type Bounds = [[west: number, south: number], [east: number, north: number]];
let countryBounds: Bounds[] | undefined;

/**
 * A country's bounds from its vertices' longitudes and latitudes. At the atlas's 50m detail they are within 0.5° of
 * d3's spherical geoBounds for every country, at a tenth of the cost (~90 ms a process). A country across the
 * antimeridian (Russia, Fiji…) gets every longitude, so it is always kept, as before.
 */
function vertexBounds(country: Country): Bounds {
  let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (coordinates: unknown[]): void => {
    if (typeof coordinates[0] !== 'number') return void coordinates.forEach((c) => visit(c as unknown[]));
    const [lon, lat] = coordinates as [number, number];
    [west, east, south, north] = [Math.min(west, lon), Math.max(east, lon), Math.min(south, lat), Math.max(north, lat)];
  };
  if ('coordinates' in country.geometry) visit(country.geometry.coordinates);
  return [[west, south], [east, north]];
}

/**
 * The countries that may show in a frame around these longitudes and latitudes: those whose bounds come within 15° of
 * it (the frame's margins and the conic projection's curved edges reach far less). Projecting all 242 countries of
 * the 50m atlas for every map was most of a brief's time in a run of many towns, whose maps each have a frame.
 */
function countriesNear(lon0: number, lon1: number, lat0: number, lat1: number): Country[] {
  const all = loadCountries();
  countryBounds ??= all.map(vertexBounds);
  const margin = 15;
  return all.filter((_, i) => {
    const [[west, south], [east, north]] = countryBounds![i]!;
    if (south > lat1 + margin || north < lat0 - margin) return false;
    return !(west > lon1 + margin || east < lon0 - margin);
  });
}

/**
 * East Kazakhstan with the towns: Kazakhstan grey, neighbours white and labelled, the highlighted town
 * as a larger black marker, a scale bar and a north arrow. The frame is fitted to the towns plus a margin.
 */
export function drawLocatorMap(input: LocatorMapInput): Figure {
  if (input.towns.length === 0) throw new Error('drawLocatorMap: no towns to fit the map to');
  const { width: W, height: H } = input.size ?? { width: 480, height: 360 };
  const top = input.title ? 22 : 0;
  const frame: Box = [0.5, top + 0.5, W - 0.5, top + H - 0.5];
  const lons = input.towns.map((t) => t.lon);
  const lats = input.towns.map((t) => t.lat);
  // A wider margin east: there Kazakhstan, Russia, China and Mongolia meet, and Mongolia's western tip
  // (~88°E) needs room for its name; west of the towns is only more Kazakh steppe.
  const [lon0, lon1] = [Math.min(...lons) - 1.5, Math.max(...lons) + 3.5];
  const [lat0, lat1] = [Math.min(...lats) - 1.5, Math.max(...lats) + 1.5];
  const lonMid = (lon0 + lon1) / 2;
  const latMid = (lat0 + lat1) / 2;
  // Edge midpoints too: with a conic projection the parallels bulge between the corners.
  const extent = {
    type: 'MultiPoint' as const,
    coordinates: [lon0, lonMid, lon1].flatMap((lon) => [lat0, latMid, lat1].map((lat) => [lon, lat])),
  };
  const projection = geoConicEqualArea()
    .parallels([lat0 + (lat1 - lat0) / 6, lat1 - (lat1 - lat0) / 6])
    .rotate([-lonMid, 0])
    .fitExtent(
      [
        [frame[0] + 6, frame[1] + 6],
        [frame[2] - 6, frame[3] - 6],
      ],
      extent,
    )
    .clipExtent([
      [frame[0], frame[1]],
      [frame[2], frame[3]],
    ]);
  const path = geoPath(projection).digits(1);
  const project = (lon: number, lat: number): [number, number] => projection([lon, lat]) ?? [NaN, NaN];

  const body: string[] = [];
  if (input.title) body.push(text(frame[0], 14, input.title, { size: 10, bold: true }));
  const visible = basemap(`${frame.join()}|${lon0},${lon1},${lat0},${lat1}`, () =>
    countriesNear(lon0, lon1, lat0, lat1)
      .map((c) => ({ id: String(c.id), d: path(c) ?? '', c }))
      .filter((c) => c.d !== ''),
  );
  for (const { id, d } of visible) {
    const fill = id === KAZAKHSTAN ? KAZAKHSTAN_FILL : '#fff';
    body.push(`<path d="${d}" fill="${fill}" stroke="#6e6e6e" stroke-width="0.6" stroke-linejoin="round"/>`);
  }

  const placer = new Placer([frame[0] + 3, frame[1] + 3, frame[2] - 3, frame[3] - 3]);

  // North arrow (top right), pointing to true north at its own position.
  const [ax, ay] = [frame[2] - 20, frame[1] + 30];
  const here = projection.invert?.([ax, ay]) ?? [lonMid, latMid];
  const [nx, ny] = project(here[0], here[1] + 1);
  const angle = (Math.atan2(nx - ax, ay - ny) * 180) / Math.PI;
  body.push(
    `<g transform="translate(${num(ax)} ${num(ay)}) rotate(${num(angle)})"><path d="M0 -14L6 6L0 1L-6 6Z" stroke="#000" stroke-width="0.8" stroke-linejoin="round"/><path d="M0 -14L-6 6L0 1Z" fill="#fff"/></g>`,
    text(ax, ay + 17, 'N', { size: 9, bold: true, anchor: 'middle' }),
  );
  placer.taken.push([ax - 10, ay - 26, ax + 10, ay + 20]);

  // Scale bar (bottom left), measured along the central parallel.
  const [cx0, cy0] = project(lonMid - 0.5, latMid);
  const [cx1, cy1] = project(lonMid + 0.5, latMid);
  const kmPerPt = (geoDistance([lonMid - 0.5, latMid], [lonMid + 0.5, latMid]) * EARTH_KM) / Math.hypot(cx1 - cx0, cy1 - cy0);
  const km = niceKm(kmPerPt, 100);
  const barLength = km / kmPerPt;
  const [bx, by] = [frame[0] + 12, frame[3] - (input.sourceNote ? 24 : 12)];
  body.push(
    `<rect x="${num(bx)}" y="${num(by - 4)}" width="${num(barLength / 2)}" height="4" stroke="#000" stroke-width="0.6"/>`,
    `<rect x="${num(bx + barLength / 2)}" y="${num(by - 4)}" width="${num(barLength / 2)}" height="4" fill="#fff" stroke="#000" stroke-width="0.6"/>`,
    text(bx, by - 7, '0', { size: TOWN_SIZE, anchor: 'middle' }),
    text(bx + barLength, by - 7, `${km} km`, { size: TOWN_SIZE, anchor: 'middle' }),
  );
  placer.taken.push([bx - 6, by - 16, bx + barLength + 24, by + 2]);
  if (input.sourceNote) {
    const note = input.sourceNote;
    body.push(text(bx - 6, frame[3] - 6, note, { size: 7.5, fill: '#333' }));
    placer.taken.push([bx - 6, frame[3] - 14, bx - 6 + textWidth(note, 7.5), frame[3]]);
  }

  // Towns: markers first (labels must avoid every marker), the highlighted town's label placed first.
  const towns = input.towns.map((t) => ({ ...t, at: project(t.lon, t.lat), main: t.slug === input.highlight }));
  for (const t of towns) {
    const [x, y] = t.at;
    const r = t.main ? 7 : 2.8;
    placer.taken.push([x - r, y - r, x + r, y + r]);
    body.push(
      t.main
        ? `<circle cx="${num(x)}" cy="${num(y)}" r="4.2"/><circle cx="${num(x)}" cy="${num(y)}" r="6.8" fill="none" stroke="#000" stroke-width="1.1"/>`
        : `<circle cx="${num(x)}" cy="${num(y)}" r="2.6" fill="#fff" stroke="#000" stroke-width="1.2"/>`,
    );
  }
  for (const t of [...towns].sort((a, b) => Number(b.main) - Number(a.main))) {
    const [x, y] = t.at;
    const size = t.main ? 9.5 : TOWN_SIZE;
    const r = (t.main ? 7 : 2.8) + 2;
    const up = y - r;
    const down = y + r + size * 0.75;
    const mid = y + size * 0.35;
    const candidates: Spot[] = [
      { x: x + r, y: mid, anchor: 'start' },
      { x: x - r, y: mid, anchor: 'end' },
      { x, y: up, anchor: 'middle' },
      { x, y: down, anchor: 'middle' },
      { x: x + r * 0.7, y: up, anchor: 'start' },
      { x: x + r * 0.7, y: down, anchor: 'start' },
      { x: x - r * 0.7, y: up, anchor: 'end' },
      { x: x - r * 0.7, y: down, anchor: 'end' },
    ];
    // A town label is never dropped: if every spot collides, it goes right of the marker anyway.
    const spot = placer.place(candidates, textWidth(t.name, size, t.main), size, true)!;
    body.push(text(spot.x, spot.y, t.name, { size, bold: t.main, anchor: spot.anchor, halo: '#fff' }));
  }

  // Country names near the centre of their visible part, nudged off town labels but kept wholly inside
  // the country (so no border runs through them); a neighbour too small for its name stays unlabelled.
  const countryLabels: Record<string, string> = { ...input.neighbourLabels };
  if (input.countryLabel) countryLabels[KAZAKHSTAN] = input.countryLabel;
  const shown: string[] = [];
  for (const country of visible) {
    const { id } = country;
    if (!countryLabels[id]) continue;
    const label = countryLabels[id].toUpperCase();
    const width = textWidth(label, COUNTRY_SIZE);
    const { centroid: [cx, cy], rings } = labelGround(country, (c) => path.centroid(c));
    const clampX = (x: number) => Math.min(Math.max(x, frame[0] + width / 2 + 4), frame[2] - width / 2 - 4);
    const inside = ({ x, y }: Spot) => [x - width / 2, x, x + width / 2].every((px) => [y - COUNTRY_SIZE, y + 2].every((py) => inRings(rings, px, py)));
    const candidates = [0, -12, 12, -24, 24, -36, 36]
      .flatMap((dy) => [0, -30, 30].map((dx): Spot => ({ x: clampX(cx + dx), y: cy + dy, anchor: 'middle' })))
      .filter(inside);
    const spot = placer.place(candidates, width, COUNTRY_SIZE);
    if (!spot) continue;
    const halo = id === KAZAKHSTAN ? KAZAKHSTAN_FILL : '#fff';
    body.push(text(spot.x, spot.y, label, { size: COUNTRY_SIZE, fill: '#3c3c3c', anchor: 'middle', halo }));
    if (id !== KAZAKHSTAN) shown.push(countryLabels[id]);
  }
  const [fw, fh] = [frame[2] - frame[0], frame[3] - frame[1]];
  body.push(`<rect x="${num(frame[0])}" y="${num(frame[1])}" width="${num(fw)}" height="${num(fh)}" fill="none" stroke="#000"/>`);

  const height = top + H;
  const names = [...towns].sort((a, b) => Number(b.main) - Number(a.main)).map((t) => t.name);
  const alt = [input.title, `${input.countryLabel ? `${input.countryLabel}: ` : ''}${names.join(', ')}`, shown.join(', ')]
    .filter(Boolean)
    .join('. ');
  return { svg: svgDoc(W, height, body), width: W, height, alt: `${alt}.` };
}

/** Where a country's name may go on a frame: its projected centroid and the rings of its clipped path, in points. */
type LabelGround = { centroid: [number, number]; rings: number[][] };
const groundsKept = new WeakMap<VisibleCountry, LabelGround>();

/**
 * A country's label ground, worked out once per frame, as its basemap is kept (projecting the whole country for the
 * centroid was ~8 ms a map). The rings are read from the path geoPath wrote (`M x,y L x,y … Z`).
 */
function labelGround(country: VisibleCountry, path: (c: Country) => [number, number]): LabelGround {
  let ground = groundsKept.get(country);
  if (!ground) {
    const rings: number[][] = [];
    for (const [, command, x, y] of country.d.matchAll(/([ML])(-?[\d.]+),(-?[\d.]+)/g)) {
      if (command === 'M') rings.push([]);
      rings.at(-1)!.push(Number(x), Number(y));
    }
    ground = { centroid: path(country.c), rings };
    groundsKept.set(country, ground);
  }
  return ground;
}

/**
 * Whether a point of the map is inside a country: even-odd over its projected rings. Within the frame this is the
 * country itself (clipping keeps its inside), and a spot outside the frame never takes a label; the same test on
 * the sphere (geoContains on the 50m polygons) cost ~100 ms a map.
 */
function inRings(rings: number[][], x: number, y: number): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 2; i < ring.length; j = i, i += 2) {
      const [xi, yi, xj, yj] = [ring[i]!, ring[i + 1]!, ring[j]!, ring[j + 1]!];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}
