import type { DocumentMeta } from '../options.js';

/**
 * exceljs writes no custom document properties, so they are added to the package as `docProps/custom.xml`: the
 * data version, and the provenance `ek-towns verify` reads (EkTownsOutput, EkTownsInputs) as the DOCX writer stores it.
 */
export function customPropertyParts(meta: DocumentMeta, parts: { contentTypes: string; rels: string }): Record<string, string> {
  const properties: [string, string][] = [['dataVersion', meta.version]];
  if (meta.provenance) properties.push(['EkTownsOutput', meta.provenance.output], ['EkTownsInputs', meta.provenance.inputs]);
  const entries = properties.map(([name, value], i) =>
    `<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="${i + 2}" name="${name}"><vt:lpwstr>${escapeXml(value)}</vt:lpwstr></property>`);
  return {
    'docProps/custom.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">${entries.join('')}</Properties>`,
    '[Content_Types].xml': parts.contentTypes.replace('</Types>', '<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>'),
    '_rels/.rels': parts.rels.replace('</Relationships>', '<Relationship Id="rIdCustomProperties" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/></Relationships>'),
  };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}
