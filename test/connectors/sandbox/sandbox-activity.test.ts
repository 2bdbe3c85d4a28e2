// The real sandboxDetonate activity in Temporal's own activity harness (MockActivityEnvironment:
// real Context, heartbeats captured, cancellation delivered as in a worker), against a
// local CAPE server and the test database.
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { sandboxDetonate, type SandboxActivityDeps, type SandboxProgress } from '../../../src/activities/sandbox';
import { ConnectorError } from '../../../src/connectors/connector-http';
import { parseSandboxConfig, sandboxFromConfig, SandboxConfigError, type SandboxConfig } from '../../../src/connectors/sandbox/config';
import type { Finding } from '../../../src/domain/finding';
import { storeEvidence } from '../../../src/store/evidence';
import { openTestDatabase, type TestDatabase } from '../../helpers/database';
import { uniqueSuffix } from '../../helpers/temporal';
import { CapeServer } from '../../servers/cape-server';
import { capeReport } from './cape-report-fixture';

const TOKEN = 'c0ffee'.repeat(6);
const server = new CapeServer({ token: TOKEN, report: (s) => capeReport(s.taskId, s.sha256, s.filename ?? 'sample') });
const sample = readFileSync('/usr/bin/true');
let db: TestDatabase;
let baseUrl: string;
let sha256: string;

function deps(over: { polling?: Partial<SandboxConfig['polling']>; token?: string; baseUrl?: string } = {}): SandboxActivityDeps {
  const config: SandboxConfig = {
    cape: {
      baseUrl: over.baseUrl ?? baseUrl,
      token: 'token' in over ? over.token : TOKEN,
      timeoutMs: 30_000,
      transferTimeoutMs: 30_000,
      maxReportBytes: 1024 * 1024,
    },
    submit: { timeout: 90, package: 'exe' },
    polling: { pollIntervalMs: 1, maxPollIntervalMs: 4, maxWaitMs: 60_000, ...over.polling },
  };
  return { db: db.pool, sandbox: sandboxFromConfig(config) };
}

/** Runs the activity; records heartbeats; cancels at the first heartbeat `cancelWhen` accepts. */
async function run(
  d: SandboxActivityDeps,
  input: Parameters<typeof sandboxDetonate>[1],
  opts: { heartbeatDetails?: unknown; cancelWhen?: (p: SandboxProgress) => boolean; cancelLater?: boolean } = {},
): Promise<{ value?: Finding; error?: unknown; beats: SandboxProgress[] }> {
  const env = new MockActivityEnvironment(opts.heartbeatDetails === undefined ? {} : { heartbeatDetails: opts.heartbeatDetails }, {
    logger: new DefaultLogger('ERROR'),
  });
  const beats: SandboxProgress[] = [];
  env.on('heartbeat', (p: SandboxProgress) => {
    beats.push(p);
    if (!opts.cancelWhen?.(p)) return;
    if (opts.cancelLater)
      setTimeout(() => env.cancel(), 50); // arrives while the activity waits
    else env.cancel();
  });
  const outcome = await env.run(sandboxDetonate, d, input).then(
    (value) => ({ value: value as Finding }),
    (error: unknown) => ({ error }),
  );
  return { ...outcome, beats };
}

const taskRow = async (workflowId: string) =>
  (await db.pool.query('SELECT task_id, state FROM sandbox_tasks WHERE workflow_id = $1 AND sha256 = $2', [workflowId, sha256])).rows[0];

beforeAll(async () => {
  [db, baseUrl] = await Promise.all([openTestDatabase(), server.start()]);
  sha256 = (await storeEvidence(db.pool, { kind: 'file', mediaType: 'application/x-executable', name: 'true', content: sample })).sha256;
});
afterAll(async () => {
  await server.stop();
  await db.close();
});
beforeEach(() => {
  server.mode = 'normal';
  server.requests.length = 0;
  server.submissions.length = 0;
  server.statusSequence = ['pending', 'running', 'completed', 'reported'];
});

