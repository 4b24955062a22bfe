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
import { a4, margin, type Orientation, textWidthTwips } from './geometry.js';

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

const headerDistance = 709;

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
