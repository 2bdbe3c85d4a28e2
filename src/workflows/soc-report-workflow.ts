// A scheduled SOC report: started by a Temporal Schedule (src/temporal/report-schedules.ts),
// it reports on the last complete day, week or month before the time it was scheduled for, so
// a run that starts late still covers the period it was meant to.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { periodBefore } from '../domain/report-period';
import type { ReportSchedule } from '../domain/policy';

type Activities = ReturnType<typeof createActivities>;

const { produceSocReport } = proxyActivities<Activities>({
  startToCloseTimeout: '10m',
  retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '10m', maximumAttempts: 10, nonRetryableErrorTypes: ['BadInput'] },
});

/** Set by Temporal on every workflow a Schedule starts. */
const ScheduledStartTime = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

export interface SocReportResult { cadence: string; from: string; to: string; title: string; format: string; sha256: string; sizeBytes: number }

export async function socReportWorkflow(schedule: ReportSchedule): Promise<SocReportResult> {
  const at = workflowInfo().typedSearchAttributes.get(ScheduledStartTime) ?? new Date();
  const period = periodBefore(schedule.cadence, at);
  const report = await produceSocReport({ from: period.from.toISOString(), to: period.to.toISOString(), format: schedule.format });
  return { cadence: schedule.cadence, from: period.from.toISOString(), to: period.to.toISOString(), format: schedule.format, ...report };
}
