// Scheduled SOC reports on the dev server (the time-skipping server has no Schedules): the
// policy's schedules are created, updated and deleted idempotently, and a triggered run
// reports on the last complete week before it was scheduled, as a PDF in the evidence store;
// a run with recipients mails it to a local SMTP relay and shares it in a local Slack, and its
// pipeline health lists the runs Temporal has seen fail.
import type { Config } from '../../src/config';
import type { ReportSchedule, TriagePolicy } from '../../src/domain/policy';
import { periodBefore } from '../../src/domain/report-period';
import { getEvidence } from '../../src/store/evidence';
import { socMetrics } from '../../src/store/soc-metrics';
import { ensureReportSchedules, reportScheduleId } from '../../src/temporal/report-schedules';
import type { SocReportResult } from '../../src/workflows/soc-report-workflow';
import { pdfText } from '../helpers/pdf';
import { uniqueSuffix } from '../helpers/temporal';
import { waitFor } from '../helpers/wait';
import { startWorkerStack, type WorkerStack } from '../helpers/worker-stack';
import { testConfig } from '../helpers/config';
import { LocalSmtpServer } from '../servers/smtp-server';
import { SlackServer } from '../servers/slack-server';
import PostalMime from 'postal-mime';
import { listFailedRuns } from '../../src/temporal/failed-runs';
import { socReportWorkflow } from '../../src/workflows/soc-report-workflow';

let stack: WorkerStack;
let env: WorkerStack['env'];
let db: WorkerStack['db'];
let config: Config;
let smtp: LocalSmtpServer;
let slack: SlackServer;

const schedule = (cadence: ReportSchedule['cadence'], hourUtc: number): ReportSchedule => ({
  cadence,
  hourUtc,
  format: 'pdf',
  email: [],
  slackChannels: [],
});
const withReports = (schedules: ReportSchedule[]): TriagePolicy => ({ ...config.policy, reports: { schedules } });

beforeAll(async () => {
  smtp = new LocalSmtpServer();
  slack = new SlackServer();
  await Promise.all([smtp.start(), slack.start()]);
  config = testConfig({
    TEMPORAL_TASK_QUEUE: `soc-schedules-${uniqueSuffix()}`,
    AUTOSOC_SMTP_URL: smtp.url,
    AUTOSOC_SMTP_FROM: 'soc-reports@example.com',
    AUTOSOC_SMTP_TLS: 'none',
    AUTOSOC_SMTP_USER: smtp.user,
    AUTOSOC_SMTP_PASSWORD: smtp.password,
    AUTOSOC_SLACK_BOT_TOKEN: slack.token,
    AUTOSOC_SLACK_API_URL: slack.apiUrl,
  });
  stack = await startWorkerStack(config);
  ({ env, db } = stack);
});
afterAll(async () => {
  await stack?.close();
  await Promise.all([smtp?.stop(), slack?.stop()]);
});

test('schedules follow the policy: created once, updated in place, deleted when dropped', async () => {
  const queue = config.temporal.taskQueue;
  const first = withReports([schedule('weekly', 6), schedule('daily', 5)]);
  expect(await ensureReportSchedules(env.client, first, queue)).toEqual({
    upserted: [reportScheduleId('daily'), reportScheduleId('weekly')],
    deleted: [],
  });
  // Again, as every worker start does: nothing new, nothing fails.
  expect(await ensureReportSchedules(env.client, first, queue)).toEqual({
    upserted: [reportScheduleId('daily'), reportScheduleId('weekly')],
    deleted: [],
  });
  const weekly = await env.client.schedule.getHandle(reportScheduleId('weekly')).describe();
  expect(weekly.spec.calendars).toEqual([
    expect.objectContaining({ hour: [{ start: 6, end: 6, step: 1 }], dayOfWeek: [{ start: 'MONDAY', end: 'MONDAY', step: 1 }] }),
  ]);
  expect(weekly.action).toMatchObject({ type: 'startWorkflow', workflowType: 'socReportWorkflow', taskQueue: queue });

  expect(await ensureReportSchedules(env.client, withReports([schedule('weekly', 7)]), queue)).toEqual({
    upserted: [reportScheduleId('weekly')],
    deleted: [reportScheduleId('daily')],
  });
  const updated = await env.client.schedule.getHandle(reportScheduleId('weekly')).describe();
  expect(updated.spec.calendars?.[0].hour).toEqual([{ start: 7, end: 7, step: 1 }]);
  const ids: string[] = [];
  for await (const s of env.client.schedule.list()) ids.push(s.scheduleId);
  expect(ids.filter((id) => id.startsWith('autosoc-soc-report-'))).toEqual([reportScheduleId('weekly')]);
});

