import type { BilingualText, Citation } from '../sources/schema.js';
import type { ColumnType } from './spec.js';
import type { Localisable, YearSpan } from './values.js';

/**
 * An annex table evaluated against the model, before any language is chosen: every format is made from this,
 * so the same table says the same thing everywhere. Values keep their type (numbers are numbers).
 */
export interface AnnexTable {
  id: string;
  /** The spec file it was declared in. */
  spec: string;
  title: BilingualText;
  note: BilingualText;
  orientation: 'portrait' | 'landscape';
  columns: AnnexColumn[];
  rows: AnnexRow[];
  /** The spec's own citations, then every row's, each once. */
  citations: Citation[];
  /** Some rows are invented examples (a programme file says `illustrative: true`). */
  illustrative: boolean;
}

export interface AnnexColumn {
  /** The column id; a repeated column adds its item's key (`events-ridder`). */
  key: string;
  header: BilingualText;
  type: ColumnType;
  width: number;
  align: 'left' | 'right' | 'center';
  decimals?: number;
  /** The one currency of a money column's amounts (ISO 4217), shown in its header. */
  currency?: string;
  /** One of a column repeated per town or stage (`each`): a page too narrow for all of them prints them in parts. */
  repeated?: true;
}

/** text: Localisable; number, year, money: a number; years: spans; citations: the row's (value null). */
export type CellValue = null | number | Localisable | YearSpan[];

export interface AnnexCell {
  value: CellValue;
  cites: Citation[];
}

export interface AnnexRow {
  cells: AnnexCell[];
  /** Every citation of the row's cells, each once. */
  cites: Citation[];
  illustrative: boolean;
}
