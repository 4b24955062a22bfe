import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';

export interface NormaliseZipOptions {
  /** Build date: every entry gets it as its modification time, so the bytes do not depend on when we ran. */
  date: Date;
  /** Parts to replace (or add), by path inside the package. */
  replace?: Record<string, string | Uint8Array>;
  /** Rewrites the text of each XML part (`.xml`, `.rels`), e.g. to rename random ids; called in entry order. */
  transform?: (path: string, text: string) => string;
}

/**
 * Re-zips an OOXML package (DOCX, XLSX) so the same content gives the same bytes: a fixed mtime on every entry and a
 * stable entry order (`[Content_Types].xml` first, as Office writes it, then by path).
 */
export function normaliseZip(bytes: Uint8Array, options: NormaliseZipOptions): Uint8Array {
  return zipPackage(new Map(Object.entries(unzipSync(bytes))), options);
}

/** Pictures are compressed already: the fastest level still takes the tenth a PNG can lose, in a fraction of the time. */
const compressed = /\.(png|jpe?g|gif)$/i;

/** Zips a package's parts (text or bytes, by path) as normaliseZip does, for a writer that has them unzipped. */
export function zipPackage(parts: ReadonlyMap<string, string | Uint8Array>, { date, replace = {}, transform }: NormaliseZipOptions): Uint8Array {
  const entries = new Map(parts);
  for (const [path, content] of Object.entries(replace)) entries.set(path, content);
  const mtime = zipTime(date);
  const zippable: Zippable = {};
  for (const path of [...entries.keys()].sort(byPackageOrder)) {
    const data = entries.get(path)!;
    const isXml = path.endsWith('.xml') || path.endsWith('.rels');
    const text = transform && isXml ? transform(path, typeof data === 'string' ? data : strFromU8(data)) : data;
    zippable[path] = [typeof text === 'string' ? strToU8(text) : text, { mtime, level: compressed.test(path) ? 1 : 6 }];
  }
  return zipSync(zippable);
}

function byPackageOrder(a: string, b: string): number {
  const first = '[Content_Types].xml';
  if (a === first || b === first) return a === first ? (b === first ? 0 : -1) : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * fflate writes DOS times from the *local* date fields, so the same instant would give different bytes in different
 * time zones; a Date whose local fields equal the UTC fields of `date` makes the entry time the UTC time everywhere.
 * DOS times start in 1980.
 */
function zipTime(date: Date): Date {
  const year = Math.max(1980, date.getUTCFullYear());
  return new Date(year, date.getUTCMonth(), date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds());
}