test('a triggered weekly run reports on the last complete week before it was scheduled, as a PDF', async () => {
  await ensureReportSchedules(env.client, withReports([schedule('weekly', 6)]), config.temporal.taskQueue);
  const handle = env.client.schedule.getHandle(reportScheduleId('weekly'));
  await handle.trigger();
  const described = await waitFor(
    () => handle.describe(),
    (d) => d.info.recentActions.length > 0,
    'the triggered run',
  );
  const action = described.info.recentActions[0];
  const run = env.client.workflow.getHandle(action.action.workflow.workflowId, action.action.workflow.firstExecutionRunId);
  const result: SocReportResult = await run.result();
  const period = periodBefore('weekly', action.scheduledAt);
  expect(result).toMatchObject({ cadence: 'weekly', format: 'pdf', from: period.from.toISOString(), to: period.to.toISOString() });
  const pdf = await getEvidence(db.pool, result.sha256);
  expect(pdf?.byteLength).toBe(result.sizeBytes);
  const text = pdfText(pdf!).replace(/\s+/g, ' ');
  expect(text).toContain(result.title);
  const { volume } = await socMetrics(db.pool, period);
  expect(text).toContain(`${volume.total} alerts received (${volume.suppressed} suppressed at ingest)`);
});

test('a run with recipients mails the report and shares it in Slack; its pipeline health lists the run that failed', async () => {
  // A run that fails: a report in a format there is none of is refused as bad input.
  const failedId = `soc-bad-${uniqueSuffix()}`;
  const bad = await env.client.workflow.start(socReportWorkflow, {
    args: [{ ...schedule('daily', 6), format: 'docx' as ReportSchedule['format'] }],
    taskQueue: config.temporal.taskQueue,
    workflowId: failedId,
  });
  await expect(bad.result()).rejects.toThrow();
  await waitFor(
    () => listFailedRuns(env.client),
    (runs) => runs.some((r) => r.workflowId === failedId),
    'the failed run in visibility',
  );

  const monthly: ReportSchedule = { ...schedule('monthly', 6), email: ['soc-lead@example.com'], slackChannels: ['C0SOCREPORTS'] };
  await ensureReportSchedules(env.client, withReports([monthly]), config.temporal.taskQueue);
  const handle = env.client.schedule.getHandle(reportScheduleId('monthly'));
  await handle.trigger();
  const described = await waitFor(
    () => handle.describe(),
    (d) => d.info.recentActions.length > 0,
    'the triggered run',
  );
  const action = described.info.recentActions[0].action.workflow;
  const result: SocReportResult = await env.client.workflow.getHandle(action.workflowId, action.firstExecutionRunId).result();
  expect(result.deliveries?.map((d) => [d.channel, d.target, d.outcome])).toEqual([
    ['email', 'soc-lead@example.com', 'sent'],
    ['slack', 'C0SOCREPORTS', 'sent'],
  ]);

  const pdf = (await getEvidence(db.pool, result.sha256))!;
  expect(smtp.received.map((m) => m.to)).toEqual([['soc-lead@example.com']]);
  const mail = await PostalMime.parse(smtp.received[0].raw);
  expect(mail.subject).toBe(result.title);
  expect(Buffer.from(mail.attachments[0].content as ArrayBuffer).equals(pdf)).toBe(true);
  expect(slack.files.map((f) => [f.channel, f.title])).toEqual([['C0SOCREPORTS', result.title]]);
  expect(slack.files[0].bytes.equals(pdf)).toBe(true);

  const text = pdfText(pdf).replace(/\s+/g, ' ');
  expect(text).toContain(`socReportWorkflow ${failedId} FAILED: Activity task failed: unknown report format docx`);
});
