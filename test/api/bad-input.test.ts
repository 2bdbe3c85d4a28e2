// Hostile and broken input against the real stack: each request gets a clean 4xx with a JSON
// error that names the problem, the process survives, and no alert workflow is started. "None
// started" is proven against eventually consistent visibility with a sentinel: one valid alert
// sent after all the bad ones, awaited until listed, must be the only new run on the queue.
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { alertWorkflowId } from '../../src/domain/alert';
import { ALERT_FORMATS } from '../../src/ingest/formats/types';
import { createApiToken } from '../../src/store/api-tokens';
import { listQueue, sample, startApiHarness, workflowExists, type ApiHarness } from './harness';
import { waitFor } from '../helpers/wait';

let h: ApiHarness;
let token: string;
/** Every bad alert names this source, so the alerts table can be checked for it too. */
let source: string;

beforeAll(async () => {
  h = await startApiHarness('bad');
  source = `bad-${h.run}`;
  token = await createApiToken(h.db.pool, { name: `bad-input-${h.run}`, roles: ['ingest'], anySource: true });
});

afterAll(async () => {
  await h?.close();
});

const alert = (sourceId: string, overrides: Record<string, unknown> = {}) =>
  sample('05-port-scan.json', { source, sourceId, ...overrides });

function post(body: string | Buffer | undefined, opts: { url?: string; contentType?: string } = {}): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (opts.contentType !== undefined) headers['content-type'] = opts.contentType;
  else if (body !== undefined) headers['content-type'] = 'application/json';
  return h.app.inject({ method: 'POST', url: opts.url ?? '/v1/alerts', headers, ...(body === undefined ? {} : { payload: body }) });
}

/** A clean refusal: the expected 4xx, a JSON body with an error string naming the problem, nothing accepted. */
function expectRefused(res: LightMyRequestResponse, status: number, message: RegExp) {
  expect({ status: res.statusCode, body: res.body.slice(0, 500) }).toEqual({ status, body: expect.any(String) });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json();
  expect(typeof body.error).toBe('string');
  expect(body.error).toMatch(message);
  if (body.results) {
    expect(body.results.every((r: { status: string; workflowId?: string }) => r.status === 'rejected' && r.workflowId === undefined)).toBe(
      true,
    );
    expect(body.accepted).toBe(0);
  }
  return body;
}

/** Workflow ids the bad requests would have started had they been accepted. */
const wouldBe: string[] = [];
const id = (sourceId: string) => {
  const workflowId = alertWorkflowId({ source, sourceId });
  wouldBe.push(workflowId);
  return sourceId;
};

test('truncated JSON → 400 naming the JSON error', async () => {
  const body = JSON.stringify(alert(id('truncated'))).slice(0, -7);
  expectRefused(await post(body), 400, /^body is not valid JSON: /);
});

test('wrong types (severity: 7, time: "yesterday") → 400 naming each bad field path', async () => {
  const body = JSON.stringify(alert(id('wrong-types'), { severity: 7, time: 'yesterday' }));
  const res = expectRefused(await post(body, { url: '/v1/alerts/autosoc' }), 400, /severity/);
  expect(res.results).toHaveLength(1);
  expect(res.results[0].error).toMatch(/^invalid alert: /);
  expect(res.results[0].error).toMatch(/severity: /);
  expect(res.results[0].error).toMatch(/time: /);
});

test('wrong types with the format detected → 400 that still names the fields', async () => {
  const res = await post(
    JSON.stringify(alert(id('wrong-types-detected'), { severity: 'urgent', time: 'yesterday', attackTechniques: ['T1'] })),
  );
  const body = expectRefused(res, 400, /severity/);
  for (const path of ['severity', 'time', 'attackTechniques.0']) expect(body.results[0].error).toContain(`${path}: `);
});

// An autosoc alert is recognised by its key fields, so a wrongly typed value is named as such.
test('severity: 7 with the format detected is reported as a bad severity, not an unrecognised document', async () => {
  const res = await post(JSON.stringify(alert(id('numeric-severity-detected'), { severity: 7 })));
  const body = expectRefused(res, 400, /.*/);
  expect(body.results[0].error).toMatch(/severity: /);
});

