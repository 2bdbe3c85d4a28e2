// The analyst API end to end on real components: alerts ingested through the API escalate on a
// Temporal dev server run by the real worker; analysts read and decide through the API, whose
// decisions are the workflow's `decide` Update with actor and roles from the token.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApiServer } from '../../src/api/server';
import { alertWorkflowId } from '../../src/domain/alert';
import { DecisionSigner } from '../../src/security/decision-signer';
import { createApiToken } from '../../src/store/api-tokens';
import { listAudit } from '../../src/store/decisions';
import { statusQuery } from '../../src/workflows/messages';
import type { AlertStatus } from '../../src/domain/alert-status';
import { waitFor } from '../helpers/wait';
import { sample, startApiHarness, type ApiHarness } from './harness';

let h: ApiHarness;
let app: FastifyInstance;
const adminToken = `bootstrap-${randomBytes(24).toString('hex')}`;
type Who = 'ingest' | 'alice' | 'bob' | 'engineer';
const tokens = {} as Record<Who, string>;
const names = {} as Record<Who, string>;
let startedAt: Date;

beforeAll(async () => {
  h = await startApiHarness('analyst', { adminToken });
  // The harness's app has no Temporal client; this one is built the way the ingest tier should build it.
  app = buildApiServer({
    db: h.db.pool,
    ingest: h.ingest,
    client: h.client,
    policy: h.config.policy,
    maxBodyBytes: h.config.api.maxBodyBytes,
    adminToken,
    signer: new DecisionSigner(h.config.security.decisionKeys),
  });
  await app.ready();
  const roles: Record<Who, ('ingest' | 'analyst' | 'engineer')[]> = {
    ingest: ['ingest'],
    alice: ['analyst'],
    bob: ['analyst'],
    engineer: ['engineer'],
  };
  for (const who of Object.keys(roles) as Who[]) {
    names[who] = `${who}-${h.run}`;
    tokens[who] = await createApiToken(h.db.pool, { name: names[who], roles: roles[who], anySource: who === 'ingest' });
  }
  startedAt = (await h.db.pool.query<{ now: Date }>('SELECT now()')).rows[0].now;
});

afterAll(async () => {
  await app?.close();
  await h?.close();
});

const call = (method: 'GET' | 'POST', url: string, token?: string, body?: unknown): Promise<LightMyRequestResponse> => {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return app.inject({
    method,
    url,
    headers,
    payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  } as InjectOptions);
};
const alertUrl = (workflowId: string, rest = '') => `/v1/alerts/${encodeURIComponent(workflowId)}${rest}`;
const decide = (workflowId: string, token: string, body: unknown) => call('POST', alertUrl(workflowId, '/decide'), token, body);
const statusOf = (workflowId: string) => h.client.workflow.getHandle(workflowId).query(statusQuery);

/** Ingests a sample through the API and waits until its workflow awaits an analyst. */
async function escalated(file: string, sourceId: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const alert = sample(file, { sourceId, ...overrides });
  const res = await call('POST', '/v1/alerts', tokens.ingest, alert);
  expect(res.statusCode).toBe(202);
  const workflowId = alertWorkflowId({ source: alert.source as string, sourceId });
  expect(res.json().results[0]).toMatchObject({ status: 'accepted', workflowId });
  await waitFor(
    () => statusOf(workflowId),
    (s: AlertStatus) => s.stage === 'awaiting_analyst',
    `${workflowId} awaiting an analyst`,
  );
  return workflowId;
}

let approved: string; // escalated, then approved by alice in the test below

