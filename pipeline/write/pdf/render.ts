import pdfmake from 'pdfmake';
import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { robotoFiles } from '../fonts.js';
import { shareFontParsing } from './font-cache.js';
import { tableLayouts } from './layout.js';

let instance: typeof pdfmake | undefined;

/** The process-wide pdfmake instance, configured on first use. */
function configuredPdfmake(): typeof pdfmake {
  if (!instance) {
    pdfmake.addFonts({ Roboto: { ...robotoFiles } });
    // Each font file is parsed once per process; every document still gets its own glyph state (font-cache.ts).
    shareFontParsing(Object.values(robotoFiles));
    pdfmake.addTableLayouts(tableLayouts);
    // Documents may not fetch anything nor read files: only our own font files may be opened.
    const fontFiles = new Set<string>(Object.values(robotoFiles));
    pdfmake.setUrlAccessPolicy(() => false);
    pdfmake.setLocalAccessPolicy((path) => fontFiles.has(path));
    instance = pdfmake;
  }
  return instance;
}

/** pdfmake document definition → PDF bytes. */
export async function renderPdf(definition: TDocumentDefinitions): Promise<Uint8Array> {
  const bookmarkIds = outlineIds(definition.content); // before pdfmake annotates the definition in place
  const output = configuredPdfmake().createPdf(definition);
  retargetBookmarks(await output.getStream(), bookmarkIds);
  return new Uint8Array(await output.getBuffer());
}

interface Bookmark {
  children: Bookmark[];
  outlineData: { Dest?: unknown };
}

/**
 * pdfmake's bookmarks point at their page with pdfkit's default view, whose `left` is the page width (so a zoomed
 * viewer lands at the right edge). Point each one at its heading's named destination instead. Bookmarks are made
 * in document order, so a pre-order walk of the outline meets them in the order of the `outline` nodes; if the
 * counts ever differ, pdfmake's page targets are kept.
 */
function retargetBookmarks(doc: PDFKit.PDFDocument, ids: string[]): void {
  const bookmarks: Bookmark[] = [];
  const walk = (item: Bookmark) => item.children.forEach((child) => (bookmarks.push(child), walk(child)));
  walk(doc.outline as unknown as Bookmark);
  if (bookmarks.length !== ids.length) return;
  // pdfkit writes a String object as a PDF string: the name of a destination.
  bookmarks.forEach((bookmark, i) => (bookmark.outlineData.Dest = new String(ids[i])));
}

/** Ids of the nodes marked `outline: true`, in document order. */
function outlineIds(content: Content): string[] {
  if (Array.isArray(content)) return content.flatMap(outlineIds);
  if (typeof content !== 'object' || content === null) return [];
  const own = 'outline' in content && content.outline && 'id' in content && typeof content.id === 'string' ? [content.id] : [];
  const nested = Object.values(content).filter((value) => typeof value === 'object' && value !== null);
  return own.concat(nested.flatMap((value) => outlineIds(value as Content)));
}
