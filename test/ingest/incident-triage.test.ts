// Incidents on the dev server with the real worker and database: no correlated alert goes
// untriaged, and no alert text is scanned inside workflow code.
// - An alert the incident's primary cannot speak for (more severe, or arriving once the
//   primary's run has ended) gets an investigation of its own (issue 10, item 4).
// - A joined alert carrying three 32 KB command lines of `http://a.a.a…x` (quadratic for the
//   URL/e-mail extractors) settles: the incident relays the observables ingest extracted
//   instead of extracting them in a workflow task, which used to overrun the deadlock timeout
//   and abort the worker on every retry (issue 10, item 1).
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { AlertInput } from '../../src/domain/alert';
import { IngestService } from '../../src/ingest/ingest-service';
import { getIncident } from '../../src/store/incidents';
import { createWorker } from '../../src/worker';
import { incidentStatusQuery, statusQuery } from '../../src/workflows/messages';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { devServerEnv, uniqueSuffix } from '../helpers/temporal';
import { waitFor } from '../helpers/wait';
import { testConfig } from '../helpers/config';

const run = uniqueSuffix();
const config = testConfig({ TEMPORAL_TASK_QUEUE: `incident-triage-${run}`, AUTOSOC_CORRELATION_KEYS: 'rule+host' });
let env: TestWorkflowEnvironment;
let db: TestDatabase;
let worker: Worker;
let running: Promise<void>;
let ingest: IngestService;

beforeAll(async () => {
  [env, db] = await Promise.all([devServerEnv(), openTestDatabase()]);
  worker = await createWorker(config, db.pool, env.nativeConnection, env.client);
  running = worker.run();
  ingest = new IngestService({
    db: db.pool,
    client: env.client,
    taskQueue: config.temporal.taskQueue,
    policy: config.policy,
    correlation: config.correlation,
  });
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  await db?.close();
});

const ENCODED_POWERSHELL =
  'powershell.exe -NoP -W Hidden -Exec Bypass -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA';
/** Same source, rule and host: one correlation key per `host`. */
const alert = (host: string, id: string, patch: Partial<AlertInput> = {}): AlertInput => ({
  source: `edr-${run}`.toLowerCase(),
  sourceId: `${host}-${id}`,
  time: '2026-11-20T10:00:00Z',
  title: 'Script interpreter started by an office application',
  severity: 'high',
  rule: { id: 'office-child-script' },
  observables: { hosts: [{ hostname: host }] },
  ...patch,
});
/** Benign on its own: the default policy closes it. */
const primer = (host: string, id: string) => alert(host, id, { severity: 'low' });
const critical = (host: string, id: string) =>
  alert(host, id, {
    severity: 'critical',
    observables: { hosts: [{ hostname: host }], processes: [{ name: 'powershell.exe', commandLine: ENCODED_POWERSHELL }] },
  });
const send = async (a: AlertInput) => (await ingest.ingest({ body: Buffer.from(JSON.stringify(a)) }))[0];
const status = (workflowId: string) => env.client.workflow.getHandle(workflowId).query(statusQuery);

test('a critical alert after a benign primer auto-closed gets its own investigation and escalates', async () => {
  const first = await send(primer('ws-primer', '1'));
  expect(first.status).toBe('accepted');
  const closed = await env.client.workflow.getHandle(first.workflowId!).result();
  expect(closed.outcome).toBe('auto_closed');

  const second = await send(critical('ws-primer', '2'));
  // Same key, same incident, but not hidden behind the closed primer.
  expect(second).toMatchObject({ status: 'accepted', incidentId: first.incidentId });
  const s = await waitFor(
    () => status(second.workflowId!),
    (x) => x.stage === 'awaiting_analyst',
    'the critical alert to escalate',
    120_000,
  );
  expect(s.incidentId).toBe(first.incidentId);
  const incident = await env.client.workflow.getHandle(first.incidentId!).query(incidentStatusQuery);
  expect(incident).toMatchObject({ alertCount: 2, primary: second.workflowId, primarySeverity: 'critical', primaryOpen: true });

  // Even one of the primer's severity is investigated once the primer's run has ended.
  const third = await send(primer('ws-primer', '3'));
  expect(third.status).toBe('correlated'); // the critical run is open: this one joins it
  await waitFor(
    () => status(second.workflowId!),
    (x) => x.relatedAlerts === 2,
    'the critical investigation to hear of the third alert',
  );
}, 240_000);