test('pending lists an escalated alert from the database, with its case; reading needs analyst, engineer or admin', async () => {
  approved = await escalated('01-encoded-powershell.json', `ps-${h.run}`);
  const res = await call('GET', '/v1/alerts/pending?limit=500', tokens.alice);
  expect(res.statusCode).toBe(200);
  const mine = res.json().alerts.find((a: { workflowId: string }) => a.workflowId === approved);
  const status = await statusOf(approved);
  expect(mine).toEqual({
    workflowId: approved,
    title: sample('01-encoded-powershell.json').title,
    source: 'edr-sample',
    severity: 'high',
    score: status.score,
    verdict: status.verdict,
    tier: 'tier1',
    assignee: null,
    openedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
  });
  // Most severe first: no alert is listed after one of lower severity.
  const rank = ['informational', 'low', 'medium', 'high', 'critical'];
  const ranks = res.json().alerts.map((a: { severity: string }) => rank.indexOf(a.severity));
  expect(ranks).toEqual([...ranks].sort((a, b) => b - a));

  expect((await call('GET', '/v1/alerts/pending', tokens.engineer)).statusCode).toBe(200);
  expect((await call('GET', '/v1/alerts/pending', adminToken)).statusCode).toBe(200);
  const ingest = await call('GET', '/v1/alerts/pending', tokens.ingest);
  expect(ingest.statusCode).toBe(403);
  expect(ingest.json().error).toMatch(/analyst, engineer, admin/);
  expect((await call('GET', '/v1/alerts/pending')).statusCode).toBe(401);
  const bad = await call('GET', '/v1/alerts/pending?limit=0', tokens.alice);
  expect(bad.statusCode).toBe(400);
  expect(bad.json().error).toMatch(/limit/);
  expect((await call('GET', '/v1/alerts/pending?limit=1', tokens.alice)).json().alerts).toHaveLength(1);
});

test('show returns the live status, the open case and the audit trail; an unknown alert is 404', async () => {
  const res = await call('GET', alertUrl(approved), tokens.engineer);
  expect(res.statusCode).toBe(200);
  const body = res.json();
  expect(body).toMatchObject({
    workflowId: approved,
    execution: 'RUNNING',
    status: { workflowId: approved, stage: 'awaiting_analyst', severity: 'high', tier: 'tier1', approvalsNeeded: 1 },
    alert: { source: 'edr-sample', sourceId: `ps-${h.run}`, severity: 'high', status: 'escalated' },
    case: { tier: 'tier1', status: 'open', assignee: null, closedBy: null },
    report: null,
  });
  expect(body.case.proposedActions.length).toBeGreaterThan(0);
  expect(body.audit.map((a: { step: string }) => a.step)).toEqual(expect.arrayContaining(['triage', 'case-opened']));

  const unknown = await call('GET', alertUrl(`alert:edr-sample:nope-${h.run}`), tokens.alice);
  expect(unknown.statusCode).toBe(404);
  expect(unknown.json().error).toMatch(/no alert alert:edr-sample:nope-/);
});

test("an engineer may not approve: the workflow's role message, a 4xx, and neither history nor audit trail changes", async () => {
  const handle = h.client.workflow.getHandle(approved);
  const eventsBefore = (await handle.fetchHistory()).events?.length;
  const auditBefore = await listAudit(h.db.pool, approved);
  // Roles in the body are ignored: the token's roles count.
  const res = await decide(approved, tokens.engineer, { action: 'approve', reason: 'looks bad', roles: ['admin'], actor: names.alice });
  expect(res.statusCode).toBe(422);
  expect(res.json().error).toBe(`role: approve needs one of analyst, admin; ${names.engineer} has engineer`);
  expect((await handle.fetchHistory()).events?.length).toBe(eventsBefore);
  expect(await listAudit(h.db.pool, approved)).toEqual(auditBefore);
  expect((await statusOf(approved)).stage).toBe('awaiting_analyst');
});

test('a decision without a reason, with an unknown action or a body that is not JSON is refused before the workflow', async () => {
  const noReason = await decide(approved, tokens.alice, { action: 'approve' });
  expect(noReason.statusCode).toBe(422);
  expect(noReason.json().error).toBe('reason: reason is required');
  const unknownAction = await decide(approved, tokens.alice, { action: 'nuke', reason: 'x' });
  expect(unknownAction.statusCode).toBe(422);
  expect(unknownAction.json().error).toMatch(/^action: unknown action; expected one of approve, close/);
  const notJson = await decide(approved, tokens.alice, '{"action": ');
  expect(notJson.statusCode).toBe(400);
  expect(notJson.json().error).toMatch(/not valid JSON/);
  const notObject = await decide(approved, tokens.alice, '["approve"]');
  expect(notObject.statusCode).toBe(400);
  expect((await statusOf(approved)).stage).toBe('awaiting_analyst');
});

