// Evidence upload end to end: the machine's own binaries posted as raw bytes to an alert that
// the real worker stored, kept content-addressed in PostgreSQL and linked to the alert.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApiServer } from '../../src/api/server';
import { alertWorkflowId } from '../../src/domain/alert';
import { createApiToken } from '../../src/store/api-tokens';
import { getEvidence } from '../../src/store/evidence';
import { waitFor } from '../helpers/wait';
import { sample, startApiHarness, type ApiHarness } from './harness';

let h: ApiHarness;
let app: FastifyInstance;
const adminToken = `bootstrap-${randomBytes(24).toString('hex')}`;
type Who = 'analyst' | 'ingest' | 'engineer' | 'bound';
const tokens = {} as Record<Who, string>;
const names = {} as Record<Who, string>;
let workflowId: string;
let startedAt: Date;

const TRUE_BIN = readFileSync('/usr/bin/true');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  h = await startApiHarness('evidence', { adminToken });
  app = buildApiServer({ db: h.db.pool, ingest: h.ingest, client: h.client, maxBodyBytes: h.config.api.maxBodyBytes, adminToken });
  await app.ready();
  const make = async (who: Who, roles: ('analyst' | 'ingest' | 'engineer')[], source?: string) => {
    names[who] = `ev-${who}-${h.run}`;
    tokens[who] = await createApiToken(h.db.pool, { name: names[who], roles, source, anySource: roles.includes('ingest') && !source });
  };
  await make('analyst', ['analyst']);
  await make('ingest', ['ingest']);
  await make('engineer', ['engineer']);
  await make('bound', ['ingest'], 'edr-sample');
  startedAt = (await h.db.pool.query<{ now: Date }>('SELECT now()')).rows[0].now;

  const alert = sample('05-port-scan.json', { sourceId: `scan-${h.run}` }); // source ids-sample
  const res = await post(`/v1/alerts`, tokens.ingest, Buffer.from(JSON.stringify(alert)), 'application/json');
  expect(res.statusCode).toBe(202);
  workflowId = alertWorkflowId({ source: 'ids-sample', sourceId: `scan-${h.run}` });
  await waitFor(
    async () => (await h.db.pool.query('SELECT 1 FROM alerts WHERE workflow_id = $1', [workflowId])).rowCount,
    (n) => n === 1,
    `${workflowId} stored`,
  );
});

afterAll(async () => {
  await app?.close();
  await h?.close();
});

function post(
  url: string,
  token: string | undefined,
  body: Buffer,
  contentType?: string,
  server: FastifyInstance = app,
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (contentType) headers['content-type'] = contentType;
  return server.inject({ method: 'POST', url, headers, payload: body } as InjectOptions);
}
const evidenceUrl = (id: string, query = '') => `/v1/alerts/${encodeURIComponent(id)}/evidence${query}`;
const links = async (sha: string) =>
  (await h.db.pool.query<{ kind: string }>('SELECT kind FROM alert_evidence WHERE workflow_id = $1 AND sha256 = $2', [workflowId, sha]))
    .rows;

test('an analyst uploads a binary: 201 with its content address; the bytes are stored once and linked to the alert', async () => {
  const res = await post(evidenceUrl(workflowId, '?name=true&kind=sample'), tokens.analyst, TRUE_BIN, 'application/x-executable');
  expect(res.statusCode).toBe(201);
  expect(res.json()).toEqual({
    evidence: { sha256: sha256(TRUE_BIN), kind: 'sample', mediaType: 'application/x-executable', sizeBytes: TRUE_BIN.length, name: 'true' },
  });
  const stored = await getEvidence(h.db.pool, sha256(TRUE_BIN));
  expect(stored && Buffer.compare(stored, TRUE_BIN)).toBe(0);
  expect(await links(sha256(TRUE_BIN))).toEqual([{ kind: 'sample' }]);

  // The alert's detail lists it.
  const shown = await app.inject({
    method: 'GET',
    url: `/v1/alerts/${encodeURIComponent(workflowId)}`,
    headers: { authorization: `Bearer ${tokens.analyst}` },
  });
  expect(shown.statusCode).toBe(200);
  expect(shown.json().evidence).toEqual(
    expect.arrayContaining([
      { sha256: sha256(TRUE_BIN), kind: 'sample', mediaType: 'application/x-executable', sizeBytes: TRUE_BIN.length },
    ]),
  );
});

test('the same bytes again (by an ingest token) are 200 and stay one stored blob and one link', async () => {
  const res = await post(evidenceUrl(workflowId, '?kind=sample'), tokens.ingest, TRUE_BIN, 'application/octet-stream');
  expect(res.statusCode).toBe(200);
  expect(res.json().evidence.sha256).toBe(sha256(TRUE_BIN));
  expect(await links(sha256(TRUE_BIN))).toHaveLength(1);
  expect((await h.db.pool.query('SELECT 1 FROM evidence WHERE sha256 = $1', [sha256(TRUE_BIN)])).rowCount).toBe(1);
});

