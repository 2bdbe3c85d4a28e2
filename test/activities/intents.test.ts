// Intent before side effect: for each side-effecting activity, a crash between the call to the
// other system and the record of it (simulated by losing the database right after the call,
// as a worker dying there would) never repeats the call on retry. Local servers count calls.
import { readFileSync } from 'node:fs';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { Pool } from 'pg';
import { notify } from '../../src/activities/notify';
import { respond } from '../../src/activities/respond';
import { sandboxDetonate } from '../../src/activities/sandbox';
import type { ActivityDeps } from '../../src/activities/deps';
import { slackNotifier, webhookNotifier, type Notifier } from '../../src/connectors/notifier';
import type { ResponseConnector } from '../../src/connectors/response-connector';
import { sandboxFromConfig } from '../../src/connectors/sandbox/config';
import type { Finding } from '../../src/domain/finding';
import { extractObservables } from '../../src/domain/observables';
import { upsertAlert } from '../../src/store/alerts';
import { storeEvidence } from '../../src/store/evidence';
import { sampleAlert } from '../helpers/alerts';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { uniqueSuffix } from '../helpers/temporal';
import { CapeServer } from '../servers/cape-server';
import { WebhookServer } from '../servers/webhook-server';
import { capeReport } from '../connectors/sandbox/cape-report-fixture';

const slack = new WebhookServer();
const hook = new WebhookServer();
const cape = new CapeServer({ report: (s) => capeReport(s.taskId, s.sha256, s.filename ?? 'sample') });
let db: TestDatabase;
let urls: { slack: string; hook: string; cape: string };

/** A pool for one attempt: `crash()` ends it, so whatever the attempt records next fails. */
function attemptPool() {
  const pool = new Pool({ connectionString: db.url, max: 1 });
  pool.on('error', () => undefined);
  return { pool, crash: () => pool.end() };
}

/** The same channel, but the worker "dies" (loses its database) right after the call returned. */
const crashingAfter = (n: Notifier, crash: () => Promise<void>): Notifier => ({
  channel: n.channel,
  send: async (msg, key) => {
    await n.send(msg, key);
    await crash();
  },
});

async function alertRow(): Promise<string> {
  const workflowId = `intent-${uniqueSuffix()}`;
  const alert = sampleAlert('02-lsass-dump.json', workflowId);
  await upsertAlert(db.pool, workflowId, alert, extractObservables(alert));
  return workflowId;
}

beforeAll(async () => {
  db = await openTestDatabase();
  urls = { slack: await slack.start(), hook: await hook.start(), cape: await cape.start() };
});
afterAll(async () => {
  await Promise.all([slack.stop(), hook.stop(), cape.stop()]);
  await db.close();
});

describe('notify (Slack and webhook cannot be asked whether a message arrived)', () => {
  it('a crash after sending leaves the message sent once and marked unknown, never resent', async () => {
    const workflowId = await alertRow();
    const channels = [slackNotifier(`${urls.slack}/services/T0/B0/x`), webhookNotifier(`${urls.hook}/hook`)];
    const first = attemptPool();
    const deps = (pool: Pool, notifiers: Notifier[]) => ({ db: pool, notifiers }) as unknown as ActivityDeps;
    await expect(
      notify(deps(first.pool, [crashingAfter(channels[0], first.crash), channels[1]]), { workflowId, event: 'escalated', tier: 'tier1' }),
    ).rejects.toThrow();
    expect(slack.received).toHaveLength(1);

    const retry = await notify(deps(db.pool, channels), { workflowId, event: 'escalated', tier: 'tier1' });
    expect(retry.sent).toEqual(['webhook']); // the webhook had not been reached: it is sent now
    expect(slack.received).toHaveLength(1);
    expect(hook.received).toHaveLength(1);
    const { rows } = await db.pool.query('SELECT channel, status FROM notifications WHERE workflow_id = $1 ORDER BY channel', [workflowId]);
    expect(rows).toEqual([
      { channel: 'slack', status: 'unknown' },
      { channel: 'webhook', status: 'sent' },
    ]);

    // Later retries change nothing.
    await notify(deps(db.pool, channels), { workflowId, event: 'escalated', tier: 'tier1' });
    expect(slack.received.length + hook.received.length).toBe(2);
  });

  it('a send the receiver refused is retried (it did not happen)', async () => {
    const workflowId = await alertRow();
    const before = slack.received.length;
    slack.failNext = 1;
    const deps = { db: db.pool, notifiers: [slackNotifier(`${urls.slack}/services/T0/B0/x`)] } as unknown as ActivityDeps;
    await expect(notify(deps, { workflowId, event: 'escalated', tier: 'tier1' })).rejects.toThrow(/answered 503/);
    expect(await notify(deps, { workflowId, event: 'escalated', tier: 'tier1' })).toEqual({ sent: ['slack'] });
    expect(slack.received.length - before).toBe(1);
  });
});

