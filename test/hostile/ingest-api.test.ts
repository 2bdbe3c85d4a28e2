// Hostile input at the HTTP ingest boundary, on real components: the API, the ingest service,
// PostgreSQL and alert workflows run by the real worker on a Temporal dev server. Each case
// asserts behaviour (a clear error naming the problem, an anomaly flag, a stored alert whose
// workflow runs), never timing. See README.md in this folder for the list.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { alertWorkflowId } from '../../src/domain/alert';
import { MAX_FIELD_CHARS, MAX_JSON_DEPTH } from '../../src/ingest/sanitize';
import { createApiToken } from '../../src/store/api-tokens';
import { sample, startApiHarness, workflowExists, type ApiHarness } from '../api/harness';
import { waitFor } from '../helpers/wait';

const LIMITS = { maxItemsPerRequest: 50, itemsPerSecond: 1 };
let h: ApiHarness;
let token = '';
let limitedToken = '';

beforeAll(async () => {
  h = await startApiHarness('hostile', { ingestLimits: LIMITS });
  token = await createApiToken(h.db.pool, { name: `hostile-${h.run}`, roles: ['ingest'], anySource: true });
  limitedToken = await createApiToken(h.db.pool, { name: `hostile-limited-${h.run}`, roles: ['ingest'], anySource: true });
});

afterAll(async () => {
  await h?.close();
});

const post = (body: string | Buffer, opts: { url?: string; token?: string; type?: string } = {}): Promise<LightMyRequestResponse> =>
  h.app.inject({
    method: 'POST',
    url: opts.url ?? '/v1/alerts',
    payload: body,
    headers: { 'content-type': opts.type ?? 'application/json', authorization: `Bearer ${opts.token ?? token}` },
  } as InjectOptions);

/** The alert as the worker stored it in PostgreSQL (jsonb), once its workflow has run that far. */
const storedAlert = async (workflowId: string) => {
  const row = await waitFor(
    async () =>
      (await h.db.pool.query<{ alert: Record<string, unknown> }>('SELECT alert FROM alerts WHERE workflow_id = $1', [workflowId])).rows[0],
    (r) => r !== undefined,
    `${workflowId} in alerts`,
  );
  return row.alert;
};

describe('NUL bytes and lone surrogates are repaired and flagged, never accepted then lost', () => {
  test('a NUL in the title of a rule-less alert: 202, stored in jsonb, workflow runs, flagged nul-removed', async () => {
    const sourceId = `nul-${h.run}`;
    const alert: Record<string, unknown> = { ...sample('04-admin-login.json', { sourceId }), title: 'Admin\u0000 login', rule: undefined };
    const res = await post(JSON.stringify(alert));
    expect(res.statusCode).toBe(202);
    const workflowId = alertWorkflowId({ source: alert.source as string, sourceId });
    expect(res.json()).toMatchObject({ accepted: 1, results: [{ status: 'accepted', workflowId }] });
    const stored = await storedAlert(workflowId);
    expect(stored.title).toBe('Admin login');
    expect(stored.inputAnomalies).toEqual(['nul-removed']);
  });

  test('lone surrogates in a description and a NUL in a key: stored with U+FFFD, flagged', async () => {
    const sourceId = `surrogate-${h.run}`;
    const body = JSON.stringify({ ...sample('05-port-scan.json', { sourceId }), description: 'scan \ud800 from \udfff here' }).replace(
      '"description"',
      '"descr\\u0000iption"',
    );
    const res = await post(body);
    expect(res.statusCode).toBe(202);
    const stored = await storedAlert(alertWorkflowId({ source: sample('05-port-scan.json').source as string, sourceId }));
    expect(stored.description).toBe('scan \uFFFD from \uFFFD here');
    expect(stored.inputAnomalies).toEqual(expect.arrayContaining(['nul-removed', 'lone-surrogate-replaced']));
  });

  test('invalid UTF-8 in a CEF line is decoded with U+FFFD and flagged invalid-utf8', async () => {
    const sourceId = `badutf8-${h.run}`;
    const line = Buffer.concat([
      Buffer.from(`CEF:0|Hostile|Probe|1|100|Bad bytes `),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from(` here|5|externalId=${sourceId} src=198.51.100.7\n`),
    ]);
    const res = await post(line, { type: 'text/plain' });
    expect(res.statusCode).toBe(202);
    const workflowId = res.json().results[0].workflowId as string;
    const stored = await storedAlert(workflowId);
    expect(stored.title).toContain('\uFFFD');
    expect(stored.inputAnomalies).toEqual(['invalid-utf8']);
  });
});

