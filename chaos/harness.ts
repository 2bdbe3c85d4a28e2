// What every chaos test shares: a batch of alerts started through the real ingest path, a
// worker child process that can be killed, and the end-state check — every alert final, every
// escalated one approved and completed, and per workflow exactly the rows it should have.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Config } from '../src/config';
import type { AlertInput } from '../src/domain/alert';
import { startAlert } from '../src/ingest/start-alert';
import { decideUpdate, statusQuery } from '../src/workflows/messages';
import type { Stage } from '../src/workflows/status';
import { sampleAlert } from '../test/helpers/alerts';
import { signedDecision } from '../test/helpers/security';
import { waitFor } from '../test/helpers/wait';

export const WORKER_JS = join(__dirname, '..', 'dist', 'src', 'worker.js');
/** Two that escalate, two that the policy closes on its own (see samples/alerts/README.md). */
export const SAMPLES = ['01-encoded-powershell.json', '02-lsass-dump.json', '04-admin-login.json', '05-port-scan.json'];

export interface Started {
  workflowId: string;
  sample: string;
}

export function spawnWorker(env: Record<string, string>): ChildProcess {
  if (!existsSync(WORKER_JS)) throw new Error(`${WORKER_JS} missing: run npm run build (chaos/run.sh does)`);
  // Metrics listeners off unless asked for: fixed ports collide with other workers on the machine
  // (the Temporal runtime's exporter failing to bind ends the worker process).
  const quiet = { AUTOSOC_WORKER_METRICS_PORT: '0', AUTOSOC_TEMPORAL_METRICS_PORT: '0' };
  return spawn(process.execPath, [WORKER_JS], { env: { ...process.env, ...quiet, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

export async function killHard(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** `samples`: the samples to cycle through (default SAMPLES); `shape`: changes the i-th alert (e.g. its own host). */
export async function startBatch(
  client: Client,
  config: Config,
  run: string,
  n: number,
  { samples = SAMPLES, shape = (a) => a }: { samples?: readonly string[]; shape?: (alert: AlertInput, i: number) => AlertInput } = {},
): Promise<Started[]> {
  const out: Started[] = [];
  for (let i = 0; i < n; i += 20) {
    out.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(20, n - i) }, async (_, j) => {
          const sample = samples[(i + j) % samples.length];
          const alert = shape({ ...sampleAlert(sample), sourceId: `chaos-${run}-${i + j}` }, i + j);
          const { workflowId } = await startAlert(client, { taskQueue: config.temporal.taskQueue, policy: config.policy }, alert);
          return { workflowId, sample };
        }),
      )),
    );
  }
  return out;
}

/** Workflows by final-for-now state: 'completed', 'awaiting' an analyst, or still 'busy'. */
async function states(client: Client, batch: Started[]): Promise<Map<string, 'completed' | 'awaiting' | 'busy'>> {
  const out = new Map<string, 'completed' | 'awaiting' | 'busy'>();
  for (let i = 0; i < batch.length; i += 25) {
    await Promise.all(
      batch.slice(i, i + 25).map(async ({ workflowId }) => {
        const h = client.workflow.getHandle(workflowId);
        const d = await h.describe();
        if (d.status.name === 'COMPLETED') out.set(workflowId, 'completed');
        else if (d.status.name !== 'RUNNING') throw new Error(`${workflowId} ended ${d.status.name}`);
        else out.set(workflowId, (await h.query(statusQuery)).stage === 'awaiting_analyst' ? 'awaiting' : 'busy');
      }),
    );
  }
  return out;
}

/** Waits until no alert is busy; returns the escalated ones. */
export async function untilSettled(client: Client, batch: Started[], timeoutMs: number): Promise<string[]> {
  const s = await waitFor(
    () => states(client, batch),
    (m) => [...m.values()].every((v) => v !== 'busy'),
    'every alert to complete or await an analyst',
    timeoutMs,
  );
  return [...s].filter(([, v]) => v === 'awaiting').map(([k]) => k);
}

type DecisionInput = Parameters<typeof signedDecision>[1];
/** The server refuses an Update, unaccepted, while a workflow task is retried (a killed worker's task timed out). */
const TASK_RETRYING = /Workflow Task in failed state/;

