// Property-based fuzzing of the ingest API on the real stack (dev server, worker, PostgreSQL):
// malformed bodies — mutated valid alerts, wrong types, random JSON, random bytes, random
// content types and formats — always get a 4xx with a JSON `error`, never a 500; a 202 only
// when the same normalization finds a valid item; and no workflow starts for a rejected item
// (proven against eventually consistent visibility with a sentinel, as bad-input.test.ts does).
import fc from 'fast-check';
import { alertWorkflowId } from '../../src/domain/alert';
import { ALERT_FORMATS } from '../../src/ingest/formats/types';
import { normalizeBody } from '../../src/ingest/normalize';
import { createApiToken } from '../../src/store/api-tokens';
import { listQueue, sample, startApiHarness, type ApiHarness } from '../api/harness';
import { waitFor } from '../helpers/wait';

let h: ApiHarness;
let token: string;
let source: string;

beforeAll(async () => {
  h = await startApiHarness('fuzz');
  source = `fuzz-${h.run}`;
  token = await createApiToken(h.db.pool, { name: `fuzz-${h.run}`, roles: ['ingest'], anySource: true });
});

afterAll(async () => {
  await h?.close();
});

const SAMPLES = ['01-encoded-powershell.json', '02-lsass-dump.json', '03-phishing-link.json', '04-admin-login.json', '05-port-scan.json'];
const enc = new TextEncoder();

/** Valid alert JSON, the shape every mutation starts from (its own source, so ids stay ours). */
const validJson = fc
  .tuple(fc.constantFrom(...SAMPLES), fc.nat({ max: 1_000_000 }))
  .map(([f, n]) => JSON.stringify(sample(f, { source, sourceId: `v${n}` })));
const wrongTypes = fc
  .tuple(
    fc.constantFrom(...SAMPLES),
    fc.nat(),
    fc.dictionary(
      fc.constantFrom('severity', 'time', 'title', 'sourceId', 'observables', 'attackTechniques', 'raw', 'description'),
      fc.jsonValue({ maxDepth: 3 }),
      { minKeys: 1 },
    ),
  )
  .map(([f, n, o]) => JSON.stringify(sample(f, { source, sourceId: `w${n}`, ...o })));
const textMutation = fc
  .tuple(
    validJson,
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 40 }), fc.string({ maxLength: 8, unit: 'binary' })), { minLength: 1, maxLength: 4 }),
  )
  .map(([s, edits]) =>
    edits.reduce((acc, [at, len, ins]) => {
      const i = at % (acc.length || 1);
      return acc.slice(0, i) + ins + acc.slice(i + len);
    }, s),
  );
const bodies: fc.Arbitrary<Uint8Array> = fc.oneof(
  { arbitrary: textMutation.map((t) => enc.encode(t)), weight: 4 },
  { arbitrary: wrongTypes.map((t) => enc.encode(t)), weight: 3 },
  { arbitrary: fc.array(wrongTypes, { minLength: 2, maxLength: 4 }).map((a) => enc.encode(a.join('\n'))), weight: 1 },
  { arbitrary: fc.json({ maxDepth: 5 }).map((t) => enc.encode(t)), weight: 2 },
  { arbitrary: fc.uint8Array({ minLength: 1, maxLength: 2048 }), weight: 2 },
  { arbitrary: fc.integer({ min: 100, max: 3000 }).map((n) => enc.encode(`${'['.repeat(n)}${']'.repeat(n)}`)), weight: 1 },
);
const contentTypes = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/x-ndjson',
  'text/plain',
  'message/rfc822',
  'application/octet-stream',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  'nonsense',
  '',
);
const formats = fc.constantFrom<string | undefined>(undefined, ...ALERT_FORMATS, 'xml', '..%2f', 'AUTOSOC');

/** Workflow ids the API said it started (or found already running) for accepted items. */
const started = new Set<string>();

test('malformed bodies: 4xx with a JSON error, 202 only for valid items, never a 500', async () => {
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(bodies, contentTypes, formats, async (body, contentType, format) => {
      const res = await h.app.inject({
        method: 'POST',
        url: format === undefined ? '/v1/alerts' : `/v1/alerts/${format}`,
        headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
        payload: Buffer.from(body),
      });
      const where = `status ${res.statusCode} for ${contentType} ${format} ${Buffer.from(body).toString('utf8', 0, 200)}: ${res.body.slice(0, 300)}`;
      expect([where, res.statusCode < 500]).toEqual([where, true]);
      expect([where, res.headers['content-type']]).toEqual([where, expect.stringMatching(/^application\/json/)]);
      const json = res.json();
      if (res.statusCode === 202) {
        // The same normalization the API uses must find at least one valid item in this body.
        const items = await normalizeBody(body, {
          format: format as (typeof ALERT_FORMATS)[number] | undefined,
          receivedAt: new Date().toISOString(),
        });
        expect([where, items.some((i) => i.ok)]).toEqual([where, true]);
        for (const r of json.results) {
          if (r.status === 'rejected') expect(r.workflowId).toBeUndefined();
          else if (r.workflowId) started.add(r.workflowId);
        }
      } else {
        refused++;
        expect([where, res.statusCode >= 400 && res.statusCode < 500]).toEqual([where, true]);
        expect([where, typeof json.error]).toEqual([where, 'string']);
        if (json.results)
          expect(json.results.every((r: { status: string; workflowId?: string }) => r.status === 'rejected' && !r.workflowId)).toBe(true);
      }
    }),
    { numRuns: 300, endOnFailure: true },
  );
  expect(refused).toBeGreaterThan(100); // the generators mostly produce bad input
});

test('no workflow started for a rejected item (sentinel proves visibility caught up)', async () => {
  const sentinel = alertWorkflowId({ source, sourceId: 'sentinel' });
  const res = await h.app.inject({
    method: 'POST',
    url: '/v1/alerts',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: JSON.stringify(sample('05-port-scan.json', { source, sourceId: 'sentinel' })),
  });
  expect(res.statusCode).toBe(202);
  const queue = await waitFor(
    () => listQueue(h.client, h.config.temporal.taskQueue),
    (runs) => runs.some((r) => r.workflowId === sentinel),
    'visibility to list the sentinel',
  );
  expect([...new Set(queue.map((r) => r.workflowId))].sort()).toEqual([...started, sentinel].sort());
  // The alerts table holds nothing of ours beyond what the API accepted.
  const rows = await waitFor(
    async () =>
      (await h.db.pool.query<{ workflow_id: string }>('SELECT workflow_id FROM alerts WHERE source = $1', [source])).rows.map(
        (r) => r.workflow_id,
      ),
    (ids) => ids.includes(sentinel),
    'the sentinel in the alerts table',
  );
  for (const id of rows) expect([id, started.has(id) || id === sentinel]).toEqual([id, true]);
});
