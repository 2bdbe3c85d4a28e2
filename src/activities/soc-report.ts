// The SOC report of a period, rendered and kept in the evidence store by sha256 (the same
// bytes are stored once; a retry that renders again stores its own copy and returns it), with
// its HTML beside it for an e-mail's body. Pipeline health lists Temporal's failed and retrying
// runs when the worker can ask (deps.listFailedRuns: temporal/failed-runs.ts, as `autosoc runs --failed`).
import { ApplicationFailure } from '@temporalio/activity';
import { BadPeriodError, parsePeriod } from '../domain/report-period';
import { renderDocument, REPORT_FORMATS, REPORT_MEDIA_TYPES, type ReportFormat } from '../reports/render';
import { socReport, socReportTitle } from '../reports/soc-report';
import { storeEvidence } from '../store/evidence';
import type { ActivityDeps } from './deps';

export interface ProduceSocReportInput {
  from: string;
  to: string;
  format: ReportFormat;
}

export interface ProducedSocReport {
  title: string;
  sha256: string;
  sizeBytes: number;
  htmlSha256: string;
}

export async function produceSocReport(deps: ActivityDeps, input: ProduceSocReportInput): Promise<ProducedSocReport> {
  if (!REPORT_FORMATS.includes(input.format))
    throw ApplicationFailure.nonRetryable(`unknown report format ${String(input.format)}`, 'BadInput');
  let period;
  try {
    period = parsePeriod(input.from, input.to, new Date());
  } catch (err) {
    if (err instanceof BadPeriodError) throw ApplicationFailure.nonRetryable(err.message, 'BadInput');
    throw err;
  }
  const doc = await socReport(deps.db, period, deps.listFailedRuns ? await deps.listFailedRuns() : undefined);
  const body = await renderDocument(doc, input.format);
  const content = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const ref = await storeEvidence(deps.db, {
    kind: 'soc-report',
    mediaType: REPORT_MEDIA_TYPES[input.format],
    name: `soc-report.${input.format}`,
    content,
  });
  const html =
    input.format === 'html'
      ? ref
      : await storeEvidence(deps.db, {
          kind: 'soc-report',
          mediaType: REPORT_MEDIA_TYPES.html,
          name: 'soc-report.html',
          content: Buffer.from(doc.html(), 'utf8'),
        });
  return {
    title: socReportTitle({ from: period.from.toISOString(), to: period.to.toISOString() }),
    sha256: ref.sha256,
    sizeBytes: content.byteLength,
    htmlSha256: html.sha256,
  };
}