test('missing required fields → 400 naming each missing field', async () => {
  const doc = alert(id('missing'));
  delete doc.title;
  delete doc.time;
  const body = expectRefused(await post(JSON.stringify(doc)), 400, /title: /);
  expect(body.error).toMatch(/time: /);
  expect(body.results).toEqual([expect.objectContaining({ index: 0, status: 'rejected', format: 'autosoc' })]);
});

test('a 5 MB string field → 400 from the schema max length, without echoing it', async () => {
  const big = 'A'.repeat(5 * 1024 * 1024);
  for (const field of ['title', 'description'] as const) {
    const res = await post(JSON.stringify(alert(id(`huge-${field}`), { [field]: big })));
    expectRefused(res, 400, new RegExp(`${field}: Too big: expected string to have <=\\d+ characters`));
    expect(res.body.length).toBeLessThan(2000);
  }
});

test('invalid UTF-8 bytes → 400 "body is not valid UTF-8"', async () => {
  const [head, tail] = JSON.stringify(alert(id('bad-utf8'), { title: 'SPLIT' })).split('SPLIT');
  const body = Buffer.concat([Buffer.from(head), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from(tail)]);
  expectRefused(await post(body), 400, /^body is not valid UTF-8$/);
});

test('a JSON bomb of 100k nested arrays → clean 400, the process survives', async () => {
  const depth = 100_000;
  const bomb = '['.repeat(depth) + ']'.repeat(depth);
  // Refused on the text, before any parser or mapper recurses (issue 10 item 8).
  const tooDeep = /nests arrays\/objects deeper than 64 levels/;
  expectRefused(await post(bomb), 400, tooDeep);
  expectRefused(await post(bomb, { url: '/v1/alerts/autosoc' }), 400, tooDeep);
  const objects = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  expectRefused(await post(objects), 400, tooDeep);
  // Still serving.
  expect((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
});

// A deeply nested or multi-megabyte `raw` must not reach Temporal's payload limits: the autosoc
// mapper keeps such originals as evidence (or rejects what cannot even be serialized).
const acceptedAsEvidence: string[] = [];
async function expectNo500(res: LightMyRequestResponse) {
  expect(res.statusCode).not.toBe(500);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  if (res.statusCode === 202) acceptedAsEvidence.push(...res.json().results.map((r: { workflowId: string }) => r.workflowId));
  else expect(res.statusCode).toBeGreaterThanOrEqual(400);
}

test('a JSON bomb inside an otherwise valid alert (raw: 100k nested arrays) gets a clean answer, not a 500', async () => {
  const depth = 100_000;
  const text = JSON.stringify(alert(id('raw-bomb'), { raw: 'BOMB' })).replace('"BOMB"', '['.repeat(depth) + ']'.repeat(depth));
  await expectNo500(await post(text));
});

test('a 3 MB string in raw (over the 2 MB Temporal payload limit) is kept as evidence and the alert accepted', async () => {
  const res = await post(JSON.stringify(alert(id('raw-huge'), { raw: 'A'.repeat(3 * 1024 * 1024) })));
  await expectNo500(res);
  expect(res.statusCode).toBe(202);
});

test('a deeply nested MIME .eml posted to /v1/alerts/eml → 400 naming the nesting limit', async () => {
  const depth = 2000;
  const messageId = `nested-${h.run}@example.com`;
  const head = [
    'From: Mallory <mallory@example.com>',
    'To: soc@example.com',
    'Subject: nested parts',
    `Message-ID: <${messageId}>`,
    'Date: Fri, 20 Nov 2026 10:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b0"',
    '',
    '',
  ].join('\r\n');
  let body = '';
  for (let i = 1; i < depth; i++) body += `--b${i - 1}\r\nContent-Type: multipart/mixed; boundary="b${i}"\r\n\r\n`;
  body += `--b${depth - 1}\r\nContent-Type: text/plain\r\n\r\nhello\r\n`;
  for (let i = depth - 1; i >= 0; i--) body += `--b${i}--\r\n`;
  const res = await post(head + body, { url: '/v1/alerts/eml', contentType: 'message/rfc822' });
  const json = expectRefused(res, 400, /eml: cannot parse message: Maximum MIME nesting depth of \d+ levels exceeded/);
  expect(json.results).toEqual([expect.objectContaining({ index: 0, status: 'rejected', format: 'eml' })]);
  wouldBe.push(alertWorkflowId({ source: 'phishing-report', sourceId: messageId }));
});

test('an empty body → 400 "empty body", with or without a content type', async () => {
  expectRefused(await post(undefined), 400, /^empty body$/);
  expectRefused(await post('', { contentType: 'application/json' }), 400, /^empty body$/);
  expectRefused(await post('  \n\t ', { contentType: 'text/plain' }), 400, /^empty body$/);
  expectRefused(await post('[]'), 400, /no alerts/);
});

test('an unknown format in the URL → 400 naming the allowed formats', async () => {
  const res = await post(JSON.stringify(alert(id('unknown-format'))), { url: '/v1/alerts/xml' });
  const body = expectRefused(res, 400, new RegExp(`unknown format: use one of ${ALERT_FORMATS.join(', ')}`));
  expect(body.allowed).toEqual([...ALERT_FORMATS]);
  expect(res.body).not.toContain('xml');
});

test('a malformed Content-Type header → 415', async () => {
  expectRefused(await post(JSON.stringify(alert(id('bad-ctype'))), { contentType: 'json' }), 415, /Unsupported Media Type/i);
});

test('an unknown route → 404 JSON before the body is read', async () => {
  const res = await post(randomBytes(64).toString('hex'), { url: '/v1/alert' });
  expectRefused(res, 404, /no route for POST \/v1\/alert$/);
});

test('script injection in text fields is accepted as text, stored verbatim, never interpreted', async () => {
  const title = '<script>alert(1)</script>';
  const description = '"><img src=x onerror=alert(document.cookie)> {{7*7}} ${7*7} \u202e';
  const res = await post(JSON.stringify(alert('xss', { title, description })));
  expect(res.statusCode).toBe(202);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(res.body).not.toContain('<script>');
  const workflowId = alertWorkflowId({ source, sourceId: 'xss' });
  expect(res.json().results[0]).toEqual({
    index: 0,
    status: 'accepted',
    format: 'autosoc',
    workflowId,
    playbook: 'alertWorkflow',
    playbookReason: 'playbook alertWorkflow: no route matched (default)',
  });
  const row = await waitFor(
    async () =>
      (
        await h.db.pool.query<{ title: string; alert: { title: string; description: string } }>(
          'SELECT title, alert FROM alerts WHERE workflow_id = $1',
          [workflowId],
        )
      ).rows[0],
    (r) => r !== undefined,
    `${workflowId} in alerts`,
  );
  expect(row.title).toBe(title);
  expect(row.alert.title).toBe(title);
  expect(row.alert.description).toBe(description);
});

test('zero workflows were started by the bad requests (sentinel proves visibility caught up)', async () => {
  const refused = wouldBe.filter((w) => !acceptedAsEvidence.includes(w));
  for (const workflowId of refused) expect([workflowId, await workflowExists(h.client, workflowId)]).toEqual([workflowId, false]);

  const sentinel = alertWorkflowId({ source, sourceId: 'sentinel' });
  const res = await post(JSON.stringify(alert('sentinel')));
  expect(res.statusCode).toBe(202);
  const queue = await waitFor(
    () => listQueue(h.client, h.config.temporal.taskQueue),
    (runs) => runs.some((r) => r.workflowId === sentinel),
    'visibility to list the sentinel',
  );
  const xss = alertWorkflowId({ source, sourceId: 'xss' });
  // Besides the sentinel, only the script-injection alert (accepted as text) ever started.
  expect(queue.map((r) => r.workflowId).sort()).toEqual([sentinel, xss, ...acceptedAsEvidence].sort());

  // The alerts table agrees once the worker has recorded the sentinel.
  const rows = await waitFor(
    async () =>
      (
        await h.db.pool.query<{ workflow_id: string }>('SELECT workflow_id FROM alerts WHERE source = $1 OR source_id = $2', [
          source,
          `nested-${h.run}@example.com`,
        ])
      ).rows.map((r) => r.workflow_id),
    (ids) => ids.includes(sentinel),
    'the sentinel in the alerts table',
  );
  expect(rows.sort()).toEqual(expect.arrayContaining([sentinel, xss]));
  expect(rows.filter((w) => !acceptedAsEvidence.includes(w)).sort()).toEqual([sentinel, xss].sort());
});