describe('respond (containment through a connector that calls another system)', () => {
  let calls = 0;
  const isolate: ResponseConnector = {
    name: 'test-isolation-webhook',
    supports: (a) => a.kind === 'isolate_host',
    async execute(action, ctx) {
      calls += 1;
      await webhookNotifier(`${urls.hook}/isolate`).send(
        { event: 'escalated', workflowId: ctx.workflowId, title: action.target, severity: 'high', tier: 'x' },
        ctx.idempotencyKey,
      );
      return { status: 'executed', detail: `isolated ${action.target}` };
    },
  };

  it('a crash after the call is recorded as unknown on retry and the host is not isolated twice', async () => {
    const workflowId = await alertRow();
    const action = { kind: 'isolate_host', target: 'ws-7', reason: 'test' } as never;
    const first = attemptPool();
    const crashing: ResponseConnector = {
      ...isolate,
      execute: async (a, c) => {
        const o = await isolate.execute(a, c);
        await first.crash();
        return o;
      },
    };
    await expect(
      respond({ db: first.pool, responders: [crashing] } as unknown as ActivityDeps, {
        workflowId,
        approvedBy: 'alice',
        actions: [action],
      }),
    ).rejects.toThrow();
    expect(calls).toBe(1);

    const retry = await respond({ db: db.pool, responders: [isolate] } as unknown as ActivityDeps, {
      workflowId,
      approvedBy: 'alice',
      actions: [action],
    });
    expect(retry).toEqual([expect.objectContaining({ kind: 'isolate_host', target: 'ws-7', status: 'unknown' })]);
    expect(calls).toBe(1);
    const { rows } = await db.pool.query('SELECT state FROM intents WHERE key = $1', [`${workflowId}:respond:isolate_host:ws-7`]);
    expect(rows).toEqual([{ state: 'unknown' }]);
  });

  it('without a crash the action runs once and its intent is done', async () => {
    const workflowId = await alertRow();
    const before = calls;
    const action = { kind: 'isolate_host', target: 'ws-8', reason: 'test' } as never;
    const deps = { db: db.pool, responders: [isolate] } as unknown as ActivityDeps;
    expect(await respond(deps, { workflowId, approvedBy: 'alice', actions: [action] })).toEqual([
      expect.objectContaining({ status: 'executed' }),
    ]);
    expect(await respond(deps, { workflowId, approvedBy: 'alice', actions: [action] })).toEqual([
      expect.objectContaining({ status: 'executed' }),
    ]);
    expect(calls - before).toBe(1);
    expect((await db.pool.query('SELECT state FROM intents WHERE key = $1', [`${workflowId}:respond:isolate_host:ws-8`])).rows).toEqual([
      { state: 'done' },
    ]);
  });
});

describe('sandboxDetonate (CAPE has no idempotency key)', () => {
  it('a crash after submitting does not submit the sample again', async () => {
    const sample = readFileSync('/usr/bin/true');
    const { sha256 } = await storeEvidence(db.pool, { kind: 'file', mediaType: 'application/x-executable', name: 'true', content: sample });
    const workflowId = `intent-${uniqueSuffix()}`;
    const sandbox = sandboxFromConfig({
      cape: { baseUrl: urls.cape, timeoutMs: 30_000, transferTimeoutMs: 30_000, maxReportBytes: 1024 * 1024 },
      submit: { timeout: 90, package: 'exe' },
      polling: { pollIntervalMs: 1, maxPollIntervalMs: 4, maxWaitMs: 60_000 },
    });
    const first = attemptPool();
    const crashing = {
      ...sandbox,
      client: Object.assign(Object.create(Object.getPrototypeOf(sandbox.client)), sandbox.client, {
        submitFile: async (...a: Parameters<typeof sandbox.client.submitFile>) => {
          const id = await sandbox.client.submitFile(...a);
          await first.crash();
          return id;
        },
      }),
    };
    const run = (deps: object): Promise<{ value?: Finding; error?: unknown }> =>
      new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') })
        .run(sandboxDetonate, deps as never, { workflowId, sha256, name: 'true' })
        .then(
          (v) => ({ value: v as Finding }),
          (error: unknown) => ({ error }),
        );

    expect((await run({ db: first.pool, sandbox: crashing })).error).toBeDefined();
    expect(cape.submissions).toHaveLength(1);
    const retry = await run({ db: db.pool, sandbox });
    expect(retry.value?.summary).toMatch(/not repeated/);
    expect(cape.submissions).toHaveLength(1);
  });
});
