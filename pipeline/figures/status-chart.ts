import type { Figure } from '../write/options.js';
import { num, svgDoc, text, textWidth } from './svg.js';

export interface StatusChartInput {
  /** One or more years each town is said to have received city status (several when sources differ). */
  towns: { name: string; years: number[] }[];
  title?: string;
  /** Note explaining the marker on towns with several years, e.g. "sources differ". */
  conflictLabel?: string;
}

const W = 480;
const LEFT = 14;
const RIGHT = W - 8;
const SIZE = 8;
const ROW_H = 17;
const MARK = '*';

/**
 * A lollipop chart of the year each town became a city, earliest first. A town with conflicting years
 * gets a dot per year joined by a dashed line, and a marker explained by `conflictLabel` under the axis.
 */
export function drawStatusChart(input: StatusChartInput): Figure {
  const towns = input.towns
    .filter((t) => t.years.length > 0)
    .map((t) => ({ name: t.name, years: [...new Set(t.years)].sort((a, b) => a - b) }))
    // Stable sort: ties keep the caller's order, so no locale-dependent string comparison is needed.
    .sort((a, b) => a.years[0] - b.years[0]);
  const all = towns.flatMap((t) => t.years);
  const lo = Math.min(1925, Math.floor(Math.min(...all) / 5) * 5);
  const hi = Math.max(1965, Math.ceil(Math.max(...all) / 5) * 5);
  const marked = (years: number[]) => years.length > 1 && input.conflictLabel !== undefined;
  const yearText = (years: number[]) => years.join(' / ') + (marked(years) ? ` ${MARK}` : '');

  const plotLeft = LEFT + Math.max(0, ...towns.map((t) => textWidth(t.name, SIZE))) + 10;
  // Room right of the axis end for the widest year label, so a town at the last year still fits.
  const plotRight = RIGHT - 7 - Math.max(0, ...towns.map((t) => textWidth(yearText(t.years), SIZE)));
  const x = (year: number) => plotLeft + ((year - lo) / (hi - lo)) * (plotRight - plotLeft);

  const body: string[] = [];
  let y = 8;
  if (input.title) {
    y += 10;
    body.push(text(LEFT, y, input.title, { size: 10, bold: true }));
    y += 6;
  }
  const plotTop = y;
  const marks: string[] = [];
  towns.forEach((t, i) => {
    const cy = plotTop + i * ROW_H + ROW_H / 2;
    const [first, latest] = [x(t.years[0]), x(t.years[t.years.length - 1])];
    body.push(text(plotLeft - 8, cy + 3, t.name, { size: SIZE, anchor: 'end' }));
    marks.push(`<path d="M${num(plotLeft)} ${num(cy)}H${num(first)}" stroke="#8c8c8c" stroke-width="1"/>`);
    if (t.years.length > 1) {
      marks.push(`<path d="M${num(first)} ${num(cy)}H${num(latest)}" stroke="#000" stroke-width="1" stroke-dasharray="2 2"/>`);
    }
    for (const year of t.years) marks.push(`<circle cx="${num(x(year))}" cy="${num(cy)}" r="3.5"/>`);
    body.push(text(latest + 7, cy + 3, yearText(t.years), { size: SIZE }));
  });
  const axisY = plotTop + towns.length * ROW_H + 2;

  const grid: string[] = [];
  const ticks: string[] = [];
  for (let t = lo; t <= hi; t += 5) {
    grid.push(`M${num(x(t))} ${num(plotTop)}V${num(axisY)}`);
    ticks.push(`M${num(x(t))} ${num(axisY)}v4`);
    body.push(text(x(t), axisY + 13, String(t), { size: SIZE, anchor: 'middle' }));
  }
  body.unshift(`<path d="${grid.join('')}" stroke="#d0d0d0" stroke-width="0.5"/>`);
  body.push(
    ...marks,
    `<path d="M${num(plotLeft)} ${num(axisY)}H${num(plotRight)}${ticks.join('')}" stroke="#000" stroke-width="0.8"/>`,
  );
  y = axisY + 15;
  if (towns.some((t) => marked(t.years))) {
    y += 13;
    body.push(text(plotLeft, y, `${MARK} ${input.conflictLabel}`, { size: SIZE }));
  }
  const height = Math.ceil(y + 7);

  const alt = towns
    .map((t) => `${t.name} ${t.years.join(' / ')}${marked(t.years) ? ` (${input.conflictLabel})` : ''}`)
    .join('; ');
  return { svg: svgDoc(W, height, body), width: W, height, alt: `${input.title ? `${input.title}. ` : ''}${alt}.` };
}
