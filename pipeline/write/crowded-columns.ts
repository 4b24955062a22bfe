/**
 * Column widths for a table whose longest words do not all fit in `total`, for the PDF and DOCX writers alike (each
 * in its own units), so that the same table breaks the same way in both. `body` and `header` are the widths of the
 * longest word of each column's body and header cells.
 *
 * Where the body's words all fit, each column gets its body's, then its header's up to `short` (as far as these fit),
 * and the header's longer words share the rest by how much more they need: a header breaks (hyphenated) before a
 * value or a name does ("Historical prerequisites" over a column of counts).
 *
 * Otherwise each column first gets its longest word up to `short` (a column of numbers all of its amounts: a broken
 * word still reads, a broken amount does not; its header may be hyphenated), and the longer words' columns share the
 * rest by how much more they need. Where even that does not fit, the amounts stay whole while the other columns can
 * still have `narrowest` each, sharing what is left by their minima; else all minima are scaled down together.
 */
export function crowdedColumns(body: number[], header: number[], numbers: boolean[], total: number, short: number, narrowest: number): number[] {
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  if (sum(body) <= total) {
    // The header's short words whole next, as far as they fit ("Second" over a column of counts); then its long
    // words share what is left by how much more they need.
    const shortMore = header.map((width, i) => Math.max(0, Math.min(width, short) - body[i]!));
    const share = Math.min(1, (total - sum(body)) / Math.max(sum(shortMore), Number.MIN_VALUE));
    const floors = body.map((width, i) => width + shortMore[i]! * share);
    const longMore = header.map((width, i) => Math.max(0, width - floors[i]!));
    const room = total - sum(floors);
    return floors.map((width, i) => width + (sum(longMore) > 0 ? (room * longMore[i]!) / sum(longMore) : room / floors.length));
  }
  const minima = body.map((width, i) => Math.max(width, header[i]!));
  // A column of numbers keeps its amounts whole and its header's words up to `short`; the others their words up to `short`.
  const floors = minima.map((minimum, i) => (numbers[i] ? Math.max(body[i]!, Math.min(header[i]!, short)) : Math.min(minimum, short)));
  const room = total - sum(floors);
  const more = sum(minima) - sum(floors);
  if (room > 0 && more > 0) return minima.map((minimum, i) => floors[i]! + (room * (minimum - floors[i]!)) / more);
  const amounts = body.map((width, i) => (numbers[i] ? width : 0));
  const others = minima.filter((_, i) => !numbers[i]);
  const left = total - sum(amounts);
  if (others.length > 0 && left >= others.length * narrowest) {
    return minima.map((minimum, i) => (numbers[i] ? amounts[i]! : (left * minimum) / sum(others)));
  }
  return minima.map((minimum) => (total * minimum) / sum(minima));
}
