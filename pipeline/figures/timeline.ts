import type { Figure } from '../write/options.js';
import { num, svgDoc, text, textWidth } from './svg.js';

export interface TimelineStage {
  id: string;
  label: string;
  /** First and last year of the stage, both included. */
  from: number;
  to: number;
}

export interface TimelineEvent {
  year: number;
  /** Last year (included) of an event that lasted several years. */
  to?: number;
  label: string;
  stageId: string;
}

export interface TimelineInput {
  /** First and last year shown, both included (e.g. 1925, 1953). */
  range: [number, number];
  stages: TimelineStage[];
  events: TimelineEvent[];
  title?: string;
  /** Axis caption, e.g. "Year". */
  yearLabel?: string;
}

const W = 480;
const LEFT = 14;
const RIGHT = W - 14;
const SIZE = 8; // ≥ 7 pt once the 480 pt figure is scaled to a ~16 cm text width
const LINE = 9.5;
const LANE_H = 24; // room for a label wrapped on two lines
const LANE_GAP = 3;
const ROW_H = 12;
const PAD = 3;

/**
 * Band fills that differ in grey level and texture (never by colour alone), cycled in stage order so
 * neighbouring and overlapping stages never share one. Text on them stays black; on a texture it gets a
 * halo of the texture's background so no hatch line crosses a letter.
 */
const FILLS: { fill: string; halo?: string }[] = [
  { fill: '#d9d9d9' },
  { fill: 'url(#tl-hatch-a)', halo: '#fff' },
  { fill: '#b3b3b3' },
  { fill: 'url(#tl-hatch-b)', halo: '#efefef' },
];
const DEFS = [
  '<pattern id="tl-hatch-a" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">',
  '<rect width="5" height="5" fill="#fff"/><line x1="0" y1="0" x2="0" y2="5" stroke="#a6a6a6" stroke-width="1"/></pattern>',
  '<pattern id="tl-hatch-b" width="4" height="4" patternUnits="userSpaceOnUse">',
  '<rect width="4" height="4" fill="#efefef"/><circle cx="2" cy="2" r="0.7" fill="#999"/></pattern>',
].join('');

/** Years are whole calendar years: year y spans [y, y + 1) on the axis. */
function scale([first, last]: [number, number]): (year: number) => number {
  return (year) => LEFT + ((year - first) / (last + 1 - first)) * (RIGHT - LEFT);
}

/** Puts each stage on the first lane where it overlaps no other stage (years are inclusive). */
function assignLanes(stages: TimelineStage[]): number[] {
  const laneEnds: number[] = [];
  return stages.map((s) => {
    let lane = laneEnds.findIndex((end) => end < s.from);
    if (lane < 0) lane = laneEnds.length;
    laneEnds[lane] = s.to;
    return lane;
  });
}

/** The label on one line, else split at the space that makes the longer line shortest, else null. */
function fitLabel(label: string, room: number): string[] | null {
  if (textWidth(label, SIZE) <= room) return [label];
  let best: string[] | null = null;
  let bestWidth = Infinity;
  for (let i = label.indexOf(' '); i > 0; i = label.indexOf(' ', i + 1)) {
    const lines = [label.slice(0, i), label.slice(i + 1)];
    const width = Math.max(...lines.map((l) => textWidth(l, SIZE)));
    if (width <= room && width < bestWidth) [best, bestWidth] = [lines, width];
  }
  return best;
}

const years = (from: number, to?: number): string => (to !== undefined && to !== from ? `${from}–${to}` : `${from}`);

/**
 * The policy stages as bands (overlapping stages on separate lanes) above the town's events, each on the
 * first row where its marker and label collide with nothing, over a year axis. Stages are clipped to the
 * range; events outside it sit at the edge with an arrow, their label keeping the true year.
 */