describe('sandboxDetonate activity (MockActivityEnvironment, local CAPE server)', () => {
  it('submits the stored sample once, heartbeats each state, and returns the report as a finding', async () => {
    const workflowId = `wf-${uniqueSuffix()}`;
    const { value, beats } = await run(deps(), { workflowId, sha256, name: 'true.exe' });
    expect(value).toMatchObject({ analyzer: 'sandbox', verdict: 'malicious', score: 84, attack: ['T1055', 'T1547.001', 'T1555.003'] });
    expect(server.submissions).toHaveLength(1);
    const [s] = server.submissions;
    expect(s.content.equals(sample)).toBe(true);
    expect(s.filename).toBe('true.exe');
    expect(s.fields).toEqual({ timeout: '90', package: 'exe' });
    expect(beats.map((b) => [b.taskId, b.state])).toEqual([
      [s.taskId, 'pending'],
      [s.taskId, 'pending'],
      [s.taskId, 'running'],
      [s.taskId, 'completed'],
      [s.taskId, 'reported'],
    ]);
    expect(await taskRow(workflowId)).toEqual({ task_id: String(s.taskId), state: 'reported' });
  });

  it('resumes the same task from heartbeat details after it was cancelled mid-analysis: one submission in all', async () => {
    const workflowId = `wf-${uniqueSuffix()}`;
    const first = await run(deps(), { workflowId, sha256 }, { cancelWhen: (p) => p.state === 'running' });
    expect(first.error).toBeInstanceOf(CancelledFailure);
    const last = first.beats[first.beats.length - 1];
    expect(last).toMatchObject({ taskId: server.submissions[0].taskId, state: 'running' });

    const second = await run(deps(), { workflowId, sha256 }, { heartbeatDetails: last });
    expect(second.value).toMatchObject({ verdict: 'malicious', summary: expect.stringContaining(`CAPE task ${last.taskId}`) });
    expect(server.submissions).toHaveLength(1);
    expect(second.beats.every((b) => b.taskId === last.taskId)).toBe(true);
    expect(server.requests.filter((r) => r.path === '/apiv2/tasks/create/file/')).toHaveLength(1);
  });

  it('resumes from sandbox_tasks when a retry has no heartbeat details', async () => {
    const workflowId = `wf-${uniqueSuffix()}`;
    const first = await run(deps(), { workflowId, sha256 }, { cancelWhen: (p) => p.taskId > 0 });
    expect(first.error).toBeInstanceOf(CancelledFailure);
    expect(await taskRow(workflowId)).toEqual({ task_id: String(server.submissions[0].taskId), state: 'pending' });
    const second = await run(deps(), { workflowId, sha256 });
    expect(second.value).toMatchObject({ verdict: 'malicious' });
    expect(server.submissions).toHaveLength(1);
    // Another workflow detonating the same sample gets its own task.
    await run(deps(), { workflowId: `${workflowId}-other`, sha256 });
    expect(server.submissions).toHaveLength(2);
  });

  it('stops at once when cancelled during the wait between polls', async () => {
    // The wait between polls is an hour, far beyond the test's timeout: only a wait that the
    // cancellation interrupts lets this test finish, and no second status poll happens.
    const hour = 3_600_000;
    const { error } = await run(
      deps({ polling: { pollIntervalMs: hour, maxPollIntervalMs: hour } }),
      { workflowId: `wf-${uniqueSuffix()}`, sha256 },
      {
        cancelWhen: (p) => p.state === 'pending' && server.requests.some((r) => r.path.includes('/status/')),
        cancelLater: true,
      },
    );
    expect(error).toBeInstanceOf(CancelledFailure);
    expect(server.requests.filter((r) => r.path.includes('/status/'))).toHaveLength(1);
  });

  it('returns an error finding for a failed analysis and records the state', async () => {
    server.statusSequence = ['pending', 'running', 'failed_analysis'];
    const workflowId = `wf-${uniqueSuffix()}`;
    const { value } = await run(deps(), { workflowId, sha256 });
    expect(value).toEqual({
      analyzer: 'sandbox',
      verdict: 'unknown',
      score: 0,
      confidence: 0,
      attack: [],
      summary: `sandbox analysis unavailable (CAPE task ${server.submissions[0].taskId}): analysis ended in state failed_analysis`,
      evidence: [`CAPE task ${server.submissions[0].taskId}`],
      error: 'analysis ended in state failed_analysis',
    });
    expect((await taskRow(workflowId)).state).toBe('failed_analysis');
  });

  it('returns an error finding when CAPE refuses the submission or the token, and records no task', async () => {
    server.mode = 'submit-error';
    const workflowId = `wf-${uniqueSuffix()}`;
    expect((await run(deps(), { workflowId, sha256 })).value).toMatchObject({
      verdict: 'unknown',
      error: 'cape submit: Error adding task to database',
    });
    server.mode = 'normal';
    expect((await run(deps({ token: undefined }), { workflowId, sha256 })).value).toMatchObject({
      verdict: 'unknown',
      error: 'cape submit: HTTP 401 Authentication credentials were not provided.',
    });
    expect(await taskRow(workflowId)).toBeUndefined();
  });

  it('gives up with an error finding past the maximum wait', async () => {
    server.statusSequence = ['pending', 'running'];
    const { value } = await run(deps({ polling: { maxWaitMs: 25 } }), { workflowId: `wf-${uniqueSuffix()}`, sha256 });
    expect(value).toMatchObject({ verdict: 'unknown', error: 'no report within 25ms of submission (last state running)' });
  });

  it('throws (so Temporal retries) when CAPE is unreachable or failing, then resumes the same task', async () => {
    const unreachable = await run(deps({ baseUrl: 'http://127.0.0.1:9' }), { workflowId: `wf-${uniqueSuffix()}`, sha256 });
    expect(unreachable.error).toBeInstanceOf(ConnectorError);
    expect(unreachable.error).toMatchObject({ kind: 'unavailable' });

    const workflowId = `wf-${uniqueSuffix()}`;
    const first = await run(
      deps(),
      { workflowId, sha256 },
      {
        cancelWhen: () => {
          server.mode = 'server-error';
          return false;
        },
      },
    );
    expect(first.error).toMatchObject({ kind: 'unavailable', status: 500 });
    server.mode = 'normal';
    const retry = await run(deps(), { workflowId, sha256 }, { heartbeatDetails: first.beats[first.beats.length - 1] });
    expect(retry.value).toMatchObject({ verdict: 'malicious' });
    expect(server.submissions).toHaveLength(1);
  });

  it('refuses bad input and a sample that is not in the evidence store, without retries', async () => {
    for (const input of [
      { workflowId: 'wf', sha256: 'ABC' },
      { workflowId: '', sha256 },
      { workflowId: 'wf', sha256: 'f'.repeat(64) },
    ]) {
      const { error } = await run(deps(), input);
      expect(error).toBeInstanceOf(ApplicationFailure);
      expect(error).toMatchObject({ type: 'BadInput', nonRetryable: true });
    }
    expect(server.submissions).toHaveLength(0);
  });

  it('returns an error finding when no sandbox is configured', async () => {
    expect(process.env.CAPE_BASE_URL).toBeUndefined();
    const { value } = await run({ db: db.pool }, { workflowId: 'wf', sha256 });
    expect(value).toMatchObject({ analyzer: 'sandbox', verdict: 'unknown', error: 'no sandbox configured (set CAPE_BASE_URL)' });
  });
});

