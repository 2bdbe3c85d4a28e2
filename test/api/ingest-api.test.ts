// The ingest API end to end on real components: tokens in PostgreSQL, the real ingest service,
// alert workflows started on a Temporal dev server and run by the real worker.
import { createHmac, randomBytes } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { Client, Connection } from '@temporalio/client';
import { signRequest } from '../../src/api/request-signature';
import { buildApiServer } from '../../src/api/server';
import { DEFAULT_CORRELATION } from '../../src/domain/correlation';
import { IngestService } from '../../src/ingest/ingest-service';
import { alertWorkflowId } from '../../src/domain/alert';
import { ALERT_FORMATS } from '../../src/ingest/formats/types';
import { createApiToken, revokeApiToken } from '../../src/store/api-tokens';
import { listQueue, runsOf, sample, startApiHarness, workflowExists, type ApiHarness } from './harness';
import { waitFor } from '../helpers/wait';

let h: ApiHarness;
const adminToken = `bootstrap-${randomBytes(24).toString('hex')}`;
const hmacSecret = `whsec-${randomBytes(16).toString('hex')}`;
const tokens: Record<'ingest' | 'analyst' | 'signed' | 'bound' | 'revoked', string> = {
  ingest: '',
  analyst: '',
  signed: '',
  bound: '',
  revoked: '',
};
const names = (run: string) => ({
  ingest: `api-ingest-${run}`,
  analyst: `api-analyst-${run}`,
  signed: `api-signed-${run}`,
  bound: `api-bound-${run}`,
  revoked: `api-revoked-${run}`,
});
let startedAt: Date;

beforeAll(async () => {
  h = await startApiHarness('api', { adminToken });
  const n = names(h.run);
  const db = h.db.pool;
  tokens.ingest = await createApiToken(db, { name: n.ingest, roles: ['ingest'], anySource: true });
  tokens.analyst = await createApiToken(db, { name: n.analyst, roles: ['analyst'] });
  tokens.signed = await createApiToken(db, { name: n.signed, roles: ['ingest'], anySource: true, hmacSecret, box: h.secrets });
  tokens.bound = await createApiToken(db, { name: n.bound, roles: ['ingest'], source: 'edr-sample' });
  tokens.revoked = await createApiToken(db, { name: n.revoked, roles: ['ingest'], anySource: true });
  await revokeApiToken(db, n.revoked);
  startedAt = (await db.query<{ now: Date }>('SELECT now()')).rows[0].now;
});

afterAll(async () => {
  await h?.close();
});

const post = (opts: {
  url?: string;
  token?: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}): Promise<LightMyRequestResponse> => {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  return h.app.inject({ method: 'POST', url: opts.url ?? '/v1/alerts', headers, payload: opts.body } as InjectOptions);
};
const alertBody = (file: string, sourceId: string, overrides: Record<string, unknown> = {}) =>
  JSON.stringify(sample(file, { sourceId, ...overrides }));
const idOf = (file: string, sourceId: string) => alertWorkflowId({ source: sample(file).source as string, sourceId });
/** The v1 signature headers for a POST of body to url, signed now with a fresh nonce. */
const signedHeaders = (body: string, url = '/v1/alerts') => {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(16).toString('hex');
  return {
    'x-autosoc-timestamp': timestamp,
    'x-autosoc-nonce': nonce,
    'x-autosoc-signature': signRequest(hmacSecret, { method: 'POST', url, timestamp, nonce, body: Buffer.from(body) }),
  };
};

test('a valid alert is accepted (202) and its alert workflow is started on the task queue', async () => {
  const sourceId = `ps-${h.run}`;
  const res = await post({ token: tokens.ingest, body: alertBody('01-encoded-powershell.json', sourceId) });
  expect(res.statusCode).toBe(202);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const workflowId = idOf('01-encoded-powershell.json', sourceId);
  expect(res.json()).toEqual({
    // The chosen playbook and why: no route in the default policy, so the built-in pipeline.
    results: [
      {
        index: 0,
        status: 'accepted',
        format: 'autosoc',
        workflowId,
        playbook: 'alertWorkflow',
        playbookReason: 'playbook alertWorkflow: no route matched (default)',
      },
    ],
    accepted: 1,
    duplicates: 0,
    correlated: 0,
    suppressed: 0,
    rejected: 0,
  });
  const desc = await h.client.workflow.getHandle(workflowId).describe();
  expect(desc.type).toBe('alertWorkflow');
  expect(desc.taskQueue).toBe(h.config.temporal.taskQueue);
  // The real worker picks it up: the alert reaches the alerts table.
  await waitFor(
    async () => (await h.db.pool.query('SELECT 1 FROM alerts WHERE workflow_id = $1', [workflowId])).rowCount,
    (n) => n === 1,
    `${workflowId} in alerts`,
  );
});

