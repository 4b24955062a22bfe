import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { textWidth } from '../pipeline/figures/svg.js';
import { drawLocatorMap, type LocatorMapInput } from '../pipeline/figures/locator-map.js';
import { drawStatusChart, type StatusChartInput } from '../pipeline/figures/status-chart.js';
import { drawTimeline, type TimelineInput } from '../pipeline/figures/timeline.js';
import { robotoFiles } from '../pipeline/write/fonts.js';
import type { Figure } from '../pipeline/write/options.js';
import { expectGolden } from './golden.js';

const timeline: TimelineInput = {
  range: [1925, 1953],
  title: 'Ridder: policy stages and events',
  yearLabel: 'Year',
  stages: [
    { id: 'prerequisites', label: 'Prerequisites', from: 1900, to: 1922 },
    { id: 'restoration', label: 'Restoration', from: 1923, to: 1929 },
    { id: 'fyp1', label: 'First five-year plan', from: 1929, to: 1932 },
    { id: 'fyp2', label: 'Second five-year plan', from: 1933, to: 1937 },
    { id: 'fyp3', label: 'Third five-year plan', from: 1938, to: 1942 },
    { id: 'war', label: 'Great Patriotic War', from: 1941, to: 1945 },
    { id: 'postwar', label: 'Post-war period', from: 1946, to: 1953 },
  ],
  events: [
    { year: 1927, label: 'Lead plant', stageId: 'restoration' },
    { year: 1928, label: 'Electrolytic cyanide plant', stageId: 'restoration' },
    { year: 1932, label: 'City status', stageId: 'fyp1' },
    { year: 1934, label: 'City status (other source)', stageId: 'fyp2' },
    { year: 1935, label: 'Shooting school', stageId: 'fyp2' },
    { year: 1937, label: 'Railway', stageId: 'fyp2' },
    { year: 1941, label: 'Renamed Leninogorsk', stageId: 'war' },
    { year: 1942, label: 'Three hospitals', stageId: 'war' },
  ],
};

const map: LocatorMapInput = {
  title: 'Small towns of East Kazakhstan',
  highlight: 'ridder',
  countryLabel: 'Kazakhstan',
  neighbourLabels: { '643': 'Russia', '156': 'China', '496': 'Mongolia', '417': 'Kyrgyzstan' },
  sourceNote: 'Basemap: Natural Earth via world-atlas',
  towns: [
    { slug: 'ayagoz', name: 'Ayagoz', lat: 47.97, lon: 80.44 },
    { slug: 'zaisan', name: 'Zaisan', lat: 47.47, lon: 84.87 },
    { slug: 'zyryanovsk', name: 'Zyryanovsk', lat: 49.72, lon: 84.27 },
    { slug: 'kurchatov', name: 'Kurchatov', lat: 50.76, lon: 78.54 },
    { slug: 'serebryansk', name: 'Serebryansk', lat: 49.68, lon: 83.32 },
    { slug: 'charsk', name: 'Charsk', lat: 49.58, lon: 81.05 },
    { slug: 'shemonaiha', name: 'Shemonaiha', lat: 50.63, lon: 81.91 },
    { slug: 'ridder', name: 'Ridder', lat: 50.35, lon: 83.51 },
  ],
};

const chart: StatusChartInput = {
  title: 'Year of city status',
  conflictLabel: 'sources differ',
  towns: [
    { name: 'Ridder', years: [1932, 1934] },
    { name: 'Ayagoz', years: [1939] },
    { name: 'Zaisan', years: [1941] },
    { name: 'Zyryanovsk', years: [1941] },
    { name: 'Kurchatov', years: [1948] },
    { name: 'Shemonaiha', years: [1961] },
    { name: 'Serebryansk', years: [1962] },
    { name: 'Charsk', years: [1963] },
  ],
};

const samples: [string, () => Figure][] = [
  ['timeline', () => drawTimeline(timeline)],
  ['locator-map', () => drawLocatorMap(map)],
  ['status-chart', () => drawStatusChart(chart)],
];

function render(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    font: { fontFiles: [robotoFiles.normal, robotoFiles.bold], loadSystemFonts: false, defaultFontFamily: 'Roboto' },
  });
  return resvg.render().asPng();
}