describe('sandbox configuration from the environment', () => {
  it('is off without CAPE_BASE_URL and reads every setting with defaults', () => {
    expect(parseSandboxConfig({})).toBeUndefined();
    expect(parseSandboxConfig({ CAPE_BASE_URL: '' })).toBeUndefined();
    expect(parseSandboxConfig({ CAPE_BASE_URL: 'http://cape.internal:8000' })).toEqual({
      cape: {
        baseUrl: 'http://cape.internal:8000',
        token: undefined,
        timeoutMs: 30_000,
        transferTimeoutMs: 120_000,
        maxReportBytes: 64 * 1024 * 1024,
      },
      submit: {
        timeout: undefined,
        package: undefined,
        options: undefined,
        priority: undefined,
        machine: undefined,
        platform: undefined,
        tags: undefined,
      },
      polling: { pollIntervalMs: 15_000, maxPollIntervalMs: 60_000, maxWaitMs: 1_800_000 },
    });
    expect(
      parseSandboxConfig({
        CAPE_BASE_URL: 'https://cape.example',
        CAPE_TOKEN: 'tok',
        CAPE_POLL_INTERVAL: '2m',
        CAPE_MAX_POLL_INTERVAL: '30s',
        CAPE_MAX_WAIT: '1h',
        CAPE_ANALYSIS_TIMEOUT: '300',
        CAPE_PRIORITY: '3',
        CAPE_PLATFORM: 'windows',
        CAPE_TAGS: 'win10,x64',
      }),
    ).toMatchObject({
      cape: { token: 'tok' },
      submit: { timeout: 300, priority: 3, platform: 'windows', tags: 'win10,x64' },
      polling: { pollIntervalMs: 120_000, maxPollIntervalMs: 120_000, maxWaitMs: 3_600_000 }, // the max never undercuts the first interval
    });
  });

  it('names bad variables without echoing any value', () => {
    const secret = 'super-secret-cape-token';
    let err: unknown;
    try {
      parseSandboxConfig({ CAPE_BASE_URL: 'not a url', CAPE_TOKEN: secret, CAPE_PRIORITY: '9', CAPE_MAX_WAIT: 'forever' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SandboxConfigError);
    const message = (err as Error).message;
    expect(message).toMatch(/CAPE_BASE_URL/);
    expect(message).toMatch(/CAPE_PRIORITY/);
    expect(message).toMatch(/CAPE_MAX_WAIT/);
    expect(message).not.toContain(secret);
  });

  it('keeps the token out of what a log line of the client would show', () => {
    const sandbox = sandboxFromConfig(parseSandboxConfig({ CAPE_BASE_URL: 'http://cape', CAPE_TOKEN: 'hidden-token-123' })!);
    expect(JSON.stringify(sandbox)).not.toContain('hidden-token-123');
    expect(inspect(sandbox, { depth: 10, showHidden: true })).not.toContain('hidden-token-123');
  });
});