test('a redelivered alert is reported as a duplicate and there is still one run', async () => {
  const sourceId = `lsass-${h.run}`;
  const body = alertBody('02-lsass-dump.json', sourceId);
  const first = await post({ token: tokens.ingest, body });
  expect(first.statusCode).toBe(202);
  const again = await post({ token: tokens.ingest, body });
  expect(again.statusCode).toBe(202);
  const workflowId = idOf('02-lsass-dump.json', sourceId);
  expect(again.json()).toMatchObject({ results: [{ index: 0, status: 'duplicate', workflowId }], accepted: 0, duplicates: 1 });
  expect(await runsOf(h.client, workflowId)).toHaveLength(1);
});

test('an NDJSON batch: valid items are accepted, each invalid one is reported with its index and error, only valid ones start', async () => {
  const ok1 = `nd-ok1-${h.run}`;
  const ok2 = `nd-ok2-${h.run}`;
  const badSeverity = `nd-sev-${h.run}`;
  const noTitle = `nd-title-${h.run}`;
  const withoutTitle = sample('05-port-scan.json', { sourceId: noTitle });
  delete withoutTitle.title;
  const lines = [
    alertBody('05-port-scan.json', ok1),
    alertBody('05-port-scan.json', badSeverity, { severity: 'urgent' }),
    alertBody('04-admin-login.json', ok2),
    '{"source": "ids-sample", "sourceId": ',
    JSON.stringify(withoutTitle),
  ];
  const res = await post({ body: lines.join('\n'), token: tokens.ingest, headers: { 'content-type': 'application/x-ndjson' } });
  expect(res.statusCode).toBe(202);
  const body = res.json();
  expect(body).toMatchObject({ accepted: 2, rejected: 3, duplicates: 0 });
  expect(body.results.map((r: { index: number; status: string }) => [r.index, r.status])).toEqual([
    [0, 'accepted'],
    [1, 'rejected'],
    [2, 'accepted'],
    [3, 'rejected'],
    [4, 'rejected'],
  ]);
  expect(body.results[1].error).toMatch(/severity/);
  expect(body.results[3].error).toMatch(/line 4 is not valid JSON/);
  expect(body.results[4].error).toMatch(/title/);
  for (const r of body.results) if (r.status === 'rejected') expect(r.workflowId).toBeUndefined();

  expect(await workflowExists(h.client, idOf('05-port-scan.json', ok1))).toBe(true);
  expect(await workflowExists(h.client, idOf('04-admin-login.json', ok2))).toBe(true);
  expect(await workflowExists(h.client, idOf('05-port-scan.json', badSeverity))).toBe(false);
  expect(await workflowExists(h.client, idOf('05-port-scan.json', noTitle))).toBe(false);
});

test('401 without a token, with an unknown, malformed or revoked token; nothing starts', async () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['none', {}, /authentication required/],
    ['unknown', { authorization: `Bearer asoc_${randomBytes(32).toString('base64url')}` }, /unknown or revoked token/],
    ['basic', { authorization: `Basic ${Buffer.from(`x:${tokens.ingest}`).toString('base64')}` }, /authentication required/],
    ['revoked', { authorization: `Bearer ${tokens.revoked}` }, /unknown or revoked token/],
    ['admin-lookalike', { authorization: `Bearer ${adminToken.slice(0, -1)}x` }, /unknown or revoked token/],
  ];
  for (const [name, headers, message] of cases) {
    const sourceId = `unauth-${name}-${h.run}`;
    const res = await post({ body: alertBody('05-port-scan.json', sourceId), headers });
    expect([name, res.statusCode]).toEqual([name, 401]);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.json().error).toMatch(message);
    expect(res.body).not.toContain(tokens.ingest);
    expect(res.body).not.toContain(tokens.revoked);
    expect(await workflowExists(h.client, idOf('05-port-scan.json', sourceId))).toBe(false);
  }
});

test('403 for a token without the ingest role; nothing starts', async () => {
  const sourceId = `analyst-${h.run}`;
  const res = await post({ token: tokens.analyst, body: alertBody('05-port-scan.json', sourceId) });
  expect(res.statusCode).toBe(403);
  expect(res.json().error).toMatch(/ingest, admin.*analyst/);
  expect(await workflowExists(h.client, idOf('05-port-scan.json', sourceId))).toBe(false);
});

