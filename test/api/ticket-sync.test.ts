// Two-way ticket sync end to end on real components, with Jira Cloud (a local server): the real
// worker turns an escalation into one issue; Jira's signed webhooks come back to the API, whose
// comments and resolution reach the alert through the workflow's `decide` Update as Jira's
// service identity, naming the human; a redelivered webhook is applied once, and a close that
// came from Jira is not echoed back to it. The other way, an analyst's comment and decision in
// autosoc reach the issue (a comment each, then a transition to Done); and the ticket poller
// closes an alert whose issue was resolved without a webhook, once, whichever path sees it first.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { Worker } from '@temporalio/worker';
import { buildApiServer } from '../../src/api/server';
import { dataConverterFor } from '../../src/temporal/client';
import { jiraSystem } from '../../src/connectors/tickets/jira';
import { correlationIdFor } from '../../src/connectors/tickets/ticket-system';
import { alertWorkflowId } from '../../src/domain/alert';
import { DecisionSigner } from '../../src/security/decision-signer';
import { createApiToken } from '../../src/store/api-tokens';
import { listAudit } from '../../src/store/decisions';
import { statusQuery } from '../../src/workflows/messages';
import { startTicketPoller } from '../../src/ingest/pollers/start-pollers';
import { ticketPollerStatusQuery } from '../../src/workflows/ticket-poller-workflow';
import { JiraServer } from '../servers/tickets/jira-server';
import { waitFor } from '../helpers/wait';
import { sample, startApiHarness, type ApiHarness } from './harness';

const jira = new JiraServer();
let h: ApiHarness;
let app: FastifyInstance;
let workflowId: string;
let issue: { id: string; key: string };

