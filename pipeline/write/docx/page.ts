import {
  type FileChild,
  Footer,
  Header,
  type ISectionOptions,
  PageNumber,
  PageOrientation,
  Paragraph,
  Tab,
  TabStopType,
  TextRun,
} from 'docx';
export type Orientation = 'portrait' | 'landscape';

/** A running text and the Word language it is in. */
export interface LangText {
  text: string;
  lang: string;
}

/** What a section's header and footer print: `pageOf` has `{page}` and `{pages}` placeholders. */
export interface RunningTexts {
  header: LangText;
  pageOf: LangText;
  footerNote: LangText;
}

// A4 with 2.5 cm margins, in twips (1/20 pt).
const a4 = { width: 11906, height: 16838 };
const margin = 1418;
const headerDistance = 709;

/** Width of the text column in points. */
export function textWidth(orientation: Orientation): number {
  return textWidthTwips(orientation) / 20;
}

function textWidthTwips(orientation: Orientation): number {
  return (orientation === 'portrait' ? a4.width : a4.height) - 2 * margin;
}

/** One section: its pages, running header and footer. Each section gets its own, so every page has them. */
export function section(children: FileChild[], orientation: Orientation, texts: RunningTexts): ISectionOptions {
  const run = ({ text, lang }: LangText) => new TextRun({ text, language: { value: lang } });
  const tab = new TextRun({ children: [new Tab()], language: { value: texts.footerNote.lang } });
  const footer = new Paragraph({
    style: 'Footer',
    tabStops: [{ type: TabStopType.RIGHT, position: textWidthTwips(orientation) }],
    run: { language: { value: texts.footerNote.lang } },
    children: [...pageOf(texts.pageOf), tab, run(texts.footerNote)],
  });
  const header = new Paragraph({ style: 'Header', run: { language: { value: texts.header.lang } }, children: [run(texts.header)] });
  return {
    properties: {
      page: {
        // docx swaps width and height itself for landscape.
        size: { ...a4, orientation: orientation === 'portrait' ? PageOrientation.PORTRAIT : PageOrientation.LANDSCAPE },
        margin: { top: margin, right: margin, bottom: margin, left: margin, header: headerDistance, footer: headerDistance },
      },
    },
    headers: { default: new Header({ children: [header] }) },
    footers: { default: new Footer({ children: [footer] }) },
    children,
  };
}

/** "Page {page} of {pages}" with the placeholders as PAGE and NUMPAGES fields, so Word keeps them right. */
function pageOf({ text, lang }: LangText): TextRun[] {
  return text
    .split(/(\{page\}|\{pages\})/)
    .filter((part) => part !== '')
    .map((part) => {
      const field = part === '{page}' ? PageNumber.CURRENT : part === '{pages}' ? PageNumber.TOTAL_PAGES : undefined;
      return new TextRun({ language: { value: lang }, ...(field ? { children: [field] } : { text: part }) });
    });
}
