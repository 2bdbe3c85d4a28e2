// The two example playbooks end to end on real components: the real worker (createWorker)
// against the Temporal dev server, real PostgreSQL, alerts entering through the real ingest
// service, routed by the policy to their playbook (the workflow type the Web UI shows).
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { DEFAULT_CORRELATION } from '../../src/domain/correlation';
import { PlaybookRouting } from '../../src/domain/playbook-routing';
import { IngestService } from '../../src/ingest/ingest-service';
import { getAlert } from '../../src/store/alerts';
import { getCase } from '../../src/store/cases';
import { getReport } from '../../src/store/reports';
import { listResponseActions } from '../../src/store/response-actions';
import { createWorker } from '../../src/worker';
import { decideUpdate, statusQuery } from '../../src/workflows/messages';
import type { AlertStatus } from '../../src/domain/alert-status';
import { sampleAlert } from '../helpers/alerts';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { signedDecision } from '../helpers/security';
import { devServerEnv, uniqueSuffix } from '../helpers/temporal';
import { waitFor } from '../helpers/wait';
import { testConfig } from '../helpers/config';

const run = uniqueSuffix();
const base = testConfig({ TEMPORAL_TASK_QUEUE: `playbooks-${run}` });
const config = {
  ...base,
  policy: {
    ...base.policy,
    playbooks: PlaybookRouting.parse({
      routes: [
        { name: 'user-reported', playbook: 'reportedPhishing', match: { rule: ['*reported*'], observable: ['email'] } },
        { name: 'identity', playbook: 'identityCompromise', match: { technique: ['T1621', 'T1078*'], observable: ['user'] } },
      ],
    }),
  },
};
let env: TestWorkflowEnvironment;
let db: TestDatabase;
let worker: Worker;
let running: Promise<void>;
let client: Client;
let ingest: IngestService;

beforeAll(async () => {
  [env, db] = await Promise.all([devServerEnv(), openTestDatabase()]);
  client = env.client;
  worker = await createWorker(config, db.pool, env.nativeConnection, client);
  running = worker.run();
  // No correlation keys: each alert gets its own run (incidents are tested elsewhere).
  ingest = new IngestService({
    db: db.pool,
    client,
    taskQueue: config.temporal.taskQueue,
    policy: config.policy,
    correlation: { ...DEFAULT_CORRELATION, keys: [] },
  });
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  await db?.close();
});

const send = async (alert: object) => (await ingest.ingest({ body: Buffer.from(JSON.stringify(alert)) }))[0];
const statusOf = (workflowId: string) => client.workflow.getHandle(workflowId).query(statusQuery);
const awaitingAnalyst = (workflowId: string) =>
  waitFor(
    () => statusOf(workflowId),
    (s: AlertStatus) => s.stage === 'awaiting_analyst',
    `${workflowId} awaiting an analyst`,
  );

