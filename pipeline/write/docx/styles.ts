import {
  AlignmentType,
  type IBaseParagraphStyleOptions,
  type ILevelsOptions,
  type INumberingOptions,
  type IStylesOptions,
  LevelFormat,
  LineRuleType,
  type NumberingDefinition,
} from 'docx';
import { tableFontSize } from './geometry.js';

/**
 * The looks live in named Word styles, so an editor restyles the whole report by changing a style: document defaults,
 * Title, Heading 1–6, Caption, Quote, the table and box styles, list numbering. Direct formatting in the body only
 * says what is structural: a column's alignment, a table caption kept with its table, a list item's indent.
 */

/** Roboto, as in the PDF; where it is not installed, the font table (below) has Word substitute a sans-serif. */
export const bodyFont = 'Roboto';
const codeFont = 'Courier New';
const accent = '1F4E79';

const pt = (points: number) => Math.round(points * 2); // half-points, for font sizes
const twips = (points: number) => Math.round(points * 20);
/** The body's line spacing, in 240ths of a line: 1.1 lines. */
const bodyLine = 264;
/**
 * The body's line, 1.1 lines of Roboto 10.5 pt, as a height in twips: Word makes a line of Roboto (winAscent 1946 and
 * winDescent 512 of 2048 units) 1.2 times its size.
 */
const bodyLineHeight = Math.round((bodyLine / 240) * twips(10.5) * ((1946 + 512) / 2048));

function heading(level: number, size: number, before: number): IBaseParagraphStyleOptions {
  return {
    run: { size: pt(size), bold: true, color: level === 1 ? accent : '262626' },
    // The outline level is what puts a heading in the TOC (\o) and the navigation pane.
    paragraph: { outlineLevel: level - 1, keepNext: true, keepLines: true, spacing: { before: twips(before), after: twips(4) } },
  };
}

export function documentStyles(lang: string): IStylesOptions {
  return {
    default: {
      document: {
        run: { font: bodyFont, size: pt(10.5), language: { value: lang } },
        paragraph: { spacing: { after: twips(6), line: bodyLine, lineRule: LineRuleType.AUTO } },
      },
      title: { run: { size: pt(26), bold: true, color: accent }, paragraph: { spacing: { before: twips(96), after: twips(18) } } },
      heading1: heading(1, 16, 18),
      heading2: heading(2, 13, 14),
      heading3: heading(3, 11.5, 10),
      heading4: heading(4, 10.5, 8),
      heading5: heading(5, 10.5, 6),
      heading6: heading(6, 10.5, 6),
      caption: { run: { size: pt(9), italics: true, color: '404040' }, paragraph: { spacing: { before: twips(3), after: twips(9) } } },
      // Contextual spacing: no gap between the items of a list, the usual gap after it.
      listParagraph: { paragraph: { contextualSpacing: true } },
      footnoteText: { run: { size: pt(8.5) }, paragraph: { spacing: { after: 0 } } },
    },
    paragraphStyles: [
      {
        id: 'Quote', name: 'Quote', basedOn: 'Normal', next: 'Normal', quickFormat: true,
        run: { italics: true, color: '404040' },
        paragraph: { indent: { left: twips(24), right: twips(24) }, border: { left: { style: 'single', size: 12, color: 'A6A6A6', space: 8 } } },
      },
      { id: 'Subtitle', name: 'Subtitle', basedOn: 'Normal', next: 'Normal', quickFormat: true, run: { size: pt(13), color: '404040' }, paragraph: { spacing: { after: twips(10) } } },
      // Word's own name for the title of a TOC: outline level 9 (body text) keeps it out of the TOC itself.
      { id: 'TOCHeading', name: 'TOC Heading', basedOn: 'Heading1', next: 'Normal', paragraph: { outlineLevel: 9 } },
      // Single line spacing: a proportional one would stretch the picture's line too.
      { id: 'Figure', name: 'Figure', basedOn: 'Normal', next: 'Caption', paragraph: { alignment: AlignmentType.CENTER, keepNext: true, spacing: { before: twips(6), after: 0, line: 240, lineRule: LineRuleType.AUTO } } },
      // The small paragraph after a table or box: Word has no space after tables, and joins two tables that touch.
      { id: 'AfterTable', name: 'After Table', basedOn: 'Normal', next: 'Normal', run: { size: pt(6) }, paragraph: { spacing: { after: 0, line: 240, lineRule: LineRuleType.AUTO } } },
      { id: 'HorizontalRule', name: 'Horizontal Rule', basedOn: 'Normal', next: 'Normal', paragraph: { border: { bottom: { style: 'single', size: 6, color: 'A6A6A6', space: 1 } }, spacing: { after: twips(12) } } },
      { id: 'Header', name: 'header', basedOn: 'Normal', run: { size: pt(8.5), color: '595959' }, paragraph: { spacing: { after: 0 } } },
      { id: 'Footer', name: 'footer', basedOn: 'Normal', run: { size: pt(8.5), color: '595959' }, paragraph: { spacing: { after: 0 } } },
    ],
    characterStyles: [{ id: 'Code', name: 'Code', run: { font: codeFont, size: pt(9.5) } }],
  };
}

