// Approvals from Slack end to end on real components: escalations ingested through the API are
// posted by the real worker to a local Slack (chat.postMessage, throttled once), and clicks that
// local Slack signs come back to /v1/slack/interactions, which maps the Slack user, decides
// through the workflow's Update and audits, then rewrites the message (chat.update).
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApiServer } from '../../src/api/server';
import { slackWebApi } from '../../src/connectors/slack/web-api';
import { alertWorkflowId } from '../../src/domain/alert';
import { DecisionSigner } from '../../src/security/decision-signer';
import { createApiToken } from '../../src/store/api-tokens';
import { listAudit } from '../../src/store/decisions';
import { mapSlackUser } from '../../src/store/slack';
import { statusQuery } from '../../src/workflows/messages';
import type { AlertStatus } from '../../src/domain/alert-status';
import { SlackServer, type PostedMessage } from '../servers/slack-server';
import { waitFor } from '../helpers/wait';
import { sample, startApiHarness, type ApiHarness } from './harness';

const slack = new SlackServer();
let h: ApiHarness;
let app: FastifyInstance;
let ingestToken: string;
const HOSTILE_TITLE = 'LSASS read <!channel> <https://evil.example|click me> & *bold*';

beforeAll(async () => {
  await slack.start();
  slack.throttleNext = 1; // the first post is rate-limited: the worker waits Retry-After and posts once
  h = await startApiHarness('slack', {
    env: { AUTOSOC_SLACK_BOT_TOKEN: slack.token, AUTOSOC_SLACK_CHANNEL: '#soc-alerts', AUTOSOC_SLACK_API_URL: slack.apiUrl },
  });
  app = buildApiServer({
    db: h.db.pool,
    ingest: h.ingest,
    client: h.client,
    maxBodyBytes: h.config.api.maxBodyBytes,
    signer: new DecisionSigner(h.config.security.decisionKeys),
    slack: {
      signingSecret: slack.signingSecret,
      api: slackWebApi({ token: slack.token, baseUrl: slack.apiUrl }),
      responseUrlPrefix: `${slack.url}/response/`,
    },
  });
  await app.ready();
  ingestToken = await createApiToken(h.db.pool, { name: `ingest-${h.run}`, roles: ['ingest'], anySource: true });
  await mapSlackUser(h.db.pool, { teamId: slack.teamId, userId: 'U0ALICE', actor: `alice-${h.run}`, roles: ['analyst'] });
  await mapSlackUser(h.db.pool, { teamId: slack.teamId, userId: 'U0ENGINEER', actor: `eng-${h.run}`, roles: ['engineer'] });
});

afterAll(async () => {
  await app?.close();
  await h?.close();
  await slack.stop();
});

const statusOf = (workflowId: string) => h.client.workflow.getHandle(workflowId).query(statusQuery);
const post = (req: { body: string; headers: Record<string, string> }) =>
  app.inject({ method: 'POST', url: '/v1/slack/interactions', headers: req.headers, payload: req.body } as InjectOptions);
const auditRows = async (target: string) =>
  (
    await h.db.pool.query<{ actor: string; action: string; outcome: string; detail: Record<string, unknown> }>(
      'SELECT actor, action, outcome, detail FROM audit_log WHERE target = $1 ORDER BY id',
      [target],
    )
  ).rows;

async function escalatedMessage(
  file: string,
  sourceId: string,
  overrides: Record<string, unknown> = {},
): Promise<{ workflowId: string; message: PostedMessage }> {
  const alert = sample(file, { sourceId, ...overrides });
  const res = await app.inject({
    method: 'POST',
    url: '/v1/alerts',
    headers: { authorization: `Bearer ${ingestToken}`, 'content-type': 'application/json' },
    payload: JSON.stringify(alert),
  });
  expect(res.statusCode).toBe(202);
  const workflowId = alertWorkflowId({ source: alert.source as string, sourceId });
  await waitFor(
    () => statusOf(workflowId),
    (s: AlertStatus) => s.stage === 'awaiting_analyst',
    `${workflowId} awaiting an analyst`,
  );
  const message = await waitFor(
    async () => slack.messages.find((m) => JSON.stringify(m.blocks).includes(JSON.stringify(workflowId).slice(1, -1))),
    (m) => m !== undefined,
    `the Slack message for ${workflowId}`,
  );
  return { workflowId, message: message! };
}

let lsass: { workflowId: string; message: PostedMessage };

test('an escalation is posted once as Block Kit with its escaped reasons and Approve / Close buttons, after a 429', async () => {
  lsass = await escalatedMessage('02-lsass-dump.json', `lsass-${h.run}`, { title: HOSTILE_TITLE });
  expect(slack.calls.filter((c) => c === 'chat.postMessage').length).toBe(2); // the 429, then the post
  expect(slack.messages.filter((m) => m === lsass.message)).toHaveLength(1);
  const text = JSON.stringify(lsass.message.blocks);
  expect(text).toContain('LSASS read &lt;!channel&gt; &lt;https://evil.example|click me&gt; &amp; *bold*');
  expect(text).not.toContain('<!channel>');
  const row = (await h.db.pool.query<{ reasons: string[] }>('SELECT reasons FROM alerts WHERE workflow_id = $1', [lsass.workflowId]))
    .rows[0];
  expect(row.reasons.length).toBeGreaterThan(0);
  expect(text).toContain('*Why*');
  const actions = lsass.message.blocks.find((b) => (b as { type: string }).type === 'actions') as {
    elements: { action_id: string; value?: string }[];
  };
  expect(actions.elements.slice(0, 2).map((e) => [e.action_id, e.value])).toEqual([
    ['autosoc_approve', lsass.workflowId],
    ['autosoc_close', lsass.workflowId],
  ]);
  const stored = await h.db.pool.query('SELECT channel, ts FROM slack_messages WHERE workflow_id = $1', [lsass.workflowId]);
  expect(stored.rows).toEqual([{ channel: lsass.message.channel, ts: lsass.message.ts }]);
});