test('reported phishing: routed, investigated with the mail analyzers, every copy quarantined after approval, closed with a report', async () => {
  const phish = sampleAlert('03-phishing-link.json') as { observables: { emails: { messageId: string }[] } };
  const messageId = `<${run}@mailbox-quota-check.top>`;
  const email = { ...phish.observables.emails[0], messageId };
  // The gateway saw the same message in another mailbox first; it runs the built-in pipeline.
  const copy = await send({
    ...phish,
    sourceId: `gw-${run}`,
    title: 'Gateway: mailbox quota lure',
    observables: { ...phish.observables, emails: [{ ...email, to: ['b.kim@example.com'] }] },
  });
  expect(copy).toMatchObject({
    status: 'accepted',
    playbook: 'alertWorkflow',
    playbookReason: 'playbook alertWorkflow: no route matched (default)',
  });
  await waitFor(
    () => getAlert(db.pool, copy.workflowId!),
    (row) => !!row,
    'the gateway alert stored',
  );

  const reported = await send({
    ...phish,
    sourceId: `rep-${run}`,
    rule: { name: 'User reported phishing' },
    observables: { ...phish.observables, emails: [email] },
  });
  expect(reported).toMatchObject({
    status: 'accepted',
    playbook: 'reportedPhishing',
    playbookReason: 'playbook reportedPhishing chosen by route "user-reported"',
  });
  const handle = client.workflow.getHandle(reported.workflowId!);
  expect((await handle.describe()).type).toBe('reportedPhishing'); // the Web UI's Type column

  const waiting = await awaitingAnalyst(reported.workflowId!);
  expect(waiting.playbook).toBe('reportedPhishing');
  expect(waiting.reasons[0]).toBe('playbook reportedPhishing chosen by route "user-reported"');
  expect(waiting.verdict).not.toBe('benign');

  const result = await handle.executeUpdate(decideUpdate, {
    args: [
      signedDecision(reported.workflowId!, { action: 'approve', actor: 'alice@soc', reason: 'credential lure: quarantine every copy' }),
    ],
  });
  expect(result.decision?.action).toBe('approve');
  const done = await handle.result();
  expect(done).toMatchObject({ outcome: 'approved_and_responded', stage: 'done' });

  const actions = await listResponseActions(db.pool, reported.workflowId!);
  const quarantined = actions.filter((a) => a.kind === 'quarantine_email').map((a) => a.target);
  expect(quarantined).toEqual([`a.lee@example.com:${messageId}`, `b.kim@example.com:${messageId}`]);
  expect(actions.every((a) => a.approved_by === 'alice@soc')).toBe(true);
  expect(await getCase(db.pool, reported.workflowId!)).toMatchObject({
    status: 'closed',
    resolution: 'approved_and_responded',
    closed_by: 'alice@soc',
  });
  const body = (await getReport(db.pool, reported.workflowId!))?.body ?? '';
  expect(body).toContain('Outcome: approved_and_responded');
  expect(body).toContain('playbook reportedPhishing chosen by route "user\\-reported"'); // the reasons, escaped
  expect(body).toContain('quarantine\\_email b\\.kim@example\\.com'); // the copy found in another mailbox
  // Only the chosen analyzers ran: mail ones, never the process or command-line analyzers.
  const analyzers = (await getAlert(db.pool, reported.workflowId!))!.findings!.map((f) => f.analyzer.split(':')[0]);
  expect(analyzers).toContain('url');
  expect(analyzers).not.toContain('command-line');
  expect(analyzers).not.toContain('process-tree');
});

test('identity compromise: routed by technique, sessions revoked before the account is disabled, after approval', async () => {
  const alert = {
    source: 'idp-sample',
    sourceId: `mfa-${run}`,
    time: '2026-11-20T03:10:00Z',
    severity: 'high',
    title: 'MFA push fatigue: 14 denied pushes then an approval from a new country',
    rule: { id: 'mfa-fatigue', name: 'MFA fatigue' },
    attackTechniques: ['T1621', 'T1078.004'],
    observables: { users: [{ name: 'kim@corp.example' }], ips: ['203.0.113.45'], network: [{ srcIp: '203.0.113.45', srcCountry: 'KP' }] },
  };
  const started = await send(alert);
  expect(started).toMatchObject({ status: 'accepted', playbook: 'identityCompromise' });
  const handle = client.workflow.getHandle(started.workflowId!);
  expect((await handle.describe()).type).toBe('identityCompromise');
  const waiting = await awaitingAnalyst(started.workflowId!);
  expect(waiting.caseId).toBeDefined(); // the ticket the analyst works

  await handle.executeUpdate(decideUpdate, {
    args: [signedDecision(started.workflowId!, { action: 'approve', actor: 'alice@soc', reason: 'not the user: contain the account' })],
  });
  const done = await handle.result();
  expect(done.outcome).toBe('approved_and_responded');
  // The status lists them in the order carried out: revoke first, then disable.
  expect(done.responseActions).toEqual([
    'revoke_sessions:kim@corp.example=recorded for manual action',
    'disable_user:kim@corp.example=recorded for manual action',
  ]);
  const analyzers = (await getAlert(db.pool, started.workflowId!))!.findings!.map((f) => f.analyzer);
  expect(new Set(analyzers)).toEqual(new Set(['ip', 'threat-intel']));
});
