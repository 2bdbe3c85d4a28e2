// The MISP push trigger end to end: POST /v1/content/misp/:workflowId (intel tokens only) and
// `autosoc content share --misp` start shareIntelWorkflow on a real dev server; the real worker
// (src/worker.ts, MISP from AUTOSOC_MISP_URL/KEY) runs pushToMisp against the local server
// speaking MISP's REST API (test/servers/misp-server.ts), over PostgreSQL. Starting is
// idempotent (the workflow id comes from the alert's), a re-push edits the event, never adds one.
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { PushToMispResult } from '../../src/activities/share';
import { buildApiServer } from '../../src/api/server';
import { run as cli } from '../../src/cli/main';
import { testConfig } from '../helpers/config';
import { SharingPolicy } from '../../src/content/sharing';
import { parseAlert } from '../../src/domain/alert';
import { DEFAULT_CORRELATION } from '../../src/domain/correlation';
import { extractObservables } from '../../src/domain/observables';
import { IngestService } from '../../src/ingest/ingest-service';
import { upsertAlert } from '../../src/store/alerts';
import { createApiToken } from '../../src/store/api-tokens';
import { mispShareWorkflowId } from '../../src/temporal/share-intel';
import { createWorker } from '../../src/worker';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { devServerEnv, uniqueSuffix } from '../helpers/temporal';
import { waitFor } from '../helpers/wait';
import { MispServer } from '../servers/misp-server';

const KEY = 'Mq4vTz8Lk2aB6cD0eF3gH5iJ7kL9mN1oP3qR5sT7';
const run = uniqueSuffix();
let db: TestDatabase;
let env: TestWorkflowEnvironment;
let client: Client;
let worker: Worker;
let working: Promise<void>;
let app: FastifyInstance;
let base: string;
let misp: MispServer;
const tokens = { intel: '', analyst: '' };
const saved = { url: process.env.AUTOSOC_MISP_URL, key: process.env.AUTOSOC_MISP_KEY };

async function storeAlert(name: string, urls: string[], verdict?: string): Promise<string> {
  const workflowId = `alert:edr-${run}:${name}`;
  const alert = parseAlert({
    source: `edr-${run}`,
    sourceId: name,
    time: '2026-12-01T10:00:00Z',
    title: 'Stager on ws-0142',
    severity: 'high',
    attackTechniques: ['T1105'],
    observables: { hosts: [{ hostname: 'ws-0142' }], users: [{ name: 'jdoe' }], urls, ips: ['203.0.113.77'] },
  });
  await upsertAlert(db.pool, workflowId, alert, extractObservables(alert));
  await db.pool.query('UPDATE alerts SET verdict = $2, alert = $3 WHERE workflow_id = $1', [
    workflowId,
    verdict ?? null,
    JSON.stringify(alert),
  ]);
  return workflowId;
}