test('a bad signature or a stale timestamp is refused before anything is read; the alert still waits', async () => {
  const forged = await post(slack.click(lsass.message, 'autosoc_approve', 'U0ALICE', { signWith: randomBytes(16).toString('hex') }));
  expect(forged.statusCode).toBe(401);
  expect(forged.json().error).toMatch(/does not match/);
  const stale = await post(slack.click(lsass.message, 'autosoc_approve', 'U0ALICE', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }));
  expect(stale.statusCode).toBe(401);
  expect(stale.json().error).toMatch(/5 minutes/);
  const unsigned = slack.click(lsass.message, 'autosoc_approve', 'U0ALICE');
  delete (unsigned.headers as Record<string, string | undefined>)['x-slack-signature'];
  expect((await post(unsigned)).statusCode).toBe(401);
  expect((await statusOf(lsass.workflowId)).stage).toBe('awaiting_analyst');
  expect(lsass.message.updates).toEqual([]);
});

test('an unmapped Slack user is refused, told so alone, and audited', async () => {
  const res = await post(slack.click(lsass.message, 'autosoc_approve', 'U0STRANGER'));
  expect(res.statusCode).toBe(200);
  const told = await waitFor(
    async () => slack.responses.filter((r) => r.path === `/response/${lsass.message.ts}`),
    (r) => r.length >= 1,
    'the refusal',
  );
  expect(told[0].body).toMatchObject({ response_type: 'ephemeral', replace_original: false, text: expect.stringMatching(/not mapped/) });
  expect(await auditRows(lsass.workflowId)).toContainEqual(
    expect.objectContaining({
      actor: `slack:${slack.teamId}/U0STRANGER`,
      action: 'slack approve',
      outcome: '403',
      detail: expect.objectContaining({ reason: 'unmapped_slack_user' }),
    }),
  );
  expect((await statusOf(lsass.workflowId)).stage).toBe('awaiting_analyst');
});

test("a mapped user whose role may not approve is refused with the workflow's own message, and audited", async () => {
  await post(slack.click(lsass.message, 'autosoc_approve', 'U0ENGINEER'));
  const told = await waitFor(
    async () => slack.responses.filter((r) => r.path === `/response/${lsass.message.ts}`),
    (r) => r.length >= 2,
    'the refusal',
  );
  expect(told[1].body.text).toMatch(/role: approve needs one of analyst, admin/);
  expect(await auditRows(lsass.workflowId)).toContainEqual(
    expect.objectContaining({ actor: `eng-${h.run}`, action: 'slack approve', outcome: '422' }),
  );
  expect((await statusOf(lsass.workflowId)).stage).toBe('awaiting_analyst');
});

test('a mapped analyst approves from Slack: the workflow decides, the audit names them and the Slack user, the message shows the outcome', async () => {
  const res = await post(slack.click(lsass.message, 'autosoc_approve', 'U0ALICE', { username: 'alice.s' }));
  expect(res.statusCode).toBe(200);
  await waitFor(
    async () => lsass.message.updates.length,
    (n) => n === 1,
    'chat.update',
  );
  const status = await waitFor(
    () => statusOf(lsass.workflowId),
    (s) => s.stage !== 'awaiting_analyst',
    'the decision',
  );
  expect(status.approvals).toEqual([`alice-${h.run}`]);
  const decision = (await listAudit(h.db.pool, lsass.workflowId)).find((a) => a.action === 'approve');
  expect(decision).toMatchObject({ actor: `alice-${h.run}`, reason: 'Approved from Slack by @alice.s (U0ALICE)' });
  expect(await auditRows(lsass.workflowId)).toContainEqual(
    expect.objectContaining({
      actor: `alice-${h.run}`,
      action: 'slack approve',
      outcome: '200',
      detail: { slackUser: `${slack.teamId}/U0ALICE`, decision: 'approve' },
    }),
  );
  const update = lsass.message.updates[0];
  expect(update.blocks.some((b) => (b as { type: string }).type === 'actions')).toBe(false);
  expect(JSON.stringify(update.blocks)).toContain(`Approved by alice-${h.run} (Slack @alice.s)`);
  // A second click on the decided alert is refused by the workflow, told to the clicker.
  await post(slack.click(lsass.message, 'autosoc_close', 'U0ALICE'));
  const told = await waitFor(
    async () => slack.responses.filter((r) => r.path === `/response/${lsass.message.ts}`),
    (r) => r.length >= 3,
    'the refusal',
  );
  expect(told[2].body.text).toMatch(/already decided|finished|not awaiting/);
  expect(lsass.message.updates).toHaveLength(1);
});

test('Close from Slack closes the alert as the mapped analyst', async () => {
  const ps = await escalatedMessage('01-encoded-powershell.json', `ps-${h.run}`);
  await post(slack.click(ps.message, 'autosoc_close', 'U0ALICE'));
  await waitFor(
    async () => ps.message.updates.length,
    (n) => n === 1,
    'chat.update',
  );
  const result = await h.client.workflow.getHandle(ps.workflowId).result();
  expect(result.outcome).toBe('closed_by_analyst');
  expect((await listAudit(h.db.pool, ps.workflowId)).find((a) => a.action === 'close')).toMatchObject({ actor: `alice-${h.run}` });
});