test('the body cannot spoof the actor: a comment is recorded under the token name', async () => {
  const res = await decide(approved, tokens.bob, { action: 'comment', reason: `checked with the user ${h.run}`, actor: 'someone-else' });
  expect(res.statusCode).toBe(200);
  expect(res.json().status).toMatchObject({ workflowId: approved, stage: 'awaiting_analyst' });
  const audit = await listAudit(h.db.pool, approved);
  const comment = audit.find((a) => a.action === 'comment');
  expect(comment).toMatchObject({ actor: names.bob, reason: `checked with the user ${h.run}` });
  expect(audit.some((a) => a.actor === 'someone-else')).toBe(false);
});

test("an analyst adds an action: the kind must be known and the target one of the alert's entities; the added action runs", async () => {
  const workflowId = await escalated('01-encoded-powershell.json', `add-${h.run}`);
  const user = 'disable_user:CORP\\j.doe'; // the alert's user: not proposed (a host alert proposes isolation)
  expect((await statusOf(workflowId)).addedActions).toBeUndefined();
  const typed = await decide(workflowId, tokens.alice, {
    action: 'approve',
    reason: 'lock the attacker out',
    addActions: ['disable_user:CORP\\administrator'],
  });
  expect(typed.statusCode).toBe(422);
  expect(typed.json()).toMatchObject({
    error: expect.stringMatching(
      /^addActions: disable_user:CORP\\administrator is not on an entity of this alert \(its disable_user targets: disable_user:CORP\\j\.doe\)/,
    ),
  });
  const unknownKind = await decide(workflowId, tokens.alice, { action: 'approve', reason: 'x', addActions: ['format_disk:fin-ws-042'] });
  expect(unknownKind.statusCode).toBe(422);
  expect(unknownKind.json().error).toMatch(/^addActions\.0: an added action is kind:target with a known kind/);
  const notAdded = await decide(workflowId, tokens.alice, { action: 'approve', reason: 'x', actions: [user] });
  expect(notAdded.statusCode).toBe(422);
  expect(notAdded.json().error).toMatch(/is not among the proposed actions/);
  expect((await statusOf(workflowId)).stage).toBe('awaiting_analyst');

  // No four eyes on disable_user in this policy: alice's addition is its one approval; only it runs.
  const added = await decide(workflowId, tokens.alice, { action: 'approve', reason: 'lock the attacker out', addActions: [user] });
  expect(added.statusCode).toBe(200);
  expect(added.json().status).toMatchObject({ addedActions: [{ id: user, addedBy: names.alice, connector: 'manual' }] });
  const result = await h.client.workflow.getHandle(workflowId).result();
  expect(result).toMatchObject({ outcome: 'recorded_for_manual_action', responseActions: [`${user}=recorded for manual action`] });
  expect((await listAudit(h.db.pool, workflowId)).find((a) => a.step === 'analyst-decision')).toMatchObject({
    actor: names.alice,
    details: { addActions: [user] },
  });
});

test('an analyst approves: 200 with the status, the workflow completes, the case closes and the report is readable', async () => {
  const res = await decide(approved, tokens.alice, { action: 'approve', reason: 'encoded PowerShell from Word: contain' });
  expect(res.statusCode).toBe(200);
  expect(res.json().status).toMatchObject({ workflowId: approved, approvals: [names.alice] });

  const result = await h.client.workflow.getHandle(approved).result();
  expect(result).toMatchObject({
    outcome: 'recorded_for_manual_action',
    decision: { action: 'approve', actor: names.alice, roles: ['analyst'] },
  });
  const audit = await listAudit(h.db.pool, approved);
  expect(audit.find((a) => a.step === 'analyst-decision')).toMatchObject({ action: 'approve', actor: names.alice });

  const shown = (await call('GET', alertUrl(approved), tokens.alice)).json();
  expect(shown).toMatchObject({
    execution: 'COMPLETED',
    status: { stage: 'done', outcome: 'recorded_for_manual_action' },
    case: { status: 'closed', resolution: 'recorded_for_manual_action', closedBy: names.alice },
  });
  expect(shown.report.body.length).toBeGreaterThan(0);
  const pending = (await call('GET', '/v1/alerts/pending?limit=500', tokens.alice)).json().alerts;
  expect(pending.some((a: { workflowId: string }) => a.workflowId === approved)).toBe(false);
});