const share = (workflowId: string, token: string) =>
  fetch(`${base}/v1/content/misp/${encodeURIComponent(workflowId)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
  });
const result = (started: { workflowId: string; runId: string }) =>
  client.workflow.getHandle(started.workflowId, started.runId).result() as Promise<PushToMispResult>;

beforeAll(async () => {
  misp = new MispServer(KEY);
  await misp.start();
  process.env.AUTOSOC_MISP_URL = misp.url;
  process.env.AUTOSOC_MISP_KEY = KEY;
  const config = testConfig({ TEMPORAL_TASK_QUEUE: `misp-share-${run}`, AUTOSOC_MISP_URL: misp.url, AUTOSOC_MISP_KEY: KEY });
  [db, env] = await Promise.all([openTestDatabase(), devServerEnv()]);
  client = env.client;
  worker = await createWorker(config, db.pool, env.nativeConnection, client);
  working = worker.run();
  const sharing = SharingPolicy.parse({ defaultTlp: 'green', bySource: { [`edr-${run}`]: 'green' } });
  const policy = { ...config.policy, sharing };
  const ingest = new IngestService({ db: db.pool, client, taskQueue: config.temporal.taskQueue, policy, correlation: DEFAULT_CORRELATION });
  app = buildApiServer({ db: db.pool, ingest, client, taskQueue: config.temporal.taskQueue, policy, maxBodyBytes: 1 << 20 });
  base = (await app.listen({ host: '127.0.0.1', port: 0 })).replace(/\/$/, '');
  tokens.intel = await createApiToken(db.pool, { name: `intel-${run}`, roles: ['intel'] });
  tokens.analyst = await createApiToken(db.pool, { name: `analyst-${run}`, roles: ['analyst'] });
}, 180_000);
afterAll(async () => {
  await app?.close();
  worker?.shutdown();
  await working;
  await env?.teardown();
  await db?.close();
  await misp?.stop();
  process.env.AUTOSOC_MISP_URL = saved.url;
  process.env.AUTOSOC_MISP_KEY = saved.key;
});

describe('MISP push trigger', () => {
  it('refuses other roles, unknown and unconfirmed alerts before starting anything', async () => {
    const confirmed = await storeAlert('roles', ['https://roles.badcdn-example.net/a'], 'malicious');
    const refused = await share(confirmed, tokens.analyst);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: expect.stringMatching(/needs one of the roles intel/) });
    expect((await share(`alert:edr-${run}:nope`, tokens.intel)).status).toBe(404);
    const pending = await storeAlert('pending', ['https://pending.badcdn-example.net/p']);
    expect((await share(pending, tokens.intel)).status).toBe(400);
    await expect(client.workflow.getHandle(mispShareWorkflowId(confirmed)).describe()).rejects.toThrow(/not found/i);
    expect(misp.calls).toHaveLength(0);
  });

  it('pushes once, joins a running push, and edits the same event on a re-push', async () => {
    const alertId = await storeAlert('incident', ['https://stage1.badcdn-example.net/a.bin'], 'malicious');
    const answer = await share(alertId, tokens.intel);
    expect(answer.status).toBe(202);
    const first = (await answer.json()) as { workflowId: string; runId: string };
    expect(first.workflowId).toBe(mispShareWorkflowId(alertId));
    const added = await result(first);
    expect(added.action).toBe('added');
    expect(misp.events.size).toBe(1);
    const event = misp.events.get(added.uuid)!;
    expect(event.Attribute.map((a) => a.value)).toEqual(
      expect.arrayContaining(['https://stage1.badcdn-example.net/a.bin', '203.0.113.77']),
    );
    expect(JSON.stringify(event)).not.toMatch(/ws-0142|jdoe/);

    // Asked again, nothing changed: a new run, whose activity finds its intent done and calls nobody.
    const calls = misp.calls.length;
    const again = (await (await share(alertId, tokens.intel)).json()) as { workflowId: string; runId: string };
    expect(again.runId).not.toBe(first.runId);
    expect(await result(again)).toMatchObject({ action: 'already-pushed', uuid: added.uuid });
    expect(misp.calls).toHaveLength(calls);

    // New evidence, and MISP failing: the push retries; a second request while it does joins the same run.
    await storeAlert('incident', ['https://stage1.badcdn-example.net/a.bin', 'https://stage2.badcdn-example.net/b.bin'], 'malicious');
    misp.failNext = 1_000;
    const failing = (await (await share(alertId, tokens.intel)).json()) as { workflowId: string; runId: string };
    await waitFor(
      async () => misp.count('/events/restSearch'),
      (n) => n >= 2,
      'the first attempt to reach MISP',
    );
    let out = '',
      err = '';
    const io = {
      stdout: (s: string) => {
        out += s;
      },
      stderr: (s: string) => {
        err += s;
      },
      env: { AUTOSOC_API_URL: base, AUTOSOC_API_TOKEN: tokens.intel, PATH: process.env.PATH },
    };
    expect(await cli(['content', 'share', '--misp', alertId], io)).toBe(0);
    expect(err).toBe('');
    expect(out).toBe(`MISP push started: workflow ${failing.workflowId} (run ${failing.runId})\n`);
    misp.failNext = 0;
    const updated = await result(failing);
    expect(updated).toMatchObject({ action: 'updated', uuid: added.uuid });
    expect(misp.events.size).toBe(1);
    expect(misp.events.get(added.uuid)!.Attribute.map((a) => a.value)).toContain('https://stage2.badcdn-example.net/b.bin');
    expect(misp.count('/events/add')).toBe(1);
    expect(misp.count('/events/edit')).toBe(1);
    // The failed attempt is in the run's history: the retry was Temporal's, under the workflow's retry policy.
    const history = await client.workflow.getHandle(failing.workflowId, failing.runId).fetchHistory();
    const startedEvent = history.events!.find((e) => e.activityTaskStartedEventAttributes)!;
    expect(startedEvent.activityTaskStartedEventAttributes!.attempt).toBeGreaterThan(1);

    const audit = await db.pool.query<{ detail: Record<string, unknown> }>(
      "SELECT detail FROM audit_log WHERE actor = $1 AND action LIKE 'POST /v1/content/misp/%' AND outcome = '202' ORDER BY id",
      [`intel-${run}`],
    );
    expect(audit.rows.map((r) => r.detail)).toContainEqual({ workflowId: alertId, share: first.workflowId });
  }, 180_000);
});
