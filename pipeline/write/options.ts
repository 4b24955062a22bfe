import type { VFile } from 'vfile';

export type Lang = 'en' | 'es';

/** A figure the pipeline drew: SVG kept as vector in PDF, rasterised to PNG (with SVG) in DOCX, inline in HTML. */
export interface Figure {
  svg: string;
  /** Intrinsic size in points (1/72 in); writers scale to the text width keeping the ratio. */
  width: number;
  height: number;
  /** Text alternative for screen readers and the DOCX/HTML alt attribute. */
  alt: string;
}

export interface DocumentMeta {
  title: string;
  subject: string;
  keywords: string[];
  author: string;
  lang: Lang;
  /** Fixed build date (from SOURCE_DATE_EPOCH or the data version) so the same input gives the same bytes. */
  date: Date;
  /** Data version shown in footers and stored in metadata. */
  version: string;
  /** Which output this is and the hash of the inputs it was built from, stored in the file for `ek-towns verify`. */
  provenance?: Provenance;
}

export interface Provenance {
  /** The output's path under output/, e.g. `briefs/en/ridder.pdf`. */
  output: string;
  /** Hash of everything the output was built from (see pipeline/build/fingerprint.ts). */
  inputs: string;
}

/** Words the writers themselves print (running header, footer, TOC title), already in the document's language. */
export interface WriterLabels {
  /** Running header text, e.g. "Ridder · Brief". */
  header: string;
  /** Footer page label with {page} and {pages} placeholders, e.g. "Page {page} of {pages}". */
  pageOf: string;
  /** Footer note after the page label, e.g. "Data v1.2.0 · built 2026-01-01". */
  footerNote: string;
  /** Title of the table of contents. */
  contents: string;
}

export interface WriteOptions {
  meta: DocumentMeta;
  labels: WriterLabels;
  figures: Record<string, Figure>;
  /** Warnings (unsupported nodes…) and errors are reported here as vfile messages with the node's place. */
  file: VFile;
}