test('the bootstrap admin token from the configuration may ingest', async () => {
  const sourceId = `admin-${h.run}`;
  const res = await post({ token: adminToken, body: alertBody('05-port-scan.json', sourceId) });
  expect(res.statusCode).toBe(202);
  expect(await workflowExists(h.client, idOf('05-port-scan.json', sourceId))).toBe(true);
});

test('a token with a signing secret needs a v1 signature; the old body-only sha256= scheme is refused', async () => {
  const good = alertBody('05-port-scan.json', `signed-${h.run}`);
  const res = await post({ token: tokens.signed, body: good, headers: signedHeaders(good) });
  expect(res.statusCode).toBe(202);
  expect(res.json()).toMatchObject({ accepted: 1 });

  const refused: [string, string, Record<string, string>, RegExp][] = [
    ['missing', alertBody('05-port-scan.json', `unsigned-${h.run}`), {}, /requires signed requests/],
    ['old-scheme', alertBody('05-port-scan.json', `oldscheme-${h.run}`), {}, /does not match/],
  ];
  const old = refused[1];
  old[2] = { ...signedHeaders(old[1]), 'x-autosoc-signature': `sha256=${createHmac('sha256', hmacSecret).update(old[1]).digest('hex')}` };
  for (const [name, body, headers, message] of refused) {
    const r = await post({ token: tokens.signed, body, headers });
    expect([name, r.statusCode]).toEqual([name, 401]);
    expect(r.json().error).toMatch(message);
    expect(r.body).not.toContain(hmacSecret);
    expect(await workflowExists(h.client, idOf('05-port-scan.json', JSON.parse(body).sourceId))).toBe(false);
  }
  // A token without a secret does not need a signature.
  expect((await post({ token: tokens.ingest, body: alertBody('05-port-scan.json', `nosecret-${h.run}`) })).statusCode).toBe(202);
});

test("a source-bound token may not send another source's alerts", async () => {
  const foreign = `foreign-${h.run}`;
  const res = await post({ token: tokens.bound, body: alertBody('05-port-scan.json', foreign) }); // source ids-sample
  expect(res.statusCode).toBe(400);
  expect(res.json()).toMatchObject({ accepted: 0, rejected: 1, results: [{ index: 0, status: 'rejected' }] });
  expect(res.json().results[0].error).toMatch(/source: this token sends alerts for "edr-sample", not "ids-sample"/);
  expect(await workflowExists(h.client, idOf('05-port-scan.json', foreign))).toBe(false);

  const own = `own-${h.run}`;
  const ok = await post({ token: tokens.bound, body: alertBody('01-encoded-powershell.json', own) });
  expect(ok.statusCode).toBe(202);
  expect(await workflowExists(h.client, idOf('01-encoded-powershell.json', own))).toBe(true);
});

