import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { robotoFiles } from '../fonts.js';

/**
 * Roboto's four faces embedded in the DOCX, so that Word and LibreOffice set it as designed where Roboto is not
 * installed: LibreOffice on Linux set DejaVu Sans instead (15–30% wider), so table headers broke mid-word and the
 * contents' page numbers were pages out. Roboto's licence (Apache 2.0) allows it. As ECMA-376 Part 1 (17.8.1) has
 * it, each face is a part `word/fonts/fontN.odttf` obfuscated with a key (a GUID) that the font table gives; the key
 * is made from the face's bytes, so the same fonts give the same package.
 */

const faces = [['embedRegular', robotoFiles.normal], ['embedBold', robotoFiles.bold], ['embedItalic', robotoFiles.italics], ['embedBoldItalic', robotoFiles.bolditalics]] as const;
const relationships = 'http://schemas.openxmlformats.org/package/2006/relationships';
const fontRelationship = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/font';

export interface EmbeddedFonts {
  /** The elements that go at the end of Roboto's `w:font` in the font table. */
  elements: string;
  /** The font parts and the font table's relationships, by path in the package. */
  parts: Record<string, Uint8Array | string>;
}

let embedded: EmbeddedFonts | undefined;

/** Roboto's faces as DOCX parts, read and obfuscated once per thread. */
export function embeddedRoboto(): EmbeddedFonts {
  if (embedded) return embedded;
  const elements: string[] = [];
  const rels: string[] = [];
  const parts: Record<string, Uint8Array | string> = {};
  faces.forEach(([element, path], i) => {
    const bytes = readFileSync(path);
    const key = fontKey(bytes);
    const id = `rIdFont${i + 1}`;
    elements.push(`<w:${element} r:id="${id}" w:fontKey="${key}"/>`);
    rels.push(`<Relationship Id="${id}" Type="${fontRelationship}" Target="fonts/font${i + 1}.odttf"/>`);
    parts[`word/fonts/font${i + 1}.odttf`] = obfuscate(bytes, key);
  });
  parts['word/_rels/fontTable.xml.rels'] = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${relationships}">${rels.join('')}</Relationships>\n`;
  embedded = { elements: elements.join(''), parts };
  return embedded;
}

/** A GUID from a hash of the face's bytes, in the form the font table writes: `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`. */
function fontKey(bytes: Uint8Array): string {
  const hex = createHash('sha256').update(bytes).digest('hex').slice(0, 32).toUpperCase();
  return `{${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}}`;
}

/** The font's first 32 bytes XORed with the key's 16 bytes, read from its last to its first, twice over. */
export function obfuscate(font: Uint8Array, key: string): Uint8Array {
  const hex = key.replace(/[{}-]/g, '');
  const keyBytes = Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16)).reverse();
  const out = Uint8Array.from(font);
  for (let i = 0; i < 32; i++) out[i] = out[i]! ^ keyBytes[i % 16]!;
  return out;
}