beforeAll(async () => {
  await jira.start();
  const policyFile = join(mkdtempSync(join(tmpdir(), 'autosoc-tickets-')), 'policy.yaml');
  writeFileSync(policyFile, 'tickets:\n  system: jira\n  jira:\n    projectKey: SOC\n    issueType: Incident\n');
  // The worker reads the ticket system's settings from its environment (config.connectors), as in production.
  h = await startApiHarness('tickets', {
    env: {
      AUTOSOC_POLICY_FILE: policyFile,
      AUTOSOC_JIRA_URL: jira.url,
      AUTOSOC_JIRA_EMAIL: jira.email,
      AUTOSOC_JIRA_API_TOKEN: jira.apiToken,
    },
  });
  app = buildApiServer({
    db: h.db.pool,
    ingest: h.ingest,
    client: h.client,
    policy: h.config.policy,
    maxBodyBytes: h.config.api.maxBodyBytes,
    signer: new DecisionSigner(h.config.security.decisionKeys),
    tickets: {
      system: jiraSystem({
        baseUrl: jira.url,
        email: jira.email,
        apiToken: jira.apiToken,
        projectKey: 'SOC',
        issueType: 'Incident',
        webhookSecret: jira.webhookSecret,
      }),
      service: { actor: 'service:jira', roles: ['analyst'] },
    },
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await h?.close();
  await jira.stop();
});

/** Ingests a sample that escalates and waits for its issue: the workflow id and the issue at the local Jira. */
async function escalatedWithIssue(sourceId: string) {
  const ingestToken = await createApiToken(h.db.pool, { name: `ingest-${sourceId}`, roles: ['ingest'], anySource: true });
  const alert = sample('01-encoded-powershell.json', { sourceId });
  const res = await app.inject({
    method: 'POST',
    url: '/v1/alerts',
    headers: { authorization: `Bearer ${ingestToken}`, 'content-type': 'application/json' },
    payload: JSON.stringify(alert),
  });
  expect(res.statusCode).toBe(202);
  const id = alertWorkflowId({ source: alert.source as string, sourceId });
  await waitFor(
    async () => (await h.db.pool.query(`SELECT state FROM tickets WHERE workflow_id = $1`, [id])).rows[0]?.state,
    (s) => s === 'open',
    'the ticket',
  );
  await waitFor(
    () => h.client.workflow.getHandle(id).query(statusQuery),
    (s) => s.stage === 'awaiting_analyst',
    'awaiting an analyst',
  );
  return { id, issue: jira.tickets.find((x) => x.correlationId === correlationIdFor(id))! };
}
const decide = (id: string, token: string, body: unknown) =>
  app.inject({
    method: 'POST',
    url: `/v1/alerts/${encodeURIComponent(id)}/decide`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
const texts = (comments: string[]) => comments.map((c) => JSON.stringify(c));

const deliver = (w: { body: string; headers: Record<string, string> }) =>
  app.inject({ method: 'POST', url: '/v1/tickets/jira/webhook', headers: w.headers, payload: w.body } as InjectOptions);
const adf = (text: string) => ({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] });
const resolved = (issueId: string) => ({
  webhookEvent: 'jira:issue_updated',
  user: { displayName: 'Dana Analyst', accountId: '5b10ac8d82e05b22cc7d4ef5' },
  issue: { id: issueId, key: issue.key, fields: { status: { statusCategory: { key: 'done' } }, resolution: { name: 'False Positive' } } },
  changelog: { items: [{ field: 'status', fromString: 'To Do', toString: 'Done' }] },
});

test('an escalation becomes exactly one Jira issue with an ADF description, its observables and the correlation label', async () => {
  const ingestToken = await createApiToken(h.db.pool, { name: `ingest-${h.run}`, roles: ['ingest'], anySource: true });
  const alert = sample('01-encoded-powershell.json', { sourceId: `ps-${h.run}` });
  const res = await app.inject({
    method: 'POST',
    url: '/v1/alerts',
    headers: { authorization: `Bearer ${ingestToken}`, 'content-type': 'application/json' },
    payload: JSON.stringify(alert),
  });
  expect(res.statusCode).toBe(202);
  workflowId = alertWorkflowId({ source: alert.source as string, sourceId: `ps-${h.run}` });
  await waitFor(
    async () => (await h.db.pool.query(`SELECT state FROM tickets WHERE workflow_id = $1`, [workflowId])).rows[0]?.state,
    (s) => s === 'open',
    'the ticket',
  );
  const corr = correlationIdFor(workflowId);
  expect(jira.count(corr)).toBe(1);
  const t = jira.tickets.find((x) => x.correlationId === corr)!;
  issue = { id: t.id, key: t.key };
  expect(t.fields).toMatchObject({
    project: { key: 'SOC' },
    issuetype: { name: 'Incident' },
    labels: ['autosoc', corr],
    description: { type: 'doc', version: 1 },
  });
  expect(JSON.stringify(t.fields.description)).toContain(workflowId);
});

test('a webhook with a bad signature is refused and changes nothing', async () => {
  const forged = await deliver(jira.webhook(resolved(issue.id), { secret: 'not-the-secret' }));
  expect(forged.statusCode).toBe(401);
  expect((await h.client.workflow.getHandle(workflowId).query(statusQuery)).stage).toBe('awaiting_analyst');
});

test("a comment in Jira joins the alert's audit trail as Jira's service identity, naming the human", async () => {
  const delivery = jira.webhook({
    webhookEvent: 'comment_created',
    issue: { id: issue.id, key: issue.key },
    comment: { body: adf('Same host as last week'), author: { displayName: 'Dana Analyst' } },
  });
  const res = await deliver(delivery);
  expect(res.json()).toEqual({ applied: true, detail: 'comment recorded' });
  expect((await deliver(delivery)).json()).toEqual({ applied: false, detail: 'duplicate delivery' }); // Jira's retry
  await waitFor(
    () => listAudit(h.db.pool, workflowId),
    (rows) => rows.some((r) => r.action === 'comment'),
    'the comment in the trail',
  );
  expect((await listAudit(h.db.pool, workflowId)).filter((r) => r.action === 'comment')).toHaveLength(1);
  expect((await listAudit(h.db.pool, workflowId)).find((r) => r.action === 'comment')).toMatchObject({
    actor: 'service:jira',
    reason: `Dana Analyst in Jira ${issue.key}: Same host as last week`,
  });
});

test('resolving the issue closes the alert through the same authorization path; a redelivery is applied once', async () => {
  const delivery = jira.webhook(resolved(issue.id), { id: `delivery-${h.run}` });
  const first = await deliver(delivery);
  expect(first.json()).toEqual({ applied: true, detail: 'close recorded' });
  const again = await deliver(delivery); // Jira's retry of the same delivery
  expect(again.json()).toEqual({ applied: false, detail: 'the case is already closed' });
  const result = await h.client.workflow.getHandle(workflowId).result();
  expect(result.outcome).toBe('closed_by_analyst');
  const closes = (await listAudit(h.db.pool, workflowId)).filter((r) => r.action === 'close');
  expect(closes).toHaveLength(1);
  expect(closes[0]).toMatchObject({ actor: 'service:jira', reason: `Resolved in Jira ${issue.key} by Dana Analyst: False Positive` });
  const audit = (await h.db.pool.query('SELECT actor, action, outcome, detail FROM audit_log WHERE target = $1 ORDER BY id', [workflowId]))
    .rows;
  expect(audit).toContainEqual({
    actor: 'service:jira',
    action: 'ticket jira closed',
    outcome: '200',
    detail: expect.objectContaining({ by: 'Dana Analyst', ticket: issue.key }),
  });
  // Another delivery (a second transition to Done) finds the case closed: acknowledged, not applied.
  const late = await deliver(jira.webhook(resolved(issue.id)));
  expect(late.json()).toEqual({ applied: false, detail: 'the case is already closed' });
  expect((await h.db.pool.query('SELECT state FROM tickets WHERE workflow_id = $1', [workflowId])).rows[0].state).toBe('closed');
  // The close came from Jira: nothing of it is echoed back (no comment about it, no transition).
  const t = jira.tickets.find((x) => x.id === issue.id)!;
  expect(texts(t.comments).filter((c) => c.includes('closed_by_analyst') || c.includes('Same host as last week'))).toEqual([]);
  expect(t.closeRequests).toBe(0);
});

test('a webhook about an issue autosoc did not open is acknowledged and ignored', async () => {
  const res = await deliver(
    jira.webhook({ ...resolved('99999'), issue: { id: '99999', key: 'SOC-999', fields: { status: { statusCategory: { key: 'done' } } } } }),
  );
  expect(res.json()).toEqual({ applied: false, detail: 'no autosoc case for this ticket' });
});

test("an analyst's comment and close in autosoc reach the issue: a comment each (who, why), one transition to Done; Jira's echo is not applied", async () => {
  const { id, issue: t } = await escalatedWithIssue(`ps-decided-${h.run}`);
  const alice = await createApiToken(h.db.pool, { name: `alice-${h.run}`, roles: ['analyst'] });
  expect((await decide(id, alice, { action: 'comment', reason: 'parent process is the backup agent' })).statusCode).toBe(200);
  await waitFor(
    async () => texts(t.comments),
    (cs) => cs.some((c) => c.includes(`alice-${h.run} commented in autosoc: parent process is the backup agent`)),
    'the comment on the issue',
  );
  expect((await decide(id, alice, { action: 'close', falsePositive: true, reason: 'backup agent, known' })).statusCode).toBe(200);
  expect((await h.client.workflow.getHandle(id).result()).outcome).toBe('closed_by_analyst');
  expect(
    texts(t.comments).filter((c) => c.includes(`autosoc closed_by_analyst (false positive) by alice-${h.run}: backup agent, known`)),
  ).toHaveLength(1);
  expect(texts(t.comments).filter((c) => c.includes('commented in autosoc'))).toHaveLength(1);
  expect(t.closed).toBeDefined();
  expect(t.closeRequests).toBe(1);
  // Jira tells autosoc about the transition autosoc made: recognised as its own, not applied.
  expect((await deliver(jira.resolvedWebhook(t))).json()).toEqual({ applied: false, detail: 'the case is already closed' });
  expect((await listAudit(h.db.pool, id)).filter((r) => r.action === 'close')).toHaveLength(1);

  // The run took the new path (both patches, two syncTicket activities) and replays deterministically.
  const history = await h.client.workflow.getHandle(id).fetchHistory();
  const patches = history
    .events!.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
    .map(
      (e) =>
        (
          JSON.parse(Buffer.from(e.markerRecordedEventAttributes!.details!['patch-data'].payloads![0].data!).toString('utf8')) as {
            id: string;
          }
        ).id,
    );
  expect(patches).toEqual(expect.arrayContaining(['ticket-comments-v1', 'ticket-sync-v1']));
  expect(history.events!.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'syncTicket')).toHaveLength(2);
  await Worker.runReplayHistory(
    { workflowsPath: require.resolve('../../src/workflows'), dataConverter: dataConverterFor(h.config) },
    history,
    id,
  );
});

test('the ticket poller closes an alert whose issue was resolved without a webhook, once; the late webhook is not applied again', async () => {
  const { id, issue: t } = await escalatedWithIssue(`ps-polled-${h.run}`);
  jira.resolveAsHuman(t.id, 'Erin Lead', 'Done');
  // As the ingest tier starts it (policy tickets.pollEverySeconds); a second start keeps the running one.
  const started = await startTicketPoller(h.client, h.config.temporal.taskQueue, 'jira', 300);
  expect(await startTicketPoller(h.client, h.config.temporal.taskQueue, 'jira', 300)).toBe(started);
  const poller = h.client.workflow.getHandle(started);
  try {
    expect((await h.client.workflow.getHandle(id).result()).outcome).toBe('closed_by_analyst');
    const closes = (await listAudit(h.db.pool, id)).filter((r) => r.action === 'close');
    expect(closes).toEqual([expect.objectContaining({ actor: 'service:jira', reason: `Resolved in Jira ${t.key} by Erin Lead: Done` })]);
    expect((await deliver(jira.resolvedWebhook(t))).json()).toEqual({ applied: false, detail: 'the case is already closed' });
    // It polls on, and applies nothing more: the issues autosoc itself closed, or that were closed already, are skipped.
    const status = await waitFor(
      () => poller.query(ticketPollerStatusQuery),
      (s) => s.totals.polls >= 3,
      'three polls',
    );
    expect(status.totals.applied).toBe(1);
    expect(status.totals.skipped).toBeGreaterThanOrEqual(1);
    expect(texts(t.comments).filter((c) => c.includes('closed_by_analyst'))).toEqual([]);
    await Worker.runReplayHistory(
      { workflowsPath: require.resolve('../../src/workflows'), dataConverter: dataConverterFor(h.config) },
      await poller.fetchHistory(),
      started,
    );
  } finally {
    await poller.terminate();
  }
});
