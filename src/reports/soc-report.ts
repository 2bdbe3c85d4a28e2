// The SOC-wide report of a period: the figures of store/soc-metrics.ts laid out as sections
// with charts, ready for Markdown, HTML or PDF (render.ts). Layout only; no figure is computed here.
import type { Pool } from 'pg';
import { socMetrics, type Period, type SocMetrics } from '../store/soc-metrics';
import type { FailedRun } from '../temporal/failed-runs';
import { barChartSvg } from './charts';
import { sectionsToHtml, sectionsToMarkdown, type RenderableReport, type Section } from './render';

/** failedRuns: from Temporal (temporal/failed-runs.ts) when the caller can reach it. */
export interface SocReportInput {
  metrics: SocMetrics;
  failedRuns?: FailedRun[];
}

export function formatSeconds(s: number | null): string {
  if (s === null) return '-';
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}
export const formatRate = (r: number | null): string => (r === null ? '-' : `${(r * 100).toFixed(1)}%`);

const day = (iso: string) => iso.slice(0, 10);
export const socReportTitle = (period: { from: string; to: string }) => `SOC report ${day(period.from)} to ${day(period.to)}`;

async function sections({ metrics: m, failedRuns }: SocReportInput): Promise<Section[]> {
  const out: Section[] = [];
  const chart = async (heading: string, unit: string, data: { label: string; value: number; series?: string }[]) => {
    if (data.length)
      out.push({
        heading,
        kind: 'chart',
        svg: await barChartSvg({ unit, data, counts: unit === 'alerts' }) /* the section's heading titles it */,
      });
  };
  out.push({
    heading: 'Summary',
    kind: 'list',
    items: [
      `${m.volume.total} alerts received (${m.volume.suppressed} suppressed at ingest), ${m.incidents} incidents, ${m.storms.length} storms`,
      `Auto-close rate: ${formatRate(m.autoClose.rate)} (${m.autoClose.closed} of ${m.autoClose.triaged} triaged alerts closed with no analyst)`,
      `SLA breaches: ${m.slaBreaches.reduce((n, b) => n + b.breaches, 0)}; containment actions: ${m.containment.reduce((n, c) => n + c.actions, 0)}`,
    ],
  });
  await chart(
    'Alerts by severity',
    'alerts',
    m.volume.bySeverity.map((c) => ({ label: c.key, value: c.count })),
  );
  out.push({
    heading: 'Alerts by source',
    kind: 'table',
    header: ['Source', 'Alerts'],
    rows: m.volume.bySource.map((c) => [c.key, String(c.count)]),
  });
  await chart(
    'Alerts by ingest format',
    'alerts',
    m.volume.byFormat.map((c) => ({ label: c.key, value: c.count })),
  );
  out.push({
    heading: 'Alerts by source and ingest format',
    kind: 'table',
    header: ['Source', 'Format', 'Alerts'],
    rows: m.volume.bySourceAndFormat.map((c) => [c.source, c.format, String(c.count)]),
  });
  out.push({
    heading: 'Dispositions',
    kind: 'table',
    header: ['Disposition', 'Alerts'],
    rows: m.dispositions.map((c) => [c.key, String(c.count)]),
  });

  out.push({
    heading: 'Time to acknowledge and to resolve, per severity',
    kind: 'table',
    header: ['Severity', 'Cases', 'Acknowledged', 'MTTA median', 'MTTA p90', 'Resolved', 'MTTR median', 'MTTR p90'],
    rows: m.times.map((t) => [
      t.severity,
      String(t.cases),
      String(t.acknowledged),
      formatSeconds(t.mttaMedianS),
      formatSeconds(t.mttaP90S),
      String(t.resolved),
      formatSeconds(t.mttrMedianS),
      formatSeconds(t.mttrP90S),
    ]),
  });
  await chart(
    'Median minutes to acknowledge and to resolve',
    'minutes',
    m.times.flatMap((t) => [
      ...(t.mttaMedianS === null ? [] : [{ label: t.severity, value: t.mttaMedianS / 60, series: 'MTTA' }]),
      ...(t.mttrMedianS === null ? [] : [{ label: t.severity, value: t.mttrMedianS / 60, series: 'MTTR' }]),
    ]),
  );
  out.push({
    heading: 'SLA breaches per tier',
    kind: 'table',
    header: ['Tier', 'Breaches', 'Alerts'],
    rows: m.slaBreaches.map((b) => [b.tier, String(b.breaches), String(b.alerts)]),
  });

  out.push({
    heading: "Analysts' workload and decisions",
    kind: 'table',
    header: ['Analyst', 'Alerts', 'Decisions', 'Approve', 'Close', 'Escalate', 'Assign', 'Comment', 'False positives'],
    rows: m.analysts.map((a) => [
      a.actor,
      ...[a.alerts, a.decisions, a.approve, a.close, a.escalate, a.assign, a.comment, a.falsePositives].map(String),
    ]),
  });

  await chart(
    'Noisiest rules',
    'alerts',
    m.noisyRules.map((r) => ({ label: r.ruleName ?? r.ruleId, value: r.alerts })),
  );
  out.push({
    heading: 'Noisiest rules',
    kind: 'table',
    header: ['Rule', 'Id', 'Alerts', 'Decided by analysts', 'False positives', 'FP rate'],
    rows: m.noisyRules.map((r) => [
      r.ruleName ?? '-',
      r.ruleId,
      String(r.alerts),
      String(r.analystDecided),
      String(r.falsePositives),
      formatRate(r.falsePositiveRate),
    ]),
  });
  out.push({
    heading: 'Tuning suggestions that would cut them',
    kind: 'table',
    header: ['Rule', 'Suggestion', 'Match', 'Would suppress', 'Expected reduction'],
    rows: m.noisyRules.flatMap((r) =>
      r.suggestions.map((s) => [
        r.ruleName ?? r.ruleId,
        `#${s.id}`,
        Object.entries(s.match)
          .map(([k, v]) => `${k}=${v}`)
          .join(', '),
        String(s.wouldSuppress),
        formatRate(s.expectedReduction),
      ]),
    ),
  });

  out.push({
    heading: 'Containment actions and undos',
    kind: 'table',
    header: ['Action', 'Executed or tried', 'Automatic', 'Failed', 'Undone'],
    rows: m.containment.map((c) => [c.kind, String(c.actions), String(c.automatic), String(c.failed), String(c.undone)]),
  });
  out.push({
    heading: 'Alert storms',
    kind: 'table',
    header: ['Incident', 'Alerts', 'First', 'Last'],
    rows: m.storms.map((s) => [s.incidentId, String(s.alerts), s.first, s.last]),
  });

  out.push({
    heading: 'Pipeline health',
    kind: 'list',
    items: [
      `${m.health.untriaged} alerts not triaged yet`,
      ...m.health.analyzerErrors.map((c) => `analyzer ${c.key} failed on ${c.count} alerts`),
      ...m.health.notificationFailures.map((c) => `notifications ${c.key}: ${c.count}`),
      ...(failedRuns === undefined
        ? ['Temporal was not asked about failed or retrying runs']
        : failedRuns.length === 0
          ? ['no workflow failed or is retrying an activity']
          : failedRuns.map(
              (r) =>
                `${r.workflowType} ${r.workflowId} ${r.status}${r.activity ? ` (${r.activity}, attempt ${r.attempt})` : ''}: ${r.error}`,
            )),
    ],
  });
  return out;
}

/** The SOC report of figures already computed; the charts are drawn now, once. */
export async function socReportDocument(input: SocReportInput): Promise<RenderableReport> {
  const all = await sections(input);
  const title = socReportTitle(input.metrics.period);
  const sub = `alerts received from ${input.metrics.period.from} to ${input.metrics.period.to} (end excluded), and what became of them`;
  return { markdown: () => sectionsToMarkdown(title, sub, all), html: () => sectionsToHtml(title, sub, all) };
}

/** The SOC report of a period, from the store. */
export async function socReport(db: Pool, period: Period, failedRuns?: FailedRun[]): Promise<RenderableReport> {
  return socReportDocument({ metrics: await socMetrics(db, period), ...(failedRuns ? { failedRuns } : {}) });
}