/** One decision through the decide Update, sent again (signed afresh) while the server refuses it as TASK_RETRYING. */
async function decideOnce(client: Client, workflowId: string, decision: DecisionInput): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.workflow.getHandle(workflowId).executeUpdate(decideUpdate, { args: [signedDecision(workflowId, decision)] });
      return;
    } catch (err) {
      const cause = (err as { cause?: Error }).cause;
      if (attempt >= 240 || !TASK_RETRYING.test(cause?.message ?? '')) throw err;
      await new Promise((r) => setTimeout(r, 500)); // the server's task retry, not an outcome we wait for
    }
  }
}

/** Sends each workflow its decision through the decide Update, 20 at a time. */
export async function decideAll(client: Client, workflowIds: string[], decisionFor: (workflowId: string) => DecisionInput): Promise<void> {
  for (let i = 0; i < workflowIds.length; i += 20) {
    await Promise.all(workflowIds.slice(i, i + 20).map((id) => decideOnce(client, id, decisionFor(id))));
  }
}

export const approveAll = (client: Client, workflowIds: string[]): Promise<void> =>
  decideAll(client, workflowIds, () => ({ action: 'approve', actor: 'chaos@soc', reason: 'chaos test: approve every escalation' }));

/** Waits until every workflow's status is at `stage`. */
export function untilStage(client: Client, workflowIds: string[], stage: Stage, timeoutMs: number): Promise<unknown> {
  const stages = async () => {
    const out: Stage[] = [];
    for (let i = 0; i < workflowIds.length; i += 25) {
      out.push(
        ...(await Promise.all(
          workflowIds.slice(i, i + 25).map(async (id) => (await client.workflow.getHandle(id).query(statusQuery)).stage),
        )),
      );
    }
    return out;
  };
  return waitFor(stages, (all) => all.every((s) => s === stage), `every alert at ${stage}`, timeoutMs);
}

/**
 * Every workflow completed, one run each; per escalated alert one case, one analyst decision;
 * and the rows each workflow wrote (decisions, response actions, notifications, reports) the
 * same for every alert of the same sample: a missing or doubled side effect shows as a mismatch.
 */
export async function expectExactlyOnce(client: Client, pool: Pool, batch: Started[], escalated: string[]): Promise<void> {
  for (let i = 0; i < batch.length; i += 25) {
    const results = await Promise.all(batch.slice(i, i + 25).map((b) => client.workflow.getHandle(b.workflowId).result()));
    for (const r of results) expect(r.stage).toBe('done');
  }
  const ids = batch.map((b) => b.workflowId);
  const runs = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 50) {
    const slice = ids.slice(i, i + 50);
    for await (const w of client.workflow.list({ query: `WorkflowId IN (${slice.map((id) => `"${id}"`).join(', ')})` }))
      runs.set(w.workflowId, (runs.get(w.workflowId) ?? 0) + 1);
  }
  expect([...runs.values()].filter((n) => n !== 1)).toEqual([]);
  expect(runs.size).toBe(ids.length);

  const count = async (table: string, extra = '') =>
    new Map(
      (
        await pool.query<{ workflow_id: string; n: string }>(
          `SELECT workflow_id, count(*) AS n FROM ${table} WHERE workflow_id = ANY($1) ${extra} GROUP BY workflow_id`,
          [ids],
        )
      ).rows.map((r) => [r.workflow_id, Number(r.n)]),
    );
  const [alerts, cases, decisions, analyst, actions, notifications, reports] = await Promise.all([
    count('alerts'),
    count('cases'),
    count('decisions'),
    count('decisions', "AND step = 'analyst-decision'"),
    count('response_actions'),
    count('notifications'),
    count('reports'),
  ]);
  expect(ids.filter((id) => alerts.get(id) !== 1)).toEqual([]);
  expect(escalated.filter((id) => cases.get(id) !== 1 || analyst.get(id) !== 1)).toEqual([]);
  expect(ids.filter((id) => !escalated.includes(id) && cases.has(id))).toEqual([]);
  expect(ids.filter((id) => reports.get(id) !== 1)).toEqual([]);
  // Same sample, same path through the workflow: the same number of rows in each table.
  const profile = (id: string) => [decisions.get(id) ?? 0, actions.get(id) ?? 0, notifications.get(id) ?? 0, escalated.includes(id)];
  for (const sample of new Set(batch.map((b) => b.sample))) {
    const members = batch.filter((b) => b.sample === sample);
    const distinct = new Set(members.map((b) => JSON.stringify(profile(b.workflowId))));
    expect([sample, [...distinct]]).toEqual([sample, [JSON.stringify(profile(members[0].workflowId))]]);
  }
}
