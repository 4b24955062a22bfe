/** The parts whose runs hold text a reader sees: the body, the notes, the headers and footers. */
export const languageParts = /^word\/(?:document|footnotes|endnotes|header\d+|footer\d+)\.xml$/;

const paragraphPattern = /<w:p(?=[\s>])[\s\S]*?<\/w:p>/g;
const runPattern = /<w:r(?=[\s>])[^>]*>[\s\S]*?<\/w:r>/g;
const tocPattern = /<w:sdt(?=[\s>])[\s\S]*?<\/w:sdt>/g;
const entryPattern = /<w:hyperlink\b[^>]*\bw:anchor="([^"]+)"[^>]*>[\s\S]*?<\/w:hyperlink>/g;

/**
 * Gives every run (`w:r`) of a part a language (`w:lang`), so Word checks the spelling of each language with its own
 * dictionary. Our own runs have theirs already; this is for the runs docx writes itself:
 * - in a table of contents (the n-th `::toc` of the body, whose language is `tocLanguages[n]`): an entry's text takes
 *   the language of the heading it links to (a contents that lists both languages keeps each heading's); its tab, page
 *   number and the field's own runs take the language of the contents;
 * - elsewhere (a caption's SEQ number, a footnote mark, a picture): the language of the run before it in its paragraph,
 *   else of the paragraph mark, else of the run after it, else `fallback` (the document's), as for the separator lines
 *   of the footnotes.
 */
export function languageEveryRun(xml: string, fallback: string, tocLanguages: readonly string[]): string {
  const headings = headingLanguages(xml);
  let tocs = 0;
  const withTocs = xml.replace(tocPattern, (sdt) => {
    if (!/<w:instrText[^>]*>\s*TOC\b/.test(sdt)) return sdt;
    const tocLang = tocLanguages[tocs++] ?? fallback;
    return sdt
      .replace(entryPattern, (link, anchor: string) =>
        link.replace(runPattern, (run) => (/<w:t[\s>]/.test(run) && !run.includes('<w:fldChar') ? withLanguage(run, headings.get(anchor) ?? tocLang) : run)))
      .replace(runPattern, (run) => withLanguage(run, tocLang));
  });
  return withTocs.replace(paragraphPattern, (paragraph) => {
    const runs = paragraph.match(runPattern) ?? [];
    const languages = runs.map(languageOf);
    if (languages.every((lang) => lang !== undefined)) return paragraph;
    let previous = markLanguage(paragraph) ?? languages.find((lang) => lang !== undefined) ?? fallback;
    let index = 0;
    return paragraph.replace(runPattern, (run) => {
      const lang = languages[index++];
      if (lang !== undefined) {
        previous = lang;
        return run;
      }
      return withLanguage(run, previous);
    });
  });
}

/** The language of each heading that a `_Toc` bookmark starts in: the language of its first run. */
function headingLanguages(xml: string): Map<string, string> {
  const languages = new Map<string, string>();
  for (const paragraph of xml.match(paragraphPattern) ?? []) {
    const names = [...paragraph.matchAll(/<w:bookmarkStart\b[^>]*\bw:name="(_Toc[^"]*)"/g)].map((m) => m[1]!);
    if (names.length === 0) continue;
    const lang = (paragraph.match(runPattern) ?? []).map(languageOf).find((l) => l !== undefined) ?? markLanguage(paragraph);
    if (lang) for (const name of names) languages.set(name, lang);
  }
  return languages;
}

function languageOf(run: string): string | undefined {
  return /<w:lang\b[^>]*\bw:val="([^"]+)"/.exec(run)?.[1];
}

/** The language of a paragraph's mark (`w:pPr/w:rPr/w:lang`). */
function markLanguage(paragraph: string): string | undefined {
  const properties = /^<w:p\b[^>]*>\s*<w:pPr>([\s\S]*?)<\/w:pPr>/.exec(paragraph)?.[1];
  return properties === undefined ? undefined : languageOf(properties);
}

/** The run with `w:lang` last in its properties (where the schema has it, before the East Asian layout we never write). */
function withLanguage(run: string, lang: string): string {
  if (languageOf(run) !== undefined) return run;
  const tag = `<w:lang w:val="${lang}"/>`;
  if (/<w:rPr\/>/.test(run)) return run.replace('<w:rPr/>', `<w:rPr>${tag}</w:rPr>`);
  if (run.includes('<w:rPr>')) return run.replace('</w:rPr>', `${tag}</w:rPr>`);
  return run.replace(/^<w:r\b[^>]*>/, (open) => `${open}<w:rPr>${tag}</w:rPr>`);
}
