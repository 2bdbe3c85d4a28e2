// The policy's scheduled SOC reports as Temporal Schedules, one per cadence, made to match the
// policy at every worker or `up` start: created when missing, updated when present, deleted
// when the policy no longer asks for them. Runs never overlap; a run missed by up to a day (a
// worker down overnight) still happens.
import {
  type Client,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type CalendarSpec,
  type ScheduleOptions,
} from '@temporalio/client';
import type { ReportSchedule, TriagePolicy } from '../domain/policy';
import { REPORT_CADENCES, type ReportCadence } from '../domain/report-period';
import { socReportWorkflow } from '../workflows/soc-report-workflow';

export const reportScheduleId = (cadence: ReportCadence) => `autosoc-soc-report-${cadence}`;

/** Daily at the hour; weekly on Mondays (the week that ended at midnight); monthly on the 1st. */
function calendarFor(s: ReportSchedule): CalendarSpec {
  const at = { hour: s.hourUtc, minute: 0, second: 0 };
  if (s.cadence === 'weekly') return { ...at, dayOfWeek: 'MONDAY' };
  if (s.cadence === 'monthly') return { ...at, dayOfMonth: 1 };
  return at;
}

function optionsFor(s: ReportSchedule, taskQueue: string): ScheduleOptions {
  return {
    scheduleId: reportScheduleId(s.cadence),
    spec: { calendars: [calendarFor(s)] },
    action: { type: 'startWorkflow', workflowType: socReportWorkflow, args: [s], taskQueue, workflowId: `soc-report-${s.cadence}` },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    memo: { autosoc: 'scheduled SOC report' },
  };
}

/** Makes the namespace's report schedules what the policy says; returns the ids it created or updated. */
export async function ensureReportSchedules(
  client: Client,
  policy: TriagePolicy,
  taskQueue: string,
): Promise<{ upserted: string[]; deleted: string[] }> {
  const wanted = new Map((policy.reports?.schedules ?? []).map((s) => [s.cadence, s]));
  const upserted: string[] = [];
  const deleted: string[] = [];
  for (const cadence of REPORT_CADENCES) {
    const schedule = wanted.get(cadence);
    const handle = client.schedule.getHandle(reportScheduleId(cadence));
    if (!schedule) {
      try {
        await handle.delete();
        deleted.push(handle.scheduleId);
      } catch (err) {
        if (!(err instanceof ScheduleNotFoundError)) throw err;
      }
      continue;
    }
    const options = optionsFor(schedule, taskQueue);
    try {
      await client.schedule.create(options);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await handle.update((previous) => ({
        ...previous,
        spec: options.spec,
        action: options.action,
        policies: { ...previous.policies, ...options.policies },
      }));
    }
    upserted.push(handle.scheduleId);
  }
  return { upserted, deleted };
}