/**
 * Table styles, as a `word/styles.xml` of their own for docx's `externalStyles`: docx has no API for them, and its
 * `importedStyles` would replace all the styles above.
 */
export const tableStylesXml = () => `<w:styles ${namespaces}>${tableStyles.join('').replace(/>\s+</g, '><')}</w:styles>`;

const namespaces = [
  'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"',
  'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"',
  'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"',
  'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"',
  'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"',
  'mc:Ignorable="w14 w15"',
].join(' ');

const tableStyles = [
  tableStyle('ReportTable', 'Report Table', `
    <w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
    <w:rPr><w:sz w:val="${pt(tableFontSize)}"/><w:szCs w:val="${pt(tableFontSize)}"/></w:rPr>
    <w:tblPr>
      <w:tblBorders>
        <w:top w:val="single" w:sz="8" w:space="0" w:color="404040"/>
        <w:bottom w:val="single" w:sz="8" w:space="0" w:color="404040"/>
        <w:insideH w:val="single" w:sz="4" w:space="0" w:color="BFBFBF"/>
      </w:tblBorders>
      <w:tblCellMar><w:top w:w="40" w:type="dxa"/><w:left w:w="100" w:type="dxa"/><w:bottom w:w="40" w:type="dxa"/><w:right w:w="100" w:type="dxa"/></w:tblCellMar>
    </w:tblPr>
    <w:tblStylePr w:type="firstRow">
      <w:rPr><w:b/><w:bCs/></w:rPr>
      <w:tcPr>
        <w:tcBorders><w:bottom w:val="single" w:sz="8" w:space="0" w:color="404040"/></w:tcBorders>
        <w:shd w:val="clear" w:color="auto" w:fill="E8EEF4"/>
      </w:tcPr>
    </w:tblStylePr>`),
  // Side-by-side languages: no frame, a light rule between the columns and none between the rows (LibreOffice draws
  // one again at the top of a row continued on the next page). The cells set their own inner margins (blocks.ts), so
  // the text lines up with the page margins on the outside. Single line spacing in the narrow columns.
  tableStyle('Parallel', 'Parallel Languages', `
    <w:pPr><w:spacing w:line="240" w:lineRule="auto"/></w:pPr>
    <w:tblPr>
      <w:tblBorders>
        <w:insideV w:val="single" w:sz="4" w:space="0" w:color="D9D9D9"/>
      </w:tblBorders>
      <w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="0" w:type="dxa"/><w:bottom w:w="120" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>
    </w:tblPr>`),
  boxStyle('Facts', 'Facts Box', 'F2F2F2', '808080'),
  boxStyle('CalloutNote', 'Callout Note', 'EAF1F8', '5B8DB8'),
  boxStyle('CalloutWarning', 'Callout Warning', 'FDF3E1', 'C98A1B'),
];

