// The metrics operators scrape, end to end on real components: alerts ingested through the real
// API, run by the real worker on a Temporal dev server, stored in PostgreSQL; GET /metrics then
// reports exactly what was done. Jest gives each test file its own module registry, so every
// count here starts at zero and comes from this file's operations alone.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApiServer } from '../../src/api/server';
import { DecisionSigner } from '../../src/security/decision-signer';
import { recordEscalation } from '../../src/activities/analyst-loop';
import { alertWorkflowId } from '../../src/domain/alert';
import { createApiToken } from '../../src/store/api-tokens';
import { statusQuery } from '../../src/workflows/messages';
import type { AlertStatus } from '../../src/domain/alert-status';
import { parsePrometheus, sumOf } from '../helpers/prometheus';
import { waitFor } from '../helpers/wait';
import { OpenAiServer } from '../servers/openai-server';
import { sample, startApiHarness, type ApiHarness } from '../api/harness';

let h: ApiHarness;
let app: FastifyInstance;
let llm: OpenAiServer;
const tokens = { ingest: '', analyst: '' };
let source: string;

beforeAll(async () => {
  llm = new OpenAiServer(); // answers 500: every assessment falls back, and is counted
  const baseURL = await llm.start();
  h = await startApiHarness('metrics', { env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: baseURL, AUTOSOC_LLM_TIMEOUT: '2s' } });
  // The harness's app has no Temporal client (decisions need one); this one is built as the ingest tier builds it.
  app = buildApiServer({
    db: h.db.pool,
    ingest: h.ingest,
    client: h.client,
    policy: h.config.policy,
    maxBodyBytes: h.config.api.maxBodyBytes,
    signer: new DecisionSigner(h.config.security.decisionKeys),
  });
  await app.ready();
  tokens.ingest = await createApiToken(h.db.pool, { name: `metrics-ingest-${h.run}`, roles: ['ingest'], anySource: true });
  tokens.analyst = await createApiToken(h.db.pool, { name: `metrics-analyst-${h.run}`, roles: ['analyst'] });
  source = `metrics-${h.run}`;
});

afterAll(async () => {
  await app?.close();
  await h?.close();
  await llm?.stop();
});

