// A scheduled SOC report: started by a Temporal Schedule (src/temporal/report-schedules.ts),
// it reports on the last complete day, week or month before the time it was scheduled for, so
// a run that starts late still covers the period it was meant to, then delivers it where the
// schedule says (e-mail, Slack; soc-report-delivery-v1).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { DeliveryOutcome } from '../activities/report-delivery';
import { periodBefore } from '../domain/report-period';
import type { ReportSchedule } from '../domain/policy';

type Activities = ReturnType<typeof createActivities>;

const { produceSocReport } = proxyActivities<Activities>({
  startToCloseTimeout: '10m',
  retry: {
    initialInterval: '10s',
    backoffCoefficient: 2,
    maximumInterval: '10m',
    maximumAttempts: 10,
    nonRetryableErrorTypes: ['BadInput'],
  },
});

/** Mail relays and Slack may be down for a while: retried for about a day, never sent twice (intents). */
const { deliverReport } = proxyActivities<Activities>({
  startToCloseTimeout: '5m',
  retry: {
    initialInterval: '30s',
    backoffCoefficient: 2,
    maximumInterval: '1h',
    maximumAttempts: 30,
    nonRetryableErrorTypes: ['BadInput', 'NotConfigured', 'DeliveryRefused'],
  },
});

/** Set by Temporal on every workflow a Schedule starts. */
const ScheduledStartTime = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

export interface SocReportResult {
  cadence: string;
  from: string;
  to: string;
  title: string;
  format: string;
  sha256: string;
  sizeBytes: number;
  /** Where it went (absent on runs from before delivery, or when the schedule names no recipients). */
  deliveries?: DeliveryOutcome[];
}

export async function socReportWorkflow(schedule: ReportSchedule): Promise<SocReportResult> {
  const at = workflowInfo().typedSearchAttributes.get(ScheduledStartTime) ?? new Date();
  const period = periodBefore(schedule.cadence, at);
  const { htmlSha256, ...report } = await produceSocReport({
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    format: schedule.format,
  });
  const result: SocReportResult = {
    cadence: schedule.cadence,
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    format: schedule.format,
    ...report,
  };
  const email = schedule.email ?? [];
  const slackChannels = schedule.slackChannels ?? [];
  if ((email.length || slackChannels.length) && patched('soc-report-delivery-v1')) {
    result.deliveries = await deliverReport({
      // The workflow id names the scheduled time: a reset or re-run of that run does not send again.
      key: workflowInfo().workflowId,
      title: report.title,
      report: { sha256: report.sha256, format: schedule.format },
      htmlSha256,
      email,
      slackChannels,
    });
  }
  return result;
}
