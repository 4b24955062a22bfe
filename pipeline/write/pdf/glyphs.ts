import type { Nodes, Root } from 'mdast';
import type { Position } from 'unist';
import { visit } from 'unist-util-visit';
import type { WriteOptions } from '../options.js';
import { faceNames, robotoFace } from './faces.js';

/** Line breaks and tabs are layout, not glyphs. */
const layoutCharacters = new Set(['\n', '\r', '\t']);

/**
 * Reports, as located errors on `options.file`, every character that some Roboto face cannot draw: pdfmake would
 * print an empty box or nothing at all. Checks the text the PDF shows: node text, captions' labels, image alt
 * text, link addresses and the writer's own labels. The caller throws (throwIfFatal).
 */
export function reportMissingGlyphs(tree: Root, options: WriteOptions): void {
  const check = (text: string, where: string, place: Position | undefined) => {
    for (const char of new Set(text)) {
      const codePoint = char.codePointAt(0)!;
      // Any text may end up bold or italic: every face must draw it.
      if (layoutCharacters.has(char) || faceNames.every((name) => robotoFace(name).hasGlyphForCodePoint(codePoint))) continue;
      const code = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
      options.file.message(`${where} contains ${code} "${char}", which the PDF font (Roboto) cannot draw`, {
        place, ruleId: 'pdf-missing-glyph', source: 'ek-towns',
      }).fatal = true;
    }
  };
  visit(tree, (node: Nodes) => {
    const shown = [
      'value' in node ? node.value : '',
      node.data?.label ?? '',
      node.type === 'image' ? (node.alt ?? '') : '',
      node.type === 'link' ? node.url : '',
    ];
    check(shown.join(''), 'text', node.position);
  });
  for (const [name, text] of Object.entries(options.labels)) check(text, `label \`${name}\``, undefined);
}