test('413 with a JSON error naming the limit when the body is larger than maxBodyBytes', async () => {
  const small = buildApiServer({ db: h.db.pool, ingest: h.ingest, maxBodyBytes: 1024 });
  try {
    const sourceId = `big-${h.run}`;
    const body = alertBody('01-encoded-powershell.json', sourceId, { description: 'x'.repeat(2000) });
    expect(Buffer.byteLength(body)).toBeGreaterThan(1024);
    const res = await small.inject({
      method: 'POST',
      url: '/v1/alerts',
      headers: { authorization: `Bearer ${tokens.ingest}`, 'content-type': 'application/json' },
      payload: body,
    });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({ error: 'request body is larger than the limit of 1024 bytes', limitBytes: 1024 });
    expect(await workflowExists(h.client, idOf('01-encoded-powershell.json', sourceId))).toBe(false);
    // Just under the limit is fine.
    const fits = alertBody('05-port-scan.json', `fits-${h.run}`);
    expect(Buffer.byteLength(fits)).toBeLessThanOrEqual(1024);
    expect(
      (await small.inject({ method: 'POST', url: '/v1/alerts', headers: { authorization: `Bearer ${tokens.ingest}` }, payload: fits }))
        .statusCode,
    ).toBe(202);
    // Strangers and unknown routes are refused before the body is read: no 413 for them.
    const stranger = await small.inject({
      method: 'POST',
      url: '/v1/alerts',
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    expect(stranger.statusCode).toBe(401);
    const nowhere = await small.inject({
      method: 'POST',
      url: '/v1/nowhere',
      headers: { authorization: `Bearer ${tokens.ingest}` },
      payload: body,
    });
    expect(nowhere.statusCode).toBe(404);
    expect(nowhere.json()).toEqual({ error: 'no route for POST /v1/nowhere' });
  } finally {
    await small.close();
  }
});

test('an internal failure (Temporal unreachable) is a 500 with a generic JSON error that leaks nothing', async () => {
  const connection = await Connection.connect({ address: h.env.address });
  await connection.close();
  const broken = new IngestService({
    db: h.db.pool,
    client: new Client({ connection }),
    taskQueue: h.config.temporal.taskQueue,
    policy: h.config.policy,
    correlation: { ...DEFAULT_CORRELATION, keys: [] },
  });
  const app = buildApiServer({ db: h.db.pool, ingest: broken, maxBodyBytes: 1 << 20 });
  try {
    const sourceId = `unreachable-${h.run}`;
    const res = await app.inject({
      method: 'POST',
      url: '/v1/alerts',
      headers: { authorization: `Bearer ${tokens.ingest}` },
      payload: alertBody('05-port-scan.json', sourceId),
    });
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({ error: 'internal error' });
    expect(await workflowExists(h.client, idOf('05-port-scan.json', sourceId))).toBe(false);
  } finally {
    await app.close();
  }
});

test('GET /openapi.json is an OpenAPI 3 document generated from the route schemas', async () => {
  const res = await h.app.inject({ method: 'GET', url: '/openapi.json' });
  expect(res.statusCode).toBe(200);
  const doc = res.json();
  expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
  expect(typeof doc.info.title).toBe('string');
  expect(typeof doc.info.version).toBe('string');
  expect(doc.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer' });

  const detected = doc.paths['/v1/alerts'].post;
  expect(detected.security).toEqual([{ bearerAuth: [] }]);
  expect(Object.keys(detected.responses)).toEqual(expect.arrayContaining(['202', '400', '401', '403', '413']));
  expect(Object.keys(detected.requestBody.content)).toEqual(
    expect.arrayContaining(['application/json', 'application/x-ndjson', 'message/rfc822']),
  );
  expect(detected.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ in: 'header', name: 'x-autosoc-signature' })]));
  const accepted = detected.responses['202'].content['application/json'].schema;
  expect(accepted.required).toEqual(expect.arrayContaining(['results', 'accepted', 'duplicates', 'correlated', 'suppressed', 'rejected']));
  expect(accepted.properties.results.items.properties.status.enum).toEqual([
    'accepted',
    'duplicate',
    'correlated',
    'suppressed',
    'rejected',
  ]);

  const named = doc.paths['/v1/alerts/{format}'].post;
  expect(named.parameters).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        in: 'path',
        name: 'format',
        required: true,
        schema: expect.objectContaining({ enum: [...ALERT_FORMATS] }),
      }),
    ]),
  );
  // The request body is the same zod Alert schema the ingest service validates with.
  expect(doc.components.schemas.Alert.required).toEqual(expect.arrayContaining(['source', 'sourceId', 'time', 'title', 'severity']));
  expect(doc.components.schemas.Alert.properties.title.maxLength).toBe(512);
  expect(doc.paths['/openapi.json']).toBeUndefined();

  // Structural validity: every operation has described responses, every $ref resolves,
  // every path template parameter is declared.
  const refs: string[] = [];
  JSON.stringify(doc, (key, value) => {
    if (key === '$ref') refs.push(value);
    return value;
  });
  for (const ref of refs) {
    expect(ref).toMatch(/^#\/components\/schemas\//);
    expect(doc.components.schemas[ref.split('/').pop()!]).toBeDefined();
  }
  for (const [path, item] of Object.entries<
    Record<string, { responses: Record<string, { description: string }>; parameters?: { in: string; name: string }[] }>
  >(doc.paths)) {
    expect(path.startsWith('/')).toBe(true);
    for (const op of Object.values(item)) {
      expect(Object.keys(op.responses).length).toBeGreaterThan(0);
      for (const r of Object.values(op.responses)) expect(typeof r.description).toBe('string');
      for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
        expect(op.parameters?.some((p) => p.in === 'path' && p.name === name)).toBe(true);
      }
    }
  }
});

test('GET /healthz needs no token', async () => {
  const res = await h.app.inject({ method: 'GET', url: '/healthz' });
  expect(res.statusCode).toBe(200);
  expect(res.json()).toEqual({ ok: true });
});

