// The response saga end to end on the dev server, every hop real: an alert POSTed to the API,
// escalated by the real worker, approved through the API, contained at the local Falcon server
// (host isolation) and in the firewall's blocklist (served by the API), closed as a false
// positive through the API inside the review window, and undone at both; the outcome, the case,
// the response_actions rows and the report tell both halves.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApiServer } from '../../src/api/server';
import { escapeMarkdown } from '../../src/reports/escape';
import { alertWorkflowId } from '../../src/domain/alert';
import { DecisionSigner } from '../../src/security/decision-signer';
import { createApiToken } from '../../src/store/api-tokens';
import { hasBlocklistEntry } from '../../src/store/blocklists';
import { getCase } from '../../src/store/cases';
import { getReport } from '../../src/store/reports';
import { listResponseActions } from '../../src/store/response-actions';
import { statusQuery } from '../../src/workflows/messages';
import type { AlertStatus } from '../../src/domain/alert-status';
import { sample, startApiHarness, type ApiHarness } from '../api/harness';
import { FalconResponseServer } from '../servers/falcon-response-server';
import { saveHistory } from '../helpers/histories';
import { waitFor } from '../helpers/wait';

const HOST = 'fin-ws-042'; // the sample's host
const C2 = '203.0.113.77'; // the sample's outbound peer: the malicious verdict proposes blocking it
const FALCON = { clientId: 'e2e-client', clientSecret: `s-${randomBytes(8).toString('hex')}` };

let falcon: FalconResponseServer;
let h: ApiHarness;
let app: FastifyInstance;
const tokens = {} as Record<'ingest' | 'alice' | 'carol' | 'firewall', string>;

beforeAll(async () => {
  falcon = new FalconResponseServer({ ...FALCON, devices: [{ id: 'e2e0'.repeat(8), hostname: HOST }] });
  const falconUrl = await falcon.start();
  // The policy as an operator writes it: who serves what, and the review window.
  const dir = mkdtempSync(join(tmpdir(), 'autosoc-e2e-policy-'));
  writeFileSync(
    join(dir, 'policy.yaml'),
    'responseConnectors:\n  isolate_host: falcon\n  block_ip: edl\ncontainment:\n  reviewWindow: 24h\n',
  );
  // The worker reads connector credentials from its configuration's environment, as in production.
  h = await startApiHarness('e2e-undo', {
    env: {
      AUTOSOC_POLICY_FILE: join(dir, 'policy.yaml'),
      FALCON_BASE_URL: falconUrl,
      FALCON_CLIENT_ID: FALCON.clientId,
      FALCON_CLIENT_SECRET: FALCON.clientSecret,
      EDR_POLL_INTERVAL: '50ms',
    },
  });
  // The harness's app has no Temporal client; this one is built as the ingest tier builds it.
  app = buildApiServer({
    db: h.db.pool,
    ingest: h.ingest,
    client: h.client,
    policy: h.config.policy,
    maxBodyBytes: h.config.api.maxBodyBytes,
    signer: new DecisionSigner(h.config.security.decisionKeys),
  });
  await app.ready();
  tokens.ingest = await createApiToken(h.db.pool, { name: `ingest-${h.run}`, roles: ['ingest'], anySource: true });
  tokens.alice = await createApiToken(h.db.pool, { name: `alice-${h.run}`, roles: ['analyst'] });
  tokens.carol = await createApiToken(h.db.pool, { name: `carol-${h.run}`, roles: ['analyst'] });
  tokens.firewall = await createApiToken(h.db.pool, { name: `pa-fw-${h.run}`, roles: ['firewall'] });
});

afterAll(async () => {
  await app?.close();
  await h?.close();
  await falcon?.stop();
});

const call = async (method: 'GET' | 'POST', url: string, token: string, body?: unknown) =>
  app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    payload: body ? JSON.stringify(body) : undefined,
  } as InjectOptions);
const stageOf = (workflowId: string, stage: AlertStatus['stage']) =>
  waitFor(
    () => h.client.workflow.getHandle(workflowId).query(statusQuery),
    (s) => s.stage === stage,
    `${workflowId} ${stage}`,
  );
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const firewallList = async () => (await call('GET', '/v1/blocklists/ip', tokens.firewall)).body.split('\n');

