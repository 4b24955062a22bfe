/** Embedded so the page is one self-contained file; readable on screen, A4 when printed. */
export const stylesheet = `
@page { size: A4; margin: 20mm 18mm; }
@page landscape { size: A4 landscape; }
:root { color: #1a1a1a; background: #fff; }
body { font: 1rem/1.55 Georgia, "Times New Roman", serif; max-width: 42rem; margin: 0 auto; padding: 1.5rem 1rem; }
header, footer { font: 0.85rem/1.4 system-ui, sans-serif; color: #555; }
header { border-bottom: 1px solid #ccc; margin-bottom: 1.5rem; }
footer { border-top: 1px solid #ccc; margin-top: 2rem; }
h1, h2, h3, h4 { font-family: system-ui, sans-serif; line-height: 1.25; break-after: avoid; }
a { color: #0645ad; }
code { font-size: 0.9em; background: #f3f3f3; padding: 0 0.2em; }
blockquote { margin: 1rem 0; padding-left: 1rem; border-left: 3px solid #ccc; color: #444; }
nav.toc ol { padding-left: 1.25rem; }
figure { margin: 1.5rem 0; break-inside: avoid; }
figure img { display: block; max-width: 100%; height: auto; margin: 0 auto; }
figcaption { font: 0.9rem/1.4 system-ui, sans-serif; margin: 0.5rem 0; }
figure.table { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
th, td { border-top: 1px solid #999; border-bottom: 1px solid #999; padding: 0.3rem 0.5rem; vertical-align: top; }
thead th { border-bottom-width: 2px; }
th:not([align]) { text-align: left; }
aside { margin: 1rem 0; padding: 0.5rem 1rem; border: 1px solid #999; break-inside: avoid; }
aside.callout.note { border-left: 4px solid #2a6ebb; background: #eef4fb; }
aside.callout.warning { border-left: 4px solid #b8860b; background: #fdf6e3; }
aside.facts { background: #f6f6f6; }
aside > :first-child { margin-top: 0.5rem; }
section.landscape { page: landscape; }
header.titlepage { margin: 4rem 0 3rem; break-after: page; }
header.titlepage > p:first-child { font-size: 2rem; font-weight: 600; line-height: 1.2; }
header.titlepage > p:nth-child(2) { font-size: 1.2rem; }
.page-break { break-after: page; }
section.footnotes { font-size: 0.9rem; border-top: 1px solid #ccc; margin-top: 2rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  a { color: inherit; }
  a[href^="http"]::after { content: " (" attr(href) ")"; font-size: 0.85em; word-break: break-all; }
  aside.callout.note, aside.callout.warning, aside.facts { background: none; }
}
`;