test('a decision on a finished alert is 409, on an unknown alert 404, with a bad token 401', async () => {
  const late = await decide(approved, tokens.bob, { action: 'close', reason: 'too late' });
  expect(late.statusCode).toBe(409);
  expect(late.json().error).toMatch(/is finished \(COMPLETED\)/);
  const unknown = await decide(`alert:edr-sample:ghost-${h.run}`, tokens.alice, { action: 'approve', reason: 'x' });
  expect(unknown.statusCode).toBe(404);
  expect(unknown.json().error).toMatch(/no alert alert:edr-sample:ghost-/);
  expect((await decide(approved, 'asoc_not-a-token', { action: 'close', reason: 'x' })).statusCode).toBe(401);
});

test('an engineer may assign; an analyst closes as a false positive; the suggestion is listed and accepted with an expiry', async () => {
  const ruleId = `fp-rule-${h.run}`;
  const workflowId = await escalated('02-lsass-dump.json', `fp-${h.run}`, { rule: { id: ruleId, name: 'Noisy backup job' } });
  const assigned = await decide(workflowId, tokens.engineer, { action: 'assign', assignee: names.bob });
  expect(assigned.statusCode).toBe(200);
  const shown = (await call('GET', alertUrl(workflowId), tokens.alice)).json();
  expect(shown.case.assignee).toBe(names.bob);

  const closed = await decide(workflowId, tokens.bob, { action: 'close', reason: 'the nightly backup agent', falsePositive: true });
  expect(closed.statusCode).toBe(200);
  expect(await h.client.workflow.getHandle(workflowId).result()).toMatchObject({
    outcome: 'closed_by_analyst',
    decision: { actor: names.bob, falsePositive: true },
  });

  expect((await call('GET', '/v1/tuning/suggestions', tokens.alice)).statusCode).toBe(403);
  const listed = await call('GET', '/v1/tuning/suggestions', tokens.engineer);
  expect(listed.statusCode).toBe(200);
  const suggestion = listed.json().suggestions.find((s: { match: { ruleId?: string } }) => s.match.ruleId === ruleId);
  expect(suggestion).toMatchObject({
    status: 'candidate',
    hits: 1,
    createdBy: 'system:tuning',
    expiresAt: null,
    match: { source: 'edr-sample', ruleId, host: 'srv-dc-01' },
    reason: expect.stringContaining(`closed as false positive by ${names.bob}`),
  });

  expect((await call('POST', `/v1/tuning/suggestions/${suggestion.id}/accept`, tokens.alice, {})).statusCode).toBe(403);
  const badTtl = await call('POST', `/v1/tuning/suggestions/${suggestion.id}/accept`, tokens.engineer, { ttlDays: 0 });
  expect(badTtl.statusCode).toBe(400);
  expect(badTtl.json().error).toMatch(/ttlDays/);
  const before = Date.now();
  const accepted = await call('POST', `/v1/tuning/suggestions/${suggestion.id}/accept`, tokens.engineer);
  expect(accepted.statusCode).toBe(200);
  const suppression = accepted.json().suppression;
  expect(suppression).toMatchObject({ id: suggestion.id, status: 'active', match: suggestion.match });
  const days = (Date.parse(suppression.expiresAt) - before) / 86_400_000;
  expect(days).toBeGreaterThan(29.99);
  expect(days).toBeLessThan(30.01);
  const { rows } = await h.db.pool.query('SELECT status, accepted_by, expires_at FROM suppressions WHERE id = $1', [suggestion.id]);
  expect(rows[0]).toMatchObject({ status: 'active', accepted_by: names.engineer });
  expect(rows[0].expires_at.toISOString()).toBe(suppression.expiresAt);

  const again = await call('POST', `/v1/tuning/suggestions/${suggestion.id}/accept`, tokens.engineer);
  expect(again.statusCode).toBe(409);
  expect(again.json().error).toMatch(/is active, not a candidate/);
  expect((await call('POST', '/v1/tuning/suggestions/999999999/accept', tokens.engineer)).statusCode).toBe(404);
  expect((await call('POST', '/v1/tuning/suggestions/abc/accept', tokens.engineer)).statusCode).toBe(400);

  // The suppression is live: the same pattern arriving again is suppressed at ingest.
  const again2 = sample('02-lsass-dump.json', { sourceId: `fp2-${h.run}`, rule: { id: ruleId, name: 'Noisy backup job' } });
  const ingested = await call('POST', '/v1/alerts', tokens.ingest, again2);
  expect(ingested.json().results[0].status).toBe('suppressed');
});

