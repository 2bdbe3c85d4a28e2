// Lays a report out as Markdown or as one self-contained HTML page. Both render the same
// sections, built here from the model as plain text; each renderer escapes every string it is
// given (escape.ts), so nothing from an alert, a finding or an analyst becomes markup.
import { escapeHtml, escapeMarkdown } from './escape';
import type { ReportModel } from './report-model';

import { htmlToPdf } from './pdf';

export const REPORT_FORMATS = ['md', 'html', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** What a report is made of; renderers escape every string in it. A chart's SVG is ours (charts.ts escapes its labels). */
export type Section =
  | { heading: string; kind: 'list'; items: string[] }
  | { heading: string; kind: 'chart'; svg: string }
  | { heading: string; kind: 'table'; header: string[]; rows: string[][] }
  | { heading: string; kind: 'text'; text: string };

const orNone = (items: string[]) => (items.length ? items : ['none']);

function sections(m: ReportModel): Section[] {
  const out: Section[] = [];
  out.push({
    heading: m.kind === 'incident' ? `Alerts (${m.alerts.length})` : 'Alert',
    kind: 'table',
    header: ['Alert', 'Source', 'Severity', 'Score', 'Verdict', 'Disposition', 'Status', 'Title'],
    rows: m.alerts.map((a) => [
      a.workflow_id,
      a.source,
      a.severity,
      a.score === null ? '-' : String(a.score),
      a.verdict ?? '-',
      a.disposition ?? '-',
      a.status,
      a.title,
    ]),
  });
  out.push({
    heading: 'Timeline',
    kind: 'table',
    header: ['When', 'Alert', 'What', 'By', 'Detail'],
    rows: m.timeline.map((e) => [e.at, e.workflowId, e.what, e.actor ?? '', e.detail ?? '']),
  });
  out.push({ heading: 'Affected hosts', kind: 'list', items: orNone(m.hosts) });
  out.push({ heading: 'Affected users', kind: 'list', items: orNone(m.users) });
  out.push({
    heading: 'ATT&CK techniques by tactic',
    kind: 'list',
    items: orNone(m.tactics.map((t) => `${t.tactic}: ${t.techniques.join(', ')}`)),
  });
  out.push({
    heading: 'Findings that mattered',
    kind: 'list',
    items: orNone(
      m.findings.map(
        (f) =>
          `${f.analyzer} (${f.verdict}, ${f.score}) on ${f.workflowId}: ${f.summary}${f.evidence.length ? ` [${f.evidence.join('; ')}]` : ''}`,
      ),
    ),
  });
  if (m.failedAnalyzers.length)
    out.push({
      heading: 'Analyzers that failed (lower confidence)',
      kind: 'list',
      items: m.failedAnalyzers.map((f) => `${f.analyzer} on ${f.workflowId}: ${f.error}`),
    });
  out.push({
    heading: 'Analyst decisions',
    kind: 'list',
    items: orNone(m.decisions.map((d) => `${d.at} ${d.actor}: ${d.what}${d.detail ? ` (${d.detail})` : ''}`)),
  });
  out.push({
    heading: 'Response actions',
    kind: 'list',
    items: orNone(m.actions.map((a) => `${a.kind} ${a.target}: ${a.status} via ${a.connector}, approved by ${a.approved_by}`)),
  });
  if (m.assessment) {
    const a = m.assessment.assessment;
    out.push({ heading: `Assessment (${m.assessment.author}, advisory)`, kind: 'text', text: a.summary });
    if (a.narrative.length) out.push({ heading: 'Narrative', kind: 'list', items: a.narrative });
    if (a.openQuestions.length) out.push({ heading: 'Open questions', kind: 'list', items: a.openQuestions });
  }
  out.push({ heading: 'Recommendations', kind: 'list', items: orNone(m.recommendations) });
  const { hashes, domains, ips, urls, emails } = m.iocs;
  out.push({
    heading: 'Appendix: indicators of compromise',
    kind: 'table',
    header: ['Type', 'Value'],
    rows: [
      ...hashes.map((v) => ['hash', v]),
      ...domains.map((v) => ['domain', v]),
      ...ips.map((v) => ['ip', v]),
      ...urls.map((v) => ['url', v]),
      ...emails.map((v) => ['email', v]),
    ],
  });
  return out;
}

const subtitle = (m: ReportModel) => `${m.kind} report for ${m.id}${m.storm ? ' (alert storm)' : ''}`;

export const renderMarkdown = (m: ReportModel): string => sectionsToMarkdown(m.title, subtitle(m), sections(m));

/** Lays sections out as Markdown; charts are left to the HTML and PDF (Markdown readers differ on images). */
export function sectionsToMarkdown(title: string, sub: string, all: Section[]): string {
  const md = (s: string) => escapeMarkdown(s);
  const lines = [`# ${md(title)}`, '', md(sub)];
  for (const s of all) {
    if (s.kind === 'chart') continue;
    lines.push('', `## ${md(s.heading)}`, '');
    if (s.kind === 'text') lines.push(escapeMarkdown(s.text, 4000));
    if (s.kind === 'list') lines.push(...s.items.map((i) => `- ${md(i)}`));
    if (s.kind === 'table') {
      if (s.rows.length === 0) lines.push('none');
      else
        lines.push(
          `| ${s.header.map(md).join(' | ')} |`,
          `|${s.header.map(() => ' --- ').join('|')}|`,
          ...s.rows.map((r) => `| ${r.map(md).join(' | ')} |`),
        );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** No script, no external resource: the CSP allows only the page's own inline style. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
h1{font-size:1.5rem}h2{font-size:1.1rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem;margin-top:1.6rem}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #d0d7de;padding:.25rem .45rem;text-align:left;vertical-align:top;word-break:break-word}
th{background:#f6f8fa}.sub{color:#57606a}img.chart{max-width:100%;page-break-inside:avoid}
@media print{body{font-size:10.5px;max-width:none;margin:0;padding:0}h2{page-break-after:avoid}tr{page-break-inside:avoid}}`;

export const renderHtml = (m: ReportModel): string => sectionsToHtml(m.title, subtitle(m), sections(m));

/** Lays sections out as one self-contained page; a chart is an <img> of its SVG as a data: URL, where no script of an SVG could run. */
export function sectionsToHtml(title: string, sub: string, all: Section[]): string {
  const h = (s: string) => escapeHtml(s);
  const body: string[] = [`<h1>${h(title)}</h1>`, `<p class="sub">${h(sub)}</p>`];
  for (const s of all) {
    body.push(`<h2>${h(s.heading)}</h2>`);
    if (s.kind === 'text') body.push(`<p>${escapeHtml(s.text, 8000)}</p>`);
    if (s.kind === 'list') body.push(`<ul>${s.items.map((i) => `<li>${h(i)}</li>`).join('')}</ul>`);
    if (s.kind === 'chart')
      body.push(`<img class="chart" alt="${h(s.heading)}" src="data:image/svg+xml;base64,${Buffer.from(s.svg).toString('base64')}">`);
    if (s.kind === 'table') {
      body.push(
        s.rows.length === 0
          ? '<p>none</p>'
          : `<table><thead><tr>${s.header.map((c) => `<th>${h(c)}</th>`).join('')}</tr></thead><tbody>${s.rows.map((r) => `<tr>${r.map((c) => `<td>${h(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`,
      );
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="referrer" content="no-referrer">
<title>${h(title)}</title>
<style>${STYLE}</style></head>
<body>
${body.join('\n')}
</body></html>
`;
}

export const REPORT_MEDIA_TYPES: Record<ReportFormat, string> = {
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
};

/** A document any report can become: Markdown, HTML, or the HTML printed to PDF. */
export interface RenderableReport {
  markdown(): string;
  html(): string;
}

/** The one way a report becomes bytes in a format: text for md/html, a PDF printed from the HTML. */
export async function renderDocument(doc: RenderableReport, format: ReportFormat): Promise<string | Buffer> {
  if (format === 'md') return doc.markdown();
  if (format === 'html') return doc.html();
  return htmlToPdf(doc.html());
}

export const renderReport = (m: ReportModel, format: ReportFormat): Promise<string | Buffer> =>
  renderDocument({ markdown: () => renderMarkdown(m), html: () => renderHtml(m) }, format);
