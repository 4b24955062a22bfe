import type { z } from 'zod';
import { type BilingualText, town, type Town } from './schema.js';

/**
 * What still validates of a town file that has errors, among the fields another town's locator map shows: its slug,
 * name and coordinates, each checked on its own, so that an error elsewhere in the file does not lose them.
 */
export interface TownRemains {
  file: string;
  slug?: string;
  name?: BilingualText;
  coordinates?: Town['coordinates'];
}

/** `data` is the file as YAML read it, or undefined when it could not be read at all. */
export function townRemains(file: string, data: unknown): TownRemains {
  const fields = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  const valid = <T>(schema: z.ZodType<T>, value: unknown): T | undefined => {
    const result = schema.safeParse(value);
    return result.success ? result.data : undefined;
  };
  const slug = valid(town.shape.slug, fields.slug);
  const name = valid(town.shape.name, fields.name);
  const coordinates = valid(town.shape.coordinates, fields.coordinates);
  return { file, ...(slug ? { slug } : {}), ...(name ? { name } : {}), ...(coordinates ? { coordinates } : {}) };
}