const call = (method: 'GET' | 'POST', url: string, token?: string, body?: unknown): Promise<LightMyRequestResponse> => {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return app.inject({ method, url, headers, payload: body === undefined ? undefined : JSON.stringify(body) } as InjectOptions);
};
const scrape = async () => {
  const res = await call('GET', '/metrics');
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(res.body);
};
const openCases = async (workflowIds?: string[]) =>
  Number(
    (
      await h.db.pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM cases WHERE status = 'open'${workflowIds ? ' AND workflow_id = ANY($1)' : ''}`,
        workflowIds ? [workflowIds] : [],
      )
    ).rows[0].n,
  );
/**
 * The awaiting gauge is the store's count of open cases at scrape time. Other test files share
 * the database and open cases meanwhile, so it is checked against counts taken around the scrape.
 */
async function scrapeAwaiting() {
  const before = await openCases();
  const scraped = await scrape();
  const after = await openCases();
  const gauge = sumOf(scraped.samples, 'autosoc_alerts_awaiting_analyst');
  expect(gauge).toBeGreaterThanOrEqual(Math.min(before, after));
  expect(gauge).toBeLessThanOrEqual(Math.max(before, after));
  return scraped;
}
const statusOf = (workflowId: string) => h.client.workflow.getHandle(workflowId).query(statusQuery);

const ids = ['a', 'b', 'c'].map((x) => `${x}-${randomBytes(4).toString('hex')}`);
let workflowIds: string[];

test('ingest counts every item by source, format and result: 3 accepted, 1 duplicate, 1 rejected', async () => {
  const alerts = ids.map((sourceId) => sample('01-encoded-powershell.json', { source, sourceId }));
  const body = [...alerts, alerts[0], { source, title: 'no sourceId, no severity' }];
  const res = await call('POST', '/v1/alerts', tokens.ingest, body);
  expect(res.statusCode).toBe(202);
  expect(res.json().results.map((r: { status: string }) => r.status)).toEqual([
    'accepted',
    'accepted',
    'accepted',
    'duplicate',
    'rejected',
  ]);
  workflowIds = ids.map((sourceId) => alertWorkflowId({ source, sourceId }));

  const { samples } = await scrape();
  expect(sumOf(samples, 'autosoc_ingested_alerts_total', { source, format: 'autosoc', result: 'accepted' })).toBe(3);
  expect(sumOf(samples, 'autosoc_ingested_alerts_total', { source, format: 'autosoc', result: 'duplicate' })).toBe(1);
  // A rejected item has no valid alert, so no trusted source: it is counted under "unknown".
  expect(sumOf(samples, 'autosoc_ingested_alerts_total', { source: 'unknown', result: 'rejected' })).toBe(1);
  expect(sumOf(samples, 'autosoc_ingested_alerts_total')).toBe(5);
});

test('after triage: 3 dispositions, 3 LLM fallbacks, analyzers timed once per alert, 3 more alerts awaiting an analyst', async () => {
  for (const id of workflowIds)
    await waitFor(
      () => statusOf(id),
      (s: AlertStatus) => s.stage === 'awaiting_analyst',
      `${id} awaiting an analyst`,
    );
  const { samples } = await scrapeAwaiting();
  expect(sumOf(samples, 'autosoc_dispositions_total')).toBe(3);
  expect(sumOf(samples, 'autosoc_dispositions_total', { disposition: 'escalate' })).toBe(3);
  expect(sumOf(samples, 'autosoc_llm_assessment_failures_total')).toBe(3);
  expect(llm.requests.length).toBeGreaterThanOrEqual(3); // the model was asked, and failed
  // Every alert-level analyzer ran once per alert: each histogram's count is 3.
  const counts = samples.filter((s) => s.name === 'autosoc_analyzer_duration_seconds_count');
  expect(counts.map((s) => s.labels.analyzer)).toEqual(expect.arrayContaining(['command-line', 'process-tree']));
  for (const c of counts) expect({ analyzer: c.labels.analyzer, count: c.value }).toEqual({ analyzer: c.labels.analyzer, count: 3 });
  expect(await openCases(workflowIds)).toBe(3); // this file's three alerts are among them
});

test('an analyst close and an SLA breach are counted; the awaiting gauge follows the store as the close leaves it', async () => {
  const res = await call('POST', `/v1/alerts/${encodeURIComponent(workflowIds[0])}/decide`, tokens.analyst, {
    action: 'close',
    reason: 'benign admin script',
  });
  expect(res.statusCode).toBe(200);
  await waitFor(
    () => statusOf(workflowIds[0]),
    (s: AlertStatus) => s.stage === 'done',
    'the closed alert to finish',
  );
  // The SLA path as the workflow runs it (hours of timers are the workflow tests' business).
  await recordEscalation({ db: h.db.pool } as never, {
    workflowId: workflowIds[1],
    seq: 1,
    fromTier: 'tier1',
    toTier: 'tier2',
    afterMs: 30 * 60_000,
  });
  const { samples } = await scrapeAwaiting();
  expect(sumOf(samples, 'autosoc_analyst_decisions_total', { action: 'close' })).toBe(1);
  expect(sumOf(samples, 'autosoc_sla_breaches_total', { tier: 'tier1' })).toBe(1);
  expect(await openCases(workflowIds)).toBe(2); // the closed one left the count
  expect(sumOf(samples, 'autosoc_alerts_awaiting_analyst', { tier: 'tier2' })).toBeGreaterThanOrEqual(1);
});

test('/metrics needs no token and serves counts, never alert content', async () => {
  const res = await call('GET', '/metrics');
  expect(res.statusCode).toBe(200);
  expect(res.body).not.toContain('Word spawned PowerShell');
  expect(res.body).not.toContain(ids[0]);
});