describe('prototype keys and giant fields (issue 12 item 6)', () => {
  const ocsf = (uid: string, extra: string) => `{"class_uid":2004,"category_uid":2,"activity_id":1,"type_uid":200401,"severity_id":1,
    "time":1733572800000,"metadata":{"product":{"name":"Probe","vendor_name":"Hostile"},"uid":"${uid}","version":"1.1.0"},
    "finding_info":{"uid":"${uid}","title":"Informational probe"}${extra}}`;

  test('an OCSF finding with __proto__, constructor and prototype keys: keys dropped, alert flagged prototype-key-dropped', async () => {
    const uid = `proto-${h.run}`;
    const body = ocsf(uid, ',"__proto__":{"isAdmin":true},"constructor":{"prototype":{"polluted":true}},"prototype":1');
    const res = await post(body, { url: '/v1/alerts/ocsf' });
    expect(res.statusCode).toBe(202);
    const stored = await storedAlert(res.json().results[0].workflowId as string);
    expect(stored.inputAnomalies).toEqual(['prototype-key-dropped']);
    expect(JSON.stringify(stored)).not.toMatch(/__proto__|polluted|isAdmin/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('a 5 MB text field in a mapped format (OCSF message): cut at the boundary and flagged field-truncated', async () => {
    const res = await post(ocsf(`giant-${h.run}`, `,"message":"${'A'.repeat(5 * 1024 * 1024)}"`), { url: '/v1/alerts/ocsf' });
    expect(res.statusCode).toBe(202);
    const stored = await storedAlert(res.json().results[0].workflowId as string);
    expect(stored.inputAnomalies).toEqual(['field-truncated']);
    expect(JSON.stringify(stored).length).toBeLessThan(MAX_FIELD_CHARS * 2);
  });

  test('a 5 MB field in an autosoc alert: 400 naming the field (its schema bounds every field)', async () => {
    const res = await post(
      JSON.stringify(sample('03-phishing-link.json', { sourceId: `giant-${h.run}`, description: 'A'.repeat(5 * 1024 * 1024) })),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(/description: Too big/i);
  });
});

describe('deeply nested JSON gets a 400 naming the problem from every parser path (item 8)', () => {
  const deep = (n: number) => `{"kibana":${'['.repeat(n)}${']'.repeat(n)}}`;
  const expected = new RegExp(`nests arrays/objects deeper than ${MAX_JSON_DEPTH} levels`);

  test.each(['/v1/alerts', '/v1/alerts/autosoc', '/v1/alerts/ecs', '/v1/alerts/wazuh', '/v1/alerts/ocsf'])('%s: 400', async (url) => {
    const res = await post(deep(10_000), { url });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(expected);
  });

  test('deep objects too (not only arrays)', async () => {
    const res = await post(`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(expected);
  });

  test('NDJSON: the deep line fails alone, naming its line; the good line is accepted', async () => {
    const sourceId = `nd-deep-${h.run}`;
    const body = `${JSON.stringify(sample('05-port-scan.json', { sourceId }))}\n${deep(10_000)}\n`;
    const res = await post(body, { type: 'application/x-ndjson' });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({
      accepted: 1,
      rejected: 1,
      results: [
        { index: 0, status: 'accepted' },
        { index: 1, status: 'rejected' },
      ],
    });
    expect(res.json().results[1].error).toMatch(new RegExp(`line 2 ${expected.source}`));
  });

  test('nesting within the bound still maps (a real ECS alert is untouched)', async () => {
    const res = await post(JSON.stringify(sample('01-encoded-powershell.json', { sourceId: `ok-depth-${h.run}` })));
    expect(res.statusCode).toBe(202);
  });
});

describe('amplification: items per request and per second per source (item 7)', () => {
  test('10 MB of minimal CEF lines: 413 naming the item limit, nothing mapped or started', async () => {
    const line = 'CEF:0|a|b|1|x|y|1|\n';
    const body = line.repeat(Math.floor((10 * 1024 * 1024 - 1024) / line.length));
    const res = await post(body, { type: 'text/plain' });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({
      error: expect.stringMatching(/holds more than 50 items \(\d+ counted\); at most 50 are accepted per request/),
      limitItems: 50,
    });
  });

  test('a JSON array over the limit: 413 too', async () => {
    const res = await post(JSON.stringify(Array.from({ length: 51 }, () => ({}))));
    expect(res.statusCode).toBe(413);
    expect(res.json().limitItems).toBe(50);
  });

  test('a source over its items per second gets 429 with Retry-After, and rejected items count too', async () => {
    const fifty = JSON.stringify(Array.from({ length: 50 }, () => ({})));
    const first = await post(fifty, { token: limitedToken });
    expect(first.statusCode).toBe(400); // all invalid, but they were read: they spent the budget
    const second = await post(JSON.stringify(Array.from({ length: 10 }, () => ({}))), { token: limitedToken });
    expect(second.statusCode).toBe(429);
    expect(Number(second.headers['retry-after'])).toBeGreaterThan(0);
    expect(second.json()).toEqual({ error: expect.stringMatching(/may send 1 alerts per second/), retryAfterSeconds: expect.any(Number) });
    // Another token's budget is its own.
    const other = await post(JSON.stringify([{}]));
    expect(other.statusCode).toBe(400);
  });

  test('unauthenticated calls write no audit row, however many', async () => {
    const before = (await h.db.pool.query<{ now: Date }>('SELECT now()')).rows[0].now;
    for (let i = 0; i < 50; i++) {
      const res = await post('{}', { token: `not-a-token-${i}` });
      expect(res.statusCode).toBe(401);
    }
    const res = await h.app.inject({ method: 'POST', url: '/v1/nowhere', payload: '{}' });
    expect(res.statusCode).toBe(404);
    const { rows } = await h.db.pool.query('SELECT 1 FROM audit_log WHERE at >= $1 AND actor = $2', [before, 'anonymous']);
    expect(rows).toHaveLength(0);
    // An authenticated call still is audited.
    await post('{}');
    const mine = await h.db.pool.query('SELECT 1 FROM audit_log WHERE at >= $1 AND actor = $2', [before, `hostile-${h.run}`]);
    expect(mine.rowCount).toBeGreaterThan(0);
  });
});

test('workflows of flagged alerts exist on the real server', async () => {
  expect(
    await workflowExists(h.client, alertWorkflowId({ source: sample('04-admin-login.json').source as string, sourceId: `nul-${h.run}` })),
  ).toBe(true);
});
