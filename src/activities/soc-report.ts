// The SOC report of a period, rendered and kept in the evidence store by sha256 (the same
// bytes are stored once; a retry that renders again stores its own copy and returns it).
import { ApplicationFailure } from '@temporalio/activity';
import { BadPeriodError, parsePeriod } from '../domain/report-period';
import { renderDocument, REPORT_FORMATS, REPORT_MEDIA_TYPES, type ReportFormat } from '../reports/render';
import { socReport, socReportTitle } from '../reports/soc-report';
import { storeEvidence } from '../store/evidence';
import type { ActivityDeps } from './deps';

export interface ProduceSocReportInput { from: string; to: string; format: ReportFormat }

export async function produceSocReport(deps: ActivityDeps, input: ProduceSocReportInput): Promise<{ title: string; sha256: string; sizeBytes: number }> {
  if (!REPORT_FORMATS.includes(input.format)) throw ApplicationFailure.nonRetryable(`unknown report format ${String(input.format)}`, 'BadInput');
  let period;
  try {
    period = parsePeriod(input.from, input.to, new Date());
  } catch (err) {
    if (err instanceof BadPeriodError) throw ApplicationFailure.nonRetryable(err.message, 'BadInput');
    throw err;
  }
  const body = await renderDocument(await socReport(deps.db, period), input.format);
  const content = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const ref = await storeEvidence(deps.db, { kind: 'soc-report', mediaType: REPORT_MEDIA_TYPES[input.format], name: `soc-report.${input.format}`, content });
  return { title: socReportTitle({ from: period.from.toISOString(), to: period.to.toISOString() }), sha256: ref.sha256, sizeBytes: content.byteLength };
}