/** The ink box of every label (a halo and its text count once), measured like the layouts measure. */
function textBoxes(svg: string): { text: string; box: [number, number, number, number] }[] {
  const seen = new Set<string>();
  return [...svg.matchAll(/<text ([^>]*)>([^<]*)<\/text>/g)].flatMap(([, attrs, content]) => {
    const attr = (name: string) => attrs.match(new RegExp(`${name}="([^"]*)"`))?.[1];
    const [x, y, size] = ['x', 'y', 'font-size'].map((name) => Number(attr(name)));
    if (seen.has(`${x} ${y} ${content}`)) return [];
    seen.add(`${x} ${y} ${content}`);
    const raw = content.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e]!);
    const width = textWidth(raw, size, attr('font-weight') === 'bold');
    const anchor = attr('text-anchor') ?? 'start';
    const x0 = anchor === 'start' ? x : anchor === 'end' ? x - width : x - width / 2;
    return [{ text: raw, box: [x0, y - size * 0.72, x0 + width, y + size * 0.2] as [number, number, number, number] }];
  });
}

/** y of each band (the 24 pt tall rectangles) in drawing order, i.e. by start year. */
const bandTops = (svg: string) => [...svg.matchAll(/<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="24"/g)].map((m) => Number(m[1]));

describe.each(samples)('%s', (name, draw) => {
  const figure = draw();

  it('matches the golden SVG', () => {
    expectGolden(`figures/${name}.svg`, figure.svg);
  });

  it('is deterministic', () => {
    expect(draw()).toEqual(figure);
  });

  it('renders with resvg and Roboto', () => {
    const png = render(figure.svg);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(5000);
  });

  it('declares its size in points and an alt text', () => {
    expect(figure.svg).toContain(`width="${figure.width}" height="${figure.height}"`);
    expect(figure.width).toBe(480);
    expect(figure.alt.length).toBeGreaterThan(40);
  });

  it('keeps text ≥ 7 pt when printed 16 cm wide', () => {
    const scale = (16 / 2.54) * 72 / figure.width;
    const sizes = [...figure.svg.matchAll(/font-size="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(sizes.length).toBeGreaterThan(0);
    expect(Math.min(...sizes) * scale).toBeGreaterThanOrEqual(7);
  });

  it('never lets two labels overlap', () => {
    const boxes = textBoxes(figure.svg);
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) {
        const overlap = a.box[0] < b.box[2] && b.box[0] < a.box[2] && a.box[1] < b.box[3] && b.box[1] < a.box[3];
        expect(overlap, `${a.text} / ${b.text}`).toBe(false);
      }
    }
  });

  it('uses only greys, so it prints the same in grey-scale', () => {
    const colours = [...figure.svg.matchAll(/#([0-9a-f]{3}|[0-9a-f]{6})\b/gi)].map((m) => m[1].toLowerCase());
    for (const c of colours) {
      const [r, g, b] = c.length === 3 ? [...c] : [c.slice(0, 2), c.slice(2, 4), c.slice(4, 6)];
      expect([r, g], `#${c}`).toEqual([g, b]);
    }
  });
});

describe('drawTimeline', () => {
  it('puts overlapping stages on separate lanes and the others on the first', () => {
    const tops = bandTops(drawTimeline(timeline).svg);
    // restoration, fyp1, fyp2, fyp3, war, post-war (prerequisites lie before the range)
    expect(tops).toHaveLength(6);
    const [restoration, fyp1, fyp2, fyp3, war, postwar] = tops;
    expect(fyp1).not.toBe(restoration); // both include 1929
    expect(war).not.toBe(fyp3); // 1941–1942
    expect([fyp2, fyp3, postwar]).toEqual([restoration, restoration, restoration]);
  });

  it('clips stages to the range', () => {
    const svg = drawTimeline(timeline).svg;
    expect(svg).not.toContain('>Prerequisites<');
    expect(svg).toMatch(/<rect x="14" y="[\d.]+" width="[\d.]+" height="24"/); // restoration starts at 1925
  });

  it('escapes labels for XML and keeps them raw in the alt text', () => {
    const figure = drawTimeline({
      ...timeline,
      stages: [{ id: 's', label: `A & B <x> "q" 'a'`, from: 1925, to: 1953 }],
      events: [{ year: 1930, label: 'A & B <x>', stageId: 's' }],
    });
    expect(figure.svg).toContain('A &amp; B &lt;x&gt; &quot;q&quot; &apos;a&apos;');
    expect(figure.svg).toContain('1930 A &amp; B &lt;x&gt;');
    expect(figure.svg).not.toContain('<x>');
    expect(figure.alt).toContain('1930: A & B <x>');
    expect(() => render(figure.svg)).not.toThrow();
  });

  it('marks events outside the range with an arrow and keeps their true year', () => {
    const figure = drawTimeline({
      ...timeline,
      events: [{ year: 1921, label: 'Mines restored', stageId: 'prerequisites' }],
    });
    expect(figure.svg).toMatch(/<path d="M[\d.]+ [\d.]+l6 -3.5v7z"\/>/);
    expect(figure.svg).toContain('>1921 Mines restored<');
    expect(figure.alt).toContain('1921: Mines restored');
  });

  it('stacks colliding event labels on separate rows', () => {
    const svg = drawTimeline(timeline).svg;
    const rowOf = (label: string) => svg.match(new RegExp(`<text x="[\\d.]+" y="([\\d.]+)"[^>]*>${label}<`))?.[1];
    expect(rowOf('1927 Lead plant')).not.toBe(rowOf('1928 Electrolytic cyanide plant'));
    expect(rowOf('1934 City status \\(other source\\)')).not.toBe(rowOf('1935 Shooting school'));
  });

  it('numbers a stage whose label does not fit its band and explains the number in a key', () => {
    const svg = drawTimeline({
      range: [1925, 1953],
      stages: [{ id: 'short', label: 'A very long stage name', from: 1930, to: 1930 }],
      events: [],
    }).svg;
    expect(svg).toMatch(/text-anchor="middle">1<\/text>/);
    expect(svg).toContain('>1 A very long stage name<');
  });
});

describe('drawLocatorMap', () => {
  const svg = drawLocatorMap(map).svg;

  it('draws the highlighted town larger, with a bold label, and the others plain', () => {
    expect(svg.match(/r="6.8" fill="none" stroke="#000"/g)).toHaveLength(1);
    expect(svg).toMatch(/<text [^>]*font-weight="bold"[^>]*>Ridder<\/text>/);
    expect(svg).not.toMatch(/<text [^>]*font-weight="bold"[^>]*>Ayagoz<\/text>/);
    expect(svg.match(/r="2.6" fill="#fff"/g)).toHaveLength(7);
  });

  it('labels the visible neighbours, not the ones outside the frame', () => {
    for (const name of ['KAZAKHSTAN', 'RUSSIA', 'CHINA', 'MONGOLIA']) expect(svg).toContain(`>${name}<`);
    expect(svg).not.toContain('KYRGYZSTAN');
    expect(drawLocatorMap(map).alt).toBe(
      'Small towns of East Kazakhstan. Kazakhstan: Ridder, Ayagoz, Zaisan, Zyryanovsk, Kurchatov, Serebryansk, Charsk, Shemonaiha. Russia, Mongolia, China.',
    );
  });

  it('has a scale bar, a north arrow and the source note', () => {
    expect(svg).toMatch(/>\d+ km</);
    expect(svg).toContain('>N<');
    expect(svg).toContain('>Basemap: Natural Earth via world-atlas<');
  });

  it('escapes town names for XML', () => {
    const figure = drawLocatorMap({ ...map, towns: [...map.towns, { slug: 'x', name: 'A & B <x>', lat: 49, lon: 80 }] });
    expect(figure.svg).toContain('>A &amp; B &lt;x&gt;<');
    expect(() => render(figure.svg)).not.toThrow();
  });

  it('prints no words of its own: only the given labels, numbers, "km" and "N"', () => {
    const bare = drawLocatorMap({ towns: map.towns, highlight: 'ridder' }).svg;
    const texts = new Set([...bare.matchAll(/>([^<]+)<\/text>/g)].map((m) => m[1]));
    const allowed = new Set([...map.towns.map((t) => t.name), '0', 'N']);
    expect([...texts].filter((t) => !allowed.has(t) && !/^\d+ km$/.test(t))).toEqual([]);
  });

  it('stays small', () => {
    expect(svg.length).toBeLessThan(20_000);
  });
});

describe('drawStatusChart', () => {
  const figure = drawStatusChart(chart);

  it('sorts the towns by year and joins conflicting years with a dashed line and a note', () => {
    const names = [...figure.svg.matchAll(/text-anchor="end">([^<]+)</g)].map((m) => m[1]);
    expect(names).toEqual(['Ridder', 'Ayagoz', 'Zaisan', 'Zyryanovsk', 'Kurchatov', 'Shemonaiha', 'Serebryansk', 'Charsk']);
    expect(figure.svg.match(/stroke-dasharray/g)).toHaveLength(1);
    expect(figure.svg).toContain('>1932 / 1934 *<');
    expect(figure.svg).toContain('>* sources differ<');
    expect(figure.svg.match(/<circle /g)).toHaveLength(9);
    expect(figure.alt).toContain('Ridder 1932 / 1934 (sources differ); Ayagoz 1939');
  });

  it('without a conflict label still draws both years, but no unexplained marker', () => {
    const svg = drawStatusChart({ towns: chart.towns }).svg;
    expect(svg).toContain('>1932 / 1934<');
    expect(svg).toContain('stroke-dasharray');
    expect(svg).not.toContain('*');
  });

  it('escapes town names for XML', () => {
    const svg = drawStatusChart({ towns: [{ name: 'A & B <x>', years: [1940] }] }).svg;
    expect(svg).toContain('>A &amp; B &lt;x&gt;<');
    expect(() => render(svg)).not.toThrow();
  });
});
