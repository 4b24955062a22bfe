/**
 * docx leaves three things that change from run to run; this rewrites them in the packed parts (a `transform` for
 * `normaliseZip`, which calls it part by part in a fixed order):
 * - `docProps/core.xml` created/modified: the time of packing → the build date;
 * - external hyperlinks: relationship ids `rId` + 21 random characters → `rIdLink1`, `rIdLink2`… by first appearance,
 *   the same in each `.rels` file and the part that uses it;
 * - bookmark ids and the `_Toc…` names of heading bookmarks: taken from a counter shared by every document the process
 *   writes → numbered from 1 in document order.
 */
export function deterministicParts(date: Date): (path: string, text: string) => string {
  const linkIds = new Map<string, string>();
  const renameLink = (id: string) => {
    if (!linkIds.has(id)) linkIds.set(id, `rIdLink${linkIds.size + 1}`);
    return linkIds.get(id)!;
  };
  const when = date.toISOString().replace(/\.\d{3}Z$/, 'Z');

  return (path, text) => {
    let result = text.replace(/rId[0-9a-z_-]{21}(?=")/g, renameLink);
    if (path === 'docProps/core.xml') {
      result = result.replace(/(<dcterms:(?:created|modified)\b[^>]*>)[^<]*/g, `$1${when}`);
    }
    if (path === 'word/document.xml') result = renumberBookmarks(result);
    return result;
  };
}

function renumberBookmarks(xml: string): string {
  const ids = new Map<string, number>();
  const tocNames = new Map<string, string>();
  for (const [, attributes] of xml.matchAll(/<w:bookmarkStart\b([^>]*)>/g)) {
    const id = /w:id="(\d+)"/.exec(attributes!)![1]!;
    ids.set(id, ids.size + 1);
    const toc = /w:name="(_Toc\d+)"/.exec(attributes!)?.[1];
    if (toc) tocNames.set(toc, `_Toc${ids.size}`);
  }
  return xml
    .replace(/(<w:bookmark(?:Start|End)\b[^>]*w:id=")(\d+)"/g, (_, start: string, id: string) => `${start}${ids.get(id) ?? id}"`)
    .replace(/_Toc\d+/g, (name) => tocNames.get(name) ?? name);
}