test('ingest → escalated → approved through the API → contained at the vendor → closed as a false positive in the window → undone at the vendor', async () => {
  const alert = sample('01-encoded-powershell.json', { sourceId: `undo-${h.run}` });
  const posted = await call('POST', '/v1/alerts', tokens.ingest, alert);
  expect(posted.statusCode).toBe(202);
  const workflowId = alertWorkflowId({ source: alert.source as string, sourceId: alert.sourceId as string });
  const escalated = await stageOf(workflowId, 'awaiting_analyst');
  expect(escalated).toMatchObject({ disposition: 'escalate', verdict: 'malicious' });

  const isolate = `isolate_host:${HOST}`,
    block = `block_ip:${C2}`;
  const approved = await call('POST', `/v1/alerts/${encodeURIComponent(workflowId)}/decide`, tokens.alice, {
    action: 'approve',
    reason: 'Word spawned encoded PowerShell: contain',
  });
  expect(approved.statusCode).toBe(200);
  const contained = await stageOf(workflowId, 'contained');
  expect(contained.containment).toMatchObject({
    state: 'contained',
    actions: [
      { id: isolate, status: 'executed', approvedBy: `alice-${h.run}` },
      { id: block, status: 'executed', approvedBy: `alice-${h.run}` },
    ],
  });
  // At the vendor: contained once; the firewall pulls the address from autosoc's list.
  expect([falcon.did('contain', HOST), falcon.devices[0].status]).toEqual([1, 'contained']);
  expect(await firewallList()).toContain(C2);
  expect(await hasBlocklistEntry(h.db.pool, 'ip', C2, workflowId)).toBe(true);

  const closed = await call('POST', `/v1/alerts/${encodeURIComponent(workflowId)}/decide`, tokens.carol, {
    action: 'close',
    reason: 'the finance team’s signed macro, change CHG-5120',
    falsePositive: true,
  });
  expect(closed.statusCode).toBe(200);
  const result = await h.client.workflow.getHandle(workflowId).result();
  expect(result).toMatchObject({
    outcome: 'released_as_false_positive',
    responseActions: [`${isolate}=undone`, `${block}=undone`],
    containment: { state: 'released', releasedBy: `carol-${h.run}`, undoEscalated: [] },
  });
  // At the vendor: lifted once; this alert's entry is gone from the list.
  expect([falcon.did('lift_containment', HOST), falcon.did('contain', HOST), falcon.devices[0].status]).toEqual([1, 1, 'normal']);
  expect(await hasBlocklistEntry(h.db.pool, 'ip', C2, workflowId)).toBe(false);

  expect(await getCase(h.db.pool, workflowId)).toMatchObject({
    status: 'closed',
    resolution: 'released_as_false_positive',
    closed_by: `carol-${h.run}`,
  });
  const rows = await listResponseActions(h.db.pool, workflowId);
  expect(rows.map((r) => [r.kind, r.status, r.connector])).toEqual([
    ['block_ip', 'undone', 'edl'],
    ['isolate_host', 'undone', 'falcon'],
  ]);
  // The report shows both halves: what was executed and its undo.
  const report = (await getReport(h.db.pool, workflowId))!.body;
  const device = falcon.devices[0].id;
  expect(report).toContain(
    escapeMarkdown(
      `isolate_host ${HOST}: undone via falcon, approved by alice-${h.run}: falcon: device ${device} contained | undo: falcon: containment of device ${device} lifted`,
    ),
  );
  expect(report).toMatch(
    new RegExp(
      `${escapeRegExp(escapeMarkdown(`block_ip ${C2}: undone via edl, approved by alice-${h.run}: edl: ${C2} on the ip blocklist until `))}.* ${escapeRegExp(escapeMarkdown(`| undo: edl: ${C2} removed from the ip blocklist`))}`,
    ),
  );
  const shown = (await call('GET', `/v1/alerts/${encodeURIComponent(workflowId)}`, tokens.alice)).json();
  expect(shown).toMatchObject({ execution: 'COMPLETED', status: { outcome: 'released_as_false_positive' }, report: { body: report } });
  // `npm run record-histories`: the saga's path (containment-v1, analyst-added-actions-v1) for test/replay.
  if (process.env.RECORD_HISTORIES)
    await saveHistory('containment-released-as-false-positive', workflowId, await h.client.workflow.getHandle(workflowId).fetchHistory());
});
