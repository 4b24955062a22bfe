import type { Program, Reference, Region, Stage, Town } from './schema.js';

export interface Dataset {
  /** The data's version, printed in every document's footer and metadata. */
  version: string;
  /** The data's release date: the build date unless SOURCE_DATE_EPOCH says otherwise. */
  date: string;
}

export interface TownModel extends Town {
  /** The sources give more than one city-status year: documents must show all, with citations. */
  cityStatusConflict: boolean;
}

/** The validated, typed model every document is rendered from. */
export interface Model {
  dataset: Dataset;
  region: Region;
  stages: Stage[];
  towns: TownModel[];
  references: Reference[];
  programs: Program[];
}

export function toTownModel(town: Town): TownModel {
  return { ...town, cityStatusConflict: new Set(town.cityStatus.map((s) => s.year)).size > 1 };
}