test('over a real socket: listen, ingest with fetch, health check', async () => {
  const app = buildApiServer({ db: h.db.pool, ingest: h.ingest, maxBodyBytes: h.config.api.maxBodyBytes });
  try {
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const sourceId = `socket-${h.run}`;
    const res = await fetch(`${address}/v1/alerts/autosoc`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.ingest}`, 'content-type': 'application/json' },
      body: alertBody('03-phishing-link.json', sourceId),
    });
    expect(res.status).toBe(202);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await res.json();
    const workflowId = idOf('03-phishing-link.json', sourceId);
    expect(body).toMatchObject({ accepted: 1, results: [{ status: 'accepted', format: 'autosoc', workflowId }] });
    expect(await workflowExists(h.client, workflowId)).toBe(true);

    const unauth = await fetch(`${address}/v1/alerts`, { method: 'POST', body: '{}' });
    expect(unauth.status).toBe(401);
    expect(await unauth.json()).toEqual({ error: expect.stringMatching(/authentication required/) });

    const health = await fetch(`${address}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
  } finally {
    await app.close();
  }
});

test('every API call is in audit_log with actor, route and outcome, and no token, secret or body in it', async () => {
  const n = names(h.run);
  const { rows } = await h.db.pool.query<{
    actor: string;
    action: string;
    target: string | null;
    outcome: string;
    detail: Record<string, unknown>;
  }>('SELECT actor, action, target, outcome, detail FROM audit_log WHERE at >= $1 ORDER BY id', [startedAt]);
  const mine = rows.filter((r) => Object.values(n).includes(r.actor) || r.actor === 'bootstrap-admin' || r.actor === 'anonymous');
  const has = (actor: string, outcome: string, extra: Record<string, unknown> = {}) =>
    expect(mine).toEqual(expect.arrayContaining([expect.objectContaining({ actor, outcome, ...extra })]));

  has(n.ingest, '202', { action: 'POST /v1/alerts', detail: expect.objectContaining({ accepted: 1, rejected: 0, items: 1 }) });
  has(n.ingest, '202', { detail: expect.objectContaining({ accepted: 2, rejected: 3, items: 5 }) });
  has(n.ingest, '202', { detail: expect.objectContaining({ duplicates: 1 }) });
  has(n.ingest, '202', { action: 'POST /v1/alerts/:format', detail: expect.objectContaining({ format: 'autosoc' }) });
  has(n.analyst, '403', { detail: { reason: 'forbidden' } });
  has(n.signed, '401', { detail: { reason: 'missing_signature' } });
  has(n.signed, '401', { detail: { reason: 'bad_signature' } });
  has(n.signed, '202', {});
  has(n.bound, '400', { detail: expect.objectContaining({ rejected: 1, reason: 'all_rejected' }) });
  has(n.ingest, '413', { detail: { reason: 'body_too_large' } });
  has(n.ingest, '500', { detail: { reason: 'internal_error' } });
  has('bootstrap-admin', '202', {});
  // Unauthenticated calls (401, unknown routes, the public OpenAPI document) write nothing.
  expect(mine.filter((r) => r.actor === 'anonymous')).toEqual([]);
  expect(mine.some((r) => r.outcome === '401' && !Object.values(n).includes(r.actor))).toBe(false);
  expect(mine.some((r) => r.action === 'GET /healthz')).toBe(false); // liveness probes are not audited

  const everything = JSON.stringify(rows);
  for (const secret of [...Object.values(tokens), adminToken, hmacSecret]) expect(everything).not.toContain(secret);
  expect(everything).not.toMatch(/asoc_|sha256=|Bearer/);
  expect(everything).not.toContain(`ps-${h.run}`); // nothing from request bodies (source ids)

  // The queue holds only what was accepted by this file's tests (no refused request started anything).
  const expected = [
    idOf('01-encoded-powershell.json', `ps-${h.run}`),
    idOf('02-lsass-dump.json', `lsass-${h.run}`),
    idOf('05-port-scan.json', `nd-ok1-${h.run}`),
    idOf('04-admin-login.json', `nd-ok2-${h.run}`),
    idOf('05-port-scan.json', `admin-${h.run}`),
    idOf('05-port-scan.json', `signed-${h.run}`),
    idOf('05-port-scan.json', `nosecret-${h.run}`),
    idOf('01-encoded-powershell.json', `own-${h.run}`),
    idOf('05-port-scan.json', `fits-${h.run}`),
    idOf('03-phishing-link.json', `socket-${h.run}`),
  ].sort();
  const queue = await waitFor(
    () => listQueue(h.client, h.config.temporal.taskQueue),
    (runs) => runs.length >= expected.length,
    'visibility to list the accepted alerts',
  );
  expect(queue.map((r) => r.workflowId).sort()).toEqual(expected);
});
