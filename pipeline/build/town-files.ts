import { readFileSync } from 'node:fs';
import type { Project } from '../documents/context.js';
import { loadTownFile } from '../sources/load.js';
import type { TownModel } from '../sources/model.js';
import { hashJson } from './fingerprint.js';
import { SkippedOutput } from './produce.js';

/**
 * A build whose outputs each read one town (`--only briefs`, a shard) need not hold every town while it makes them.
 * Once each output's inputs are hashed, letTownsGo empties the model's town list, and each output reads its town's
 * file again as it is made (townOf), checked against the town the build validated. The main thread's memory then
 * does not grow with the number of towns (1,000 towns held ~75 MB of heap).
 */
const letGo = new WeakMap<Project, Map<string, { file: string; hash: string }>>();

export function letTownsGo(project: Project): void {
  const { towns } = project.model;
  letGo.set(project, new Map(towns.map((town) => [town.slug, { file: project.origins.get(town.name)!.file, hash: townHash(town) }])));
  // In place: the load result and whatever else was given the model share this list.
  towns.length = 0;
}

/** The town with this slug: the model's, or, once the build let it go, its file's again. */
export function townOf(project: Project, slug: string): TownModel {
  const loaded = project.model.towns.find((town) => town.slug === slug);
  if (loaded) return loaded;
  const { file, hash } = letGo.get(project)?.get(slug) ?? {};
  if (!file) throw new Error(`no town "${slug}" in the model`);
  let again: TownModel | undefined;
  try {
    again = loadTownFile(file, readFileSync(file), project.origins);
  } catch {
    // Gone or unreadable since it was loaded: said below as a change.
  }
  if (!again || townHash(again) !== hash) throw new SkippedOutput(`not rebuilt: ${file} changed while the build ran; build again to make it from the file as it is now`);
  return again;
}

/** A town's hash, worked out once per town object (hashing was ~1 GB allocated for 1,000 towns' briefs). */
export function townHash(town: TownModel): string {
  let hash = townHashes.get(town);
  if (!hash) townHashes.set(town, (hash = hashJson(town)));
  return hash;
}

const townHashes = new WeakMap<TownModel, string>();
