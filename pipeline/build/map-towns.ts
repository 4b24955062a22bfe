import { basename } from 'node:path';
import type { Model, TownModel } from '../sources/model.js';
import type { TownRemains } from '../sources/remains.js';

/** What a locator map shows of a town. */
export type MapTown = Pick<TownModel, 'slug' | 'name' | 'coordinates'>;

/** A broken town file whose name or coordinates are known neither from the file nor from the last good model. */
export interface UnplacedTown {
  file: string;
  slug: string;
  /** Known when only the name is missing: then only the maps near it need it. */
  coordinates?: MapTown['coordinates'];
  missing: ('name' | 'coordinates')[];
}

/**
 * The towns on the locator maps: the model's, and each broken town file's, with its name and coordinates from what
 * of the file still validates, else from the last good model (`previous`, output/model.json). A broken file that
 * repeats a good town's slug (a stray copy) adds nothing. A town whose name or coordinates are known from neither is
 * unplaced: the briefs whose maps would show it are not made (outputs.ts), rather than made without it.
 */
export function placeTowns(model: Model, broken: TownRemains[], previous?: Model): { placed: MapTown[]; unplaced: UnplacedTown[] } {
  const placed: MapTown[] = model.towns.map(({ slug, name, coordinates }) => ({ slug, name, coordinates }));
  const unplaced: UnplacedTown[] = [];
  const seen = new Set(placed.map((t) => t.slug));
  const fileSlug = (remains: TownRemains) => basename(remains.file, '.yaml');
  // A file named for its slug speaks for that town before a copy of it does.
  const ordered = [...broken].sort((a, b) => Number(a.slug !== fileSlug(a)) - Number(b.slug !== fileSlug(b)));
  for (const remains of ordered) {
    const slug = remains.slug ?? fileSlug(remains);
    if (seen.has(slug)) continue;
    seen.add(slug);
    const last = previous?.towns.find((t) => t.slug === slug) ?? previous?.towns.find((t) => t.slug === fileSlug(remains));
    const name = remains.name ?? last?.name;
    const coordinates = remains.coordinates ?? last?.coordinates;
    if (name && coordinates) placed.push({ slug, name, coordinates });
    else {
      const missing = [...(name ? [] : ['name' as const]), ...(coordinates ? [] : ['coordinates' as const])];
      unplaced.push({ file: remains.file, slug, ...(coordinates ? { coordinates } : {}), missing });
    }
  }
  return { placed: placed.sort((a, b) => (a.slug < b.slug ? -1 : 1)), unplaced };
}