export function drawTimeline(input: TimelineInput): Figure {
  const [first, last] = input.range;
  const x = scale(input.range);
  const body: string[] = [];
  let y = 8;
  if (input.title) {
    y += 10;
    body.push(text(LEFT, y, input.title, { size: 10, bold: true }));
    y += 8;
  }

  const stages = input.stages
    .filter((s) => s.to >= first && s.from <= last)
    .map((s) => ({ ...s, from: Math.max(s.from, first), to: Math.min(s.to, last) }))
    .sort((a, b) => a.from - b.from || a.to - b.to);
  const lanes = assignLanes(stages);
  const laneCount = Math.max(0, ...lanes.map((l) => l + 1));
  const bandsTop = y;
  const key: string[] = [];
  stages.forEach((s, i) => {
    const [x0, x1] = [x(s.from), x(s.to + 1)];
    const top = bandsTop + lanes[i] * (LANE_H + LANE_GAP);
    const { fill, halo } = FILLS[i % FILLS.length];
    body.push(
      `<rect x="${num(x0)}" y="${num(top)}" width="${num(x1 - x0)}" height="${LANE_H}" fill="${fill}" stroke="#000" stroke-width="0.5"/>`,
    );
    // A label that does not fit even on two lines becomes a number in the band, explained in a key below.
    let lines = fitLabel(s.label, x1 - x0 - 2 * PAD);
    if (!lines) {
      key.push(`${key.length + 1} ${s.label}`);
      lines = [String(key.length)];
    }
    const firstBaseline = top + LANE_H / 2 + 3 - ((lines.length - 1) * LINE) / 2;
    lines.forEach((line, j) => body.push(text((x0 + x1) / 2, firstBaseline + j * LINE, line, { size: SIZE, anchor: 'middle', halo })));
  });
  y = bandsTop + laneCount * (LANE_H + LANE_GAP) + 4;

  const events = [...input.events].sort((a, b) => a.year - b.year || (a.to ?? a.year) - (b.to ?? b.year));
  const rows: [number, number][][] = [];
  const eventsTop = y;
  const axisTicks: string[] = [];
  const clamp = (year: number) => Math.min(Math.max(year, first), last);
  for (const e of events) {
    const label = `${years(e.year, e.to)} ${e.label}`;
    const width = textWidth(label, SIZE);
    const [x0, x1] = [x(clamp(e.year)), x(clamp(e.to ?? e.year) + 1)];
    const mid = (x0 + x1) / 2;
    const [markStart, markEnd] = e.to !== undefined ? [x0, x1] : [mid - 3, mid + 3];
    // Label right of the marker unless it would run off the axis.
    const onRight = markEnd + PAD + width <= RIGHT;
    const span: [number, number] = onRight ? [markStart, markEnd + PAD + width] : [markStart - PAD - width, markEnd];
    let row = rows.findIndex((r) => r.every(([a, b]) => span[0] > b + 2 * PAD || span[1] < a - 2 * PAD));
    if (row < 0) row = rows.push([]) - 1;
    rows[row].push(span);
    const cy = eventsTop + row * ROW_H + ROW_H / 2;
    const outside = (e.to ?? e.year) < first ? -1 : e.year > last ? 1 : 0;
    if (outside) {
      // Clamped to the edge: an arrow pointing out of the range.
      const tip = outside < 0 ? markStart : markEnd;
      body.push(`<path d="M${num(tip)} ${num(cy)}l${num(-6 * outside)} -3.5v7z"/>`);
    } else if (e.to !== undefined) {
      body.push(`<rect x="${num(x0)}" y="${num(cy - 2.5)}" width="${num(x1 - x0)}" height="5"/>`);
    } else {
      body.push(`<circle cx="${num(mid)}" cy="${num(cy)}" r="2.8"/>`);
    }
    body.push(
      text(onRight ? markEnd + PAD : markStart - PAD, cy + 3, label, { size: SIZE, anchor: onRight ? 'start' : 'end' }),
    );
    axisTicks.push(`M${num(mid)} 0v-4`);
  }
  const axisY = eventsTop + rows.length * ROW_H + 4;

  // Grid lines every 5 years behind bands and events, then the axis with its year labels.
  const grid: string[] = [];
  const tickYears: number[] = [];
  for (let t = Math.ceil(first / 5) * 5; t <= last + 1; t += 5) tickYears.push(t);
  for (const t of tickYears) {
    grid.push(`M${num(x(t))} ${num(bandsTop)}V${num(axisY)}`);
    body.push(text(x(t), axisY + 12, String(t), { size: SIZE, anchor: 'middle' }));
  }
  body.unshift(`<path d="${grid.join('')}" stroke="#bfbfbf" stroke-width="0.5"/>`);
  body.push(
    `<path d="M${LEFT} ${num(axisY)}H${RIGHT}${tickYears.map((t) => `M${num(x(t))} ${num(axisY)}v4`).join('')}" stroke="#000" stroke-width="0.8"/>`,
  );
  if (axisTicks.length) {
    body.push(`<path transform="translate(0 ${num(axisY)})" d="${axisTicks.join('')}" stroke="#000" stroke-width="1.2"/>`);
  }
  y = axisY + 14;
  if (input.yearLabel) {
    y += 11;
    body.push(text((LEFT + RIGHT) / 2, y, input.yearLabel, { size: SIZE, anchor: 'middle' }));
  }
  y += 4;
  for (const line of key) {
    y += LINE + 1;
    body.push(text(LEFT, y, line, { size: SIZE }));
  }
  const height = Math.ceil(y + 6);

  const alt = [
    input.title,
    input.stages.map((s) => `${s.label} ${years(s.from, s.to)}`).join('; '),
    events.map((e) => `${years(e.year, e.to)}: ${e.label}`).join('; '),
  ]
    .filter(Boolean)
    .join('. ');
  return { svg: svgDoc(W, height, body, DEFS), width: W, height, alt: `${alt}.` };
}