function tableStyle(id: string, name: string, body: string): string {
  return `<w:style w:type="table" w:styleId="${id}"><w:name w:val="${name}"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/>${body}</w:style>`;
}

/**
 * A one-cell table style for boxed content: a shaded, bordered frame whose content an editor restyles at once.
 *
 * Its lines are at least as tall as the body's, rather than 1.1 lines: a box is one row, which breaks across pages
 * (a long facts box is taller than what is left of a page), and at-least spacing adds no room below the text that
 * Word would let hang below the page, so where the row breaks does not hang on it. It looks the same.
 */
function boxStyle(id: string, name: string, fill: string, border: string): string {
  const side = (edge: string) => `<w:${edge} w:val="single" w:sz="8" w:space="0" w:color="${border}"/>`;
  return tableStyle(id, name, `
    <w:pPr><w:spacing w:before="0" w:after="${twips(3)}" w:line="${bodyLineHeight}" w:lineRule="atLeast"/></w:pPr>
    <w:tblPr>
      <w:tblBorders>${['top', 'left', 'bottom', 'right'].map(side).join('')}</w:tblBorders>
      <w:tblCellMar><w:top w:w="100" w:type="dxa"/><w:left w:w="140" w:type="dxa"/><w:bottom w:w="60" w:type="dxa"/><w:right w:w="140" w:type="dxa"/></w:tblCellMar>
    </w:tblPr>
    <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="${fill}"/></w:tcPr>`);
}

export const listReferences = { bullet: 'bullet', ordered: 'ordered' } as const;

const bullets = ['•', '◦', '▪'];
const orderedFormats = [LevelFormat.DECIMAL, LevelFormat.LOWER_LETTER, LevelFormat.LOWER_ROMAN];
const levels = Array.from({ length: 9 }, (_, level) => level);
const indent = (level: number) => ({ left: twips(18 * (level + 1)), hanging: twips(14) });

export const numbering: INumberingOptions = {
  config: [
    {
      reference: listReferences.bullet,
      levels: levels.map((level) => ({
        level, format: LevelFormat.BULLET, text: bullets[level % bullets.length]!, alignment: AlignmentType.LEFT,
        style: { paragraph: { indent: indent(level) } },
      })),
    },
    { reference: listReferences.ordered, levels: orderedLevels(1) },
  ],
};

function orderedLevels(start: number): ILevelsOptions[] {
  return levels.map((level) => ({
    level, start, format: orderedFormats[level % orderedFormats.length]!, text: `%${level + 1}.`, alignment: AlignmentType.LEFT,
    style: { paragraph: { indent: indent(level) } },
  }));
}

/**
 * The numbering of an ordered list: counting from 1, or, for a Markdown list that starts at another number (`5.`),
 * a list definition of its own that counts from there (docx adds it to the numbering when the list is written).
 */
export function orderedNumbering(start: number): string | NumberingDefinition {
  return start === 1 ? listReferences.ordered : { reference: `${listReferences.ordered}-from-${start}`, levels: orderedLevels(start) };
}

/** Indent of a list item's later paragraphs, so they line up with the item's text. */
export function listContinuationIndent(level: number) {
  return { left: indent(level).left };
}

/**
 * The font table docx writes is empty; this one tells Word what Roboto is (a swiss, variable-pitch sans), so a
 * reader who turns the embedded faces off (`embedded`: embedded-fonts.ts) gets a sans-serif rather than Times New Roman.
 */
export const fontTableXml = (embedded: string) => `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
  <w:font w:name="${bodyFont}"><w:altName w:val="Arial"/><w:panose1 w:val="02000000000000000000"/><w:charset w:val="00"/><w:family w:val="swiss"/><w:pitch w:val="variable"/>${embedded}</w:font>
  <w:font w:name="${codeFont}"><w:panose1 w:val="02070309020205020404"/><w:charset w:val="00"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>
</w:fonts>
`;