test('the media type is the header without parameters, octet-stream when absent; kind defaults to file', async () => {
  const text = Buffer.from(`analyst note ${h.run}: scan came from the vulnerability scanner\n`);
  const res = await post(evidenceUrl(workflowId), adminToken, text, 'Text/Plain; charset=utf-8');
  expect(res.statusCode).toBe(201);
  expect(res.json().evidence).toEqual({ sha256: sha256(text), kind: 'file', mediaType: 'text/plain', sizeBytes: text.length });

  const bytes = randomBytes(512);
  const bare = await post(evidenceUrl(workflowId), tokens.analyst, bytes);
  expect(bare.statusCode).toBe(201);
  expect(bare.json().evidence.mediaType).toBe('application/octet-stream');
  expect(Buffer.compare((await getEvidence(h.db.pool, sha256(bytes)))!, bytes)).toBe(0);
});

test('refused: unknown alert (404), empty body, bad kind or name (400); nothing is stored', async () => {
  const bytes = randomBytes(256);
  const unknown = await post(evidenceUrl(`alert:ids-sample:missing-${h.run}`), tokens.analyst, bytes, 'application/octet-stream');
  expect(unknown.statusCode).toBe(404);
  expect(unknown.json().error).toMatch(/no alert alert:ids-sample:missing-/);

  const empty = await post(evidenceUrl(workflowId), tokens.analyst, Buffer.alloc(0), 'application/octet-stream');
  expect(empty.statusCode).toBe(400);
  expect(empty.json().error).toMatch(/body is empty/);

  const kind = await post(evidenceUrl(workflowId, '?kind=malware'), tokens.analyst, bytes, 'application/octet-stream');
  expect(kind.statusCode).toBe(400);
  expect(kind.json().error).toMatch(/kind/);
  const name = await post(evidenceUrl(workflowId, `?name=${'n'.repeat(256)}`), tokens.analyst, bytes, 'application/octet-stream');
  expect(name.statusCode).toBe(400);
  expect(name.json().error).toMatch(/name/);

  expect(await getEvidence(h.db.pool, sha256(bytes))).toBeUndefined();
});

test('refused: no token (401), an engineer (403), an ingest token bound to another source (403)', async () => {
  const bytes = randomBytes(128);
  expect((await post(evidenceUrl(workflowId), undefined, bytes, 'application/octet-stream')).statusCode).toBe(401);
  const engineer = await post(evidenceUrl(workflowId), tokens.engineer, bytes, 'application/octet-stream');
  expect(engineer.statusCode).toBe(403);
  expect(engineer.json().error).toMatch(/analyst, admin, ingest/);
  const bound = await post(evidenceUrl(workflowId), tokens.bound, bytes, 'application/octet-stream');
  expect(bound.statusCode).toBe(403);
  expect(bound.json().error).toMatch(/speaks for "edr-sample"/);
  expect(await getEvidence(h.db.pool, sha256(bytes))).toBeUndefined();
});

test("a body over the server's maxBodyBytes is 413 and nothing is stored", async () => {
  const small = buildApiServer({ db: h.db.pool, ingest: h.ingest, client: h.client, maxBodyBytes: 4096 });
  try {
    await small.ready();
    expect(TRUE_BIN.length).toBeGreaterThan(4096);
    const unique = Buffer.concat([TRUE_BIN, Buffer.from(h.run)]);
    const res = await post(evidenceUrl(workflowId), tokens.analyst, unique, 'application/octet-stream', small);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: expect.stringMatching(/limit of 4096 bytes/), limitBytes: 4096 });
    expect(await getEvidence(h.db.pool, sha256(unique))).toBeUndefined();
    const fits = randomBytes(4096);
    expect((await post(evidenceUrl(workflowId), tokens.analyst, fits, 'application/octet-stream', small)).statusCode).toBe(201);
  } finally {
    await small.close();
  }
});

test('uploads are audited with the alert as target and the content address, never the bytes', async () => {
  const { rows } = await h.db.pool.query<{
    actor: string;
    action: string;
    target: string | null;
    outcome: string;
    detail: Record<string, unknown>;
  }>(
    `SELECT actor, action, target, outcome, detail FROM audit_log WHERE at >= $1 AND action = 'POST /v1/alerts/:workflowId/evidence' ORDER BY id`,
    [startedAt],
  );
  const has = (e: Record<string, unknown>) => expect(rows).toEqual(expect.arrayContaining([expect.objectContaining(e)]));
  has({
    actor: names.analyst,
    target: workflowId,
    outcome: '201',
    detail: { sha256: sha256(TRUE_BIN), sizeBytes: TRUE_BIN.length, kind: 'sample' },
  });
  has({ actor: names.ingest, target: workflowId, outcome: '200' });
  has({ actor: names.engineer, target: workflowId, outcome: '403', detail: { reason: 'forbidden' } });
  has({ actor: names.bound, target: workflowId, outcome: '403', detail: { reason: 'foreign_source' } });
  has({ actor: names.analyst, target: `alert:ids-sample:missing-${h.run}`, outcome: '404', detail: { reason: 'unknown_alert' } });
  has({ actor: names.analyst, outcome: '413', detail: { reason: 'body_too_large' } });
  expect(rows.filter((r) => r.actor === 'anonymous')).toEqual([]); // unauthenticated calls write nothing
  const everything = JSON.stringify(rows);
  expect(everything).not.toContain('analyst note');
  for (const secret of [...Object.values(tokens), adminToken]) expect(everything).not.toContain(secret);
});
