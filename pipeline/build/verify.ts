import { readFileSync, statSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import type { Provenance } from '../write/options.js';
import { combine } from './fingerprint.js';

/**
 * The provenance a file carries: PDF info entries (EkTownsOutput, EkTownsInputs), the DOCX/XLSX custom properties
 * or the web page's meta elements of the same names. Undefined when the file has none (not made by ek-towns, or too
 * old).
 */
export function readProvenance(path: string): Provenance | undefined {
  if (!statSync(path, { throwIfNoEntry: false })?.isFile()) return undefined;
  const bytes = readFileSync(path);
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return pdfProvenance(bytes.toString('latin1'));
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
    const custom = zipEntry(bytes, 'docProps/custom.xml');
    return custom ? customPropertyProvenance(strFromU8(custom)) : undefined;
  }
  if (/^<!doctype html>/i.test(bytes.subarray(0, 15).toString('latin1'))) return pageProvenance(bytes.toString('utf8'));
  return undefined;
}

function pageProvenance(html: string): Provenance | undefined {
  // Our own pages: the writer puts each meta element on a line of its own, name before content.
  return provenanceOf((name) => new RegExp(`<meta name="${name}" content="([^"]*)">`).exec(html)?.[1]);
}

/** The two values every format names alike, read by `value`: both, or no provenance. */
function provenanceOf(value: (name: string) => string | undefined): Provenance | undefined {
  const output = value('EkTownsOutput');
  const inputs = value('EkTownsInputs');
  return output && inputs ? { output, inputs } : undefined;
}

/** One entry of a zip; nothing when the zip is damaged (a file cut short is not ours to trust). */
function zipEntry(bytes: Uint8Array, name: string): Uint8Array | undefined {
  try {
    return unzipSync(bytes, { filter: (file) => file.name === name })[name];
  } catch {
    return undefined;
  }
}

function pdfProvenance(pdf: string): Provenance | undefined {
  // pdfkit writes the info entries as uncompressed indirect objects holding ASCII string literals
  // (our values are paths and hex hashes).
  return provenanceOf((key) => {
    const ref = new RegExp(`/${key} (\\d+) 0 R`).exec(pdf)?.[1];
    const direct = new RegExp(`/${key} \\(([^)]*)\\)`).exec(pdf)?.[1];
    if (direct !== undefined || !ref) return direct;
    return new RegExp(`(?:^|\\s)${ref} 0 obj\\s*\\(([^)]*)\\)\\s*endobj`).exec(pdf)?.[1];
  });
}

function customPropertyProvenance(xml: string): Provenance | undefined {
  return provenanceOf((name) => new RegExp(`name="${name}"[^>]*>\\s*<vt:lpwstr>([^<]*)</vt:lpwstr>`).exec(xml)?.[1]);
}

export interface VerifyResult {
  path: string;
  ok: boolean;
  message: string;
}

/**
 * Does each file match the current sources? Compares the input hash the file carries with the hash the
 * current sources, templates and code give for that output. Names which inputs changed when the manifest
 * of the output folder still knows what the file was built from.
 */
export function verifyFiles(
  files: string[],
  outputs: { path: string; inputs(): Record<string, string> }[],
  recorded: Record<string, { inputs: Record<string, string> } | undefined>,
  dataVersion: string,
): VerifyResult[] {
  return files.map((path) => {
    const provenance = readProvenance(path);
    if (!provenance) return { path, ok: false, message: `${path}: carries no ek-towns provenance (not built by ek-towns, or by an older version)` };
    const output = outputs.find((o) => o.path === provenance.output);
    if (!output) return { path, ok: false, message: `${path}: was built as ${provenance.output}, which the current sources no longer produce` };
    const inputs = output.inputs();
    const current = combine(inputs);
    if (current === provenance.inputs) {
      return { path, ok: true, message: `${path}: matches the current sources (data ${dataVersion}, inputs ${current})` };
    }
    const before = recorded[provenance.output];
    const changed = before && combine(before.inputs) === provenance.inputs
      ? Object.keys({ ...before.inputs, ...inputs }).filter((key) => before.inputs[key] !== inputs[key])
      : [];
    const which = changed.length > 0 ? `; changed since: ${changed.join(', ')}` : '';
    return { path, ok: false, message: `${path}: does NOT match the current sources: built from inputs ${provenance.inputs}, the current sources give ${current}${which}` };
  });
}