test('without a Temporal client the status and decide routes answer 503; the database routes still work', async () => {
  const res = await h.app.inject({ method: 'GET', url: alertUrl(approved), headers: { authorization: `Bearer ${tokens.alice}` } });
  expect(res.statusCode).toBe(503);
  expect(res.json().error).toMatch(/no Temporal client/);
  const pending = await h.app.inject({ method: 'GET', url: '/v1/alerts/pending', headers: { authorization: `Bearer ${tokens.alice}` } });
  expect(pending.statusCode).toBe(200);
});

test('the OpenAPI document describes the analyst, tuning and evidence routes', async () => {
  const doc = (await call('GET', '/openapi.json')).json();
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining([
      '/v1/alerts/pending',
      '/v1/alerts/{workflowId}',
      '/v1/alerts/{workflowId}/decide',
      '/v1/alerts/{workflowId}/evidence',
      '/v1/tuning/suggestions',
      '/v1/tuning/suggestions/{id}/accept',
    ]),
  );
  const decideOp = doc.paths['/v1/alerts/{workflowId}/decide'].post;
  expect(decideOp.parameters).toEqual(
    expect.arrayContaining([expect.objectContaining({ in: 'path', name: 'workflowId', required: true })]),
  );
  expect(Object.keys(decideOp.responses)).toEqual(expect.arrayContaining(['200', '404', '409', '422']));
  expect(doc.paths['/v1/alerts/{workflowId}/evidence'].post.requestBody.content['application/octet-stream']).toBeDefined();
});

test('every analyst and tuning call is audited with actor, route, target and outcome, and no token or body', async () => {
  const { rows } = await h.db.pool.query<{
    actor: string;
    action: string;
    target: string | null;
    outcome: string;
    detail: Record<string, unknown>;
  }>('SELECT actor, action, target, outcome, detail FROM audit_log WHERE at >= $1 ORDER BY id', [startedAt]);
  const has = (e: Record<string, unknown>) => expect(rows).toEqual(expect.arrayContaining([expect.objectContaining(e)]));
  has({ actor: names.alice, action: 'GET /v1/alerts/pending', target: null, outcome: '200' });
  has({ actor: names.ingest, action: 'GET /v1/alerts/pending', outcome: '403', detail: { reason: 'forbidden' } });
  has({ actor: names.engineer, action: 'GET /v1/alerts/:workflowId', target: approved, outcome: '200' });
  has({
    actor: names.engineer,
    action: 'POST /v1/alerts/:workflowId/decide',
    target: approved,
    outcome: '422',
    detail: { decision: 'approve', reason: 'decision_rejected' },
  });
  has({
    actor: names.alice,
    action: 'POST /v1/alerts/:workflowId/decide',
    target: approved,
    outcome: '200',
    detail: { decision: 'approve' },
  });
  has({
    actor: names.bob,
    action: 'POST /v1/alerts/:workflowId/decide',
    target: approved,
    outcome: '409',
    detail: { decision: 'close', reason: 'alert_finished' },
  });
  has({
    actor: names.alice,
    action: 'POST /v1/alerts/:workflowId/decide',
    outcome: '404',
    detail: { decision: 'approve', reason: 'unknown_alert' },
  });
  expect(rows.filter((r) => r.actor === 'anonymous')).toEqual([]); // refused tokens write nothing
  has({
    actor: names.engineer,
    action: 'POST /v1/tuning/suggestions/:id/accept',
    target: expect.stringMatching(/^suppression:\d+$/),
    outcome: '200',
    detail: { ttlDays: 30 },
  });
  // Each call is audited once (the server's generic hook does not record these routes again).
  const decides = rows.filter(
    (r) => r.action === 'POST /v1/alerts/:workflowId/decide' && r.actor === names.alice && r.outcome === '200' && r.target === approved,
  );
  expect(decides).toHaveLength(1);
  const everything = JSON.stringify(rows);
  for (const secret of [...Object.values(tokens), adminToken]) expect(everything).not.toContain(secret);
  expect(everything).not.toContain('encoded PowerShell from Word'); // decision reasons stay in the decision trail
  expect(everything).not.toContain(`checked with the user ${h.run}`);
});