test('after the primary ended, an alert of the same severity is investigated on its own', async () => {
  const first = await send(primer('ws-after', '1'));
  await env.client.workflow.getHandle(first.workflowId!).result();
  const second = await send(primer('ws-after', '2'));
  expect(second).toMatchObject({ status: 'accepted', incidentId: first.incidentId });
  const done = await env.client.workflow.getHandle(second.workflowId!).result();
  expect(done).toMatchObject({ stage: 'done', incidentId: first.incidentId });
  expect(done.verdict).toBeDefined();
}, 240_000);

test('a more severe alert while the primary is still open gets its own run; one of the same severity joins', async () => {
  const first = await send(alert('ws-open', '1'));
  await waitFor(
    () => status(first.workflowId!),
    (x) => x.stage === 'awaiting_analyst',
    'the high alert to escalate',
    120_000,
  );

  const severe = await send(critical('ws-open', '2'));
  expect(severe).toMatchObject({ status: 'accepted', incidentId: first.incidentId });
  await waitFor(
    () => status(severe.workflowId!),
    (x) => x.stage === 'awaiting_analyst',
    'the critical alert to escalate',
    120_000,
  );

  const same = await send(critical('ws-open', '3'));
  expect(same).toMatchObject({ status: 'correlated', incidentId: first.incidentId });
  const retriaged = await waitFor(
    () => status(severe.workflowId!),
    (x) => x.relatedAlerts === 2 && x.retriages >= 0,
    'the critical run to hear of the joiner',
  );
  expect(retriaged.relatedAlerts).toBe(2);
  await expect(env.client.workflow.getHandle(same.workflowId!).describe()).rejects.toThrow(/not found/i);
  expect(
    await waitFor(
      () => getIncident(db.pool, first.incidentId!),
      (i) => i?.alert_count === 3,
      'the incident row',
    ),
  ).toMatchObject({ primary_alert: severe.workflowId });
}, 240_000);

test('a joined alert with three 32 KB command lines of http://a.a.a…x settles; the worker keeps running', async () => {
  const first = await send(alert('ws-hostile', '1'));
  await waitFor(
    () => status(first.workflowId!),
    (x) => x.stage === 'awaiting_analyst',
    'the primary to escalate',
    120_000,
  );
  const hostileLine = (i: number) => `${`http://${i}.${'a.'.repeat(16_384)}`.slice(0, 32_767)}x`;
  const hostile = alert('ws-hostile', '2', {
    observables: {
      hosts: [{ hostname: 'ws-hostile' }],
      processes: [0, 1, 2].map((i) => ({ name: 'cmd.exe', commandLine: hostileLine(i) })),
    },
  });
  expect(hostileLine(0).length).toBe(32_768);
  const joined = await send(hostile);
  expect(joined).toMatchObject({ status: 'correlated', incidentId: first.incidentId });

  // The incident recorded it and relayed its observables: the primary re-triaged on them.
  const s = await waitFor(
    () => status(first.workflowId!),
    (x) => x.relatedAlerts === 1 && x.retriages >= 1,
    'the primary to re-triage on the hostile alert',
    180_000,
  );
  expect(s.observables!.commandLines.filter((c) => /^http:\/\/\d\.a\.a\./.test(c))).toHaveLength(3);
  expect(
    await waitFor(
      () => getIncident(db.pool, first.incidentId!),
      (i) => i?.alert_count === 2,
      'the incident row',
    ),
  ).toBeDefined();
  const incident = env.client.workflow.getHandle(first.incidentId!);
  expect((await incident.describe()).status.name).toBe('RUNNING');
  // No workflow task of the incident failed or timed out on the way (a deadlock-timeout abort would).
  const events = (await incident.fetchHistory()).events ?? [];
  expect(events.filter((e) => e.workflowTaskFailedEventAttributes || e.workflowTaskTimedOutEventAttributes)).toEqual([]);
  expect(worker.getState()).toBe('RUNNING');
}, 300_000);
