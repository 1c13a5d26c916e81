// One self-contained HTML report: text, tables, verdicts and charts (SVG inlined, see charts.ts), with its style in
// the page. No script, no external resource: it opens offline, in any browser, from a file or an e-mail.
import { type Chart, drawable, renderChart } from './charts.js';
import { type TableData, alignments } from './table.js';
import type { Verdict } from './verdicts.js';

export interface ReportSection {
  title: string;
  /** Plain-text paragraphs (escaped). */
  paragraphs?: string[];
  verdicts?: Verdict[];
  tables?: TableData[];
  charts?: Chart[];
  /** The section's last line: what its numbers show, or that they did not show it. */
  conclusion?: { shown: boolean; text: string };
}

export interface ReportDocument {
  title: string;
  /** Plain-text paragraphs under the title. */
  intro?: string[];
  sections: ReportSection[];
  /** A line at the bottom (versions, backend, date). */
  footer?: string;
}

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const STYLE = `
body { font: 15px/1.5 Helvetica, Arial, sans-serif; color: #222; max-width: 980px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 2.2em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 13px; font-variant-numeric: tabular-nums; }
th, td { padding: 0.2em 0.7em; border-bottom: 1px solid #eee; }
th { border-bottom: 2px solid #ccc; text-align: left; }
td.right, th.right { text-align: right; }
caption { caption-side: top; text-align: left; color: #555; padding-bottom: 0.3em; }
figure.chart { margin: 1.2em 0; }
figure.chart svg { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: 13px; }
ul.verdicts { padding-left: 1.2em; }
ul.verdicts li.error { color: #b00020; }
ul.verdicts li.warning { color: #8a5a00; }
ul.verdicts li.ok { color: #1b5e20; }
p.conclusion { font-weight: bold; padding: 0.4em 0.7em; border-left: 4px solid #1b5e20; background: #f3f8f3; }
p.conclusion.not-shown { border-left-color: #b00020; background: #fbf1f2; }
footer { margin-top: 3em; color: #777; font-size: 12px; }
`;

function tableHtml(t: TableData): string {
  const align = alignments(t);
  const cls = (c: number) => (align[c] === 'right' ? ' class="right"' : '');
  const head = t.columns.map((c, i) => `<th${cls(i)}>${escape(c)}</th>`).join('');
  const rows = t.rows
    .map((r) => `<tr>${r.map((v, i) => `<td${cls(i)}>${escape(String(v))}</td>`).join('')}</tr>`)
    .join('\n');
  const caption = t.caption ? `<caption>${escape(t.caption)}</caption>` : '';
  return `<table>${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${rows}\n</tbody></table>`;
}

async function chartHtml(chart: Chart, index: number): Promise<string> {
  const svg = await renderChart(chart);
  const { omitted } = drawable(chart);
  const notes = [
    chart.caption,
    omitted > 0 ? `${omitted} point${omitted > 1 ? 's' : ''} not shown (0 or not finite on a log scale).` : '',
  ].filter(Boolean);
  const caption = notes.length ? `<figcaption>${escape(notes.join(' '))}</figcaption>` : '';
  return `<figure class="chart" id="chart-${index}" aria-label="${escape(chart.title)}">\n${svg}\n${caption}</figure>`;
}

/** The report as one HTML document. Charts are rendered here, so this takes ~0.1 s per chart. */
export async function renderReport(doc: ReportDocument): Promise<string> {
  let chartIndex = 0;
  const sections: string[] = [];
  for (const s of doc.sections) {
    const parts = [`<section>\n<h2>${escape(s.title)}</h2>`];
    for (const p of s.paragraphs ?? []) parts.push(`<p>${escape(p)}</p>`);
    if (s.verdicts?.length) {
      const items = s.verdicts.map((v) => `<li class="${v.severity}">${escape(v.message)}</li>`).join('\n');
      parts.push(`<ul class="verdicts">\n${items}\n</ul>`);
    }
    for (const t of s.tables ?? []) parts.push(tableHtml(t));
    for (const c of s.charts ?? []) parts.push(await chartHtml(c, chartIndex++));
    if (s.conclusion) {
      const cls = s.conclusion.shown ? 'conclusion' : 'conclusion not-shown';
      parts.push(`<p class="${cls}">${escape(s.conclusion.text)}</p>`);
    }
    parts.push('</section>');
    sections.push(parts.join('\n'));
  }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(doc.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escape(doc.title)}</h1>
${(doc.intro ?? []).map((p) => `<p>${escape(p)}</p>`).join('\n')}
${sections.join('\n')}
${doc.footer ? `<footer>${escape(doc.footer)}</footer>` : ''}
</body>
</html>
`;
}
