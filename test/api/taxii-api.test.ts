// autosoc's TAXII 2.1 collection read by OASIS's taxii2-client (python, .tools/venv) over a
// live API: discovery, API root, collections, every page of objects (limit/next) and the
// manifest, then only what was added after a date. Confirmed incidents from PostgreSQL, shared
// under the sharing policy's TLP: AMBER incidents and unconfirmed alerts never appear.
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { buildApiServer } from '../../src/api/server';
import { TAXII_MEDIA_TYPE } from '../../src/api/taxii-routes';
import { loadConfig } from '../../src/config';
import { confirmedIncidentFromStore } from '../../src/content/from-store';
import { SharingPolicy } from '../../src/content/sharing';
import { incidentToStixBundle } from '../../src/content/stix-export';
import { TAXII_COLLECTION } from '../../src/content/taxii-publish';
import { parseAlert } from '../../src/domain/alert';
import { DEFAULT_CORRELATION } from '../../src/domain/correlation';
import { extractObservables } from '../../src/domain/observables';
import { IngestService } from '../../src/ingest/ingest-service';
import { upsertAlert } from '../../src/store/alerts';
import { createApiToken } from '../../src/store/api-tokens';
import { appendAudit } from '../../src/store/decisions';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { runTool } from '../helpers/field-tools';
import { devServerEnv, uniqueSuffix } from '../helpers/temporal';

const run = uniqueSuffix();
// Sources of this run only: alerts other test files leave in the database stay AMBER (the default).
const src = { osint: `osint-${run}`, partner: `partner-${run}`, edr: `edr-${run}` };
const sharing = SharingPolicy.parse({
  defaultTlp: 'amber',
  bySource: { [src.osint]: 'clear', [src.partner]: 'green' },
  ownDomains: ['corp.example'],
});
let db: TestDatabase;
let env: TestWorkflowEnvironment;
let app: FastifyInstance;
let base: string;
const tokens = { intel: '', ingest: '' };

/** An alert with `n` public indicators (documentation ranges, .example names) and private ones that must not leave. */
async function storeAlert(source: string, name: string, n: number, verdict: string, approvedBy?: string): Promise<string> {
  const workflowId = `alert:${source}:${name}-${run}`;
  const alert = parseAlert({
    source,
    sourceId: `${name}-${run}`,
    time: '2026-12-01T10:00:00Z',
    title: `Beacon from ws-0142 (${name})`,
    severity: 'high',
    attackTechniques: ['T1071.001'],
    observables: {
      hosts: [{ hostname: 'ws-0142', ip: '10.20.30.40' }],
      users: [{ name: 'jdoe' }],
      urls: Array.from({ length: n }, (_x, i) => `https://c2-${name}-${i}.badcdn-example.net/beacon`),
      ips: [`203.0.113.${n}`, '192.168.1.9'],
      domains: ['intranet.corp.example'],
    },
  });
  await upsertAlert(db.pool, workflowId, alert, extractObservables(alert));
  await db.pool.query('UPDATE alerts SET verdict = $2 WHERE workflow_id = $1', [workflowId, verdict]);
  if (approvedBy)
    await appendAudit(db.pool, { workflowId, step: 'decision:1', action: 'approve', actor: approvedBy, reason: 'confirmed beacon' });
  return workflowId;
}

/** The STIX object ids the store's incident exports to. */
async function expectedIds(workflowId: string): Promise<string[]> {
  return incidentToStixBundle(await confirmedIncidentFromStore(db.pool, workflowId), { sharing }).objects.map((o) => o.id);
}

interface Pull {
  title: string;
  versions: string[];
  collection: string;
  can_read: boolean;
  can_write: boolean;
  pages: number;
  ids: string[];
  objects: Record<string, unknown>[];
  manifest: { id: string; date_added: string; version: string }[];
}
async function pull(perPage: number, addedAfter?: string): Promise<Pull> {
  const r = await runTool('python', [
    join(__dirname, '..', 'content', 'taxii_pull.py'),
    `${base}/taxii2/`,
    tokens.intel,
    String(perPage),
    ...(addedAfter ? [addedAfter] : []),
  ]);
  if (r.code !== 0) throw new Error(`taxii_pull.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Pull;
}

const get = (path: string, token: string | undefined, accept = TAXII_MEDIA_TYPE) =>
  fetch(`${base}${path}`, { headers: { accept, ...(token ? { authorization: `Bearer ${token}` } : {}) } });

beforeAll(async () => {
  [db, env] = await Promise.all([openTestDatabase(), devServerEnv()]);
  // The collection is the database's: earlier runs' incidents are in it too; start from a clean slate.
  await db.pool.query('DELETE FROM taxii_objects');
  await db.pool.query('DELETE FROM taxii_incidents');
  const policy = { ...loadConfig({}).policy, sharing };
  const ingest = new IngestService({
    db: db.pool,
    client: env.client,
    taskQueue: `taxii-${run}`,
    policy,
    correlation: DEFAULT_CORRELATION,
  });
  app = buildApiServer({ db: db.pool, ingest, policy, maxBodyBytes: 1 << 20 });
  base = (await app.listen({ host: '127.0.0.1', port: 0 })).replace(/\/$/, '');
  tokens.intel = await createApiToken(db.pool, { name: `intel-${run}`, roles: ['intel'] });
  tokens.ingest = await createApiToken(db.pool, { name: `ingest-${run}`, roles: ['ingest'], anySource: true });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await env?.teardown();
  await db?.close();
});

describe('TAXII 2.1 collection', () => {
  const ids = { clear: '', green: '', amber: '', benign: '', later: '' };
  let first: Pull;

  it('pages through every shared object with taxii2-client, and nothing else', async () => {
    ids.clear = await storeAlert(src.osint, 'clear', 9, 'malicious');
    ids.green = await storeAlert(src.partner, 'green', 6, 'suspicious', 'alice');
    ids.amber = await storeAlert(src.edr, 'amber', 4, 'malicious');
    ids.benign = await storeAlert(src.osint, 'benign', 3, 'benign');
    // Other test files may publish into this database meanwhile: expect at least ours, exactly once each.
    const expected = new Set([...(await expectedIds(ids.clear)), ...(await expectedIds(ids.green))]);
    first = await pull(7);
    expect(first.title).toBe('autosoc');
    expect(first.versions).toEqual([TAXII_MEDIA_TYPE]);
    expect(first.collection).toBe(TAXII_COLLECTION.id);
    expect([first.can_read, first.can_write]).toEqual([true, false]);
    expect(new Set(first.ids).size).toBe(first.ids.length);
    expect(new Set(first.ids)).toEqual(expected);
    expect(expected.size).toBeGreaterThan(50);
    expect(first.pages).toBe(Math.ceil(expected.size / 7));
    expect(first.manifest.map((m) => m.id)).toEqual(first.ids);
    const text = JSON.stringify(first.objects);
    expect(text).not.toMatch(/ws-0142|jdoe|10\.20\.30\.40|192\.168\.|corp\.example/);
    expect(text).not.toMatch(/c2-amber-|c2-benign-/);
    expect(text).toMatch(/c2-clear-8\.badcdn-example\.net/);
    expect(
      first.objects
        .filter((o) => o.type === 'marking-definition')
        .map((o) => o.name)
        .sort(),
    ).toEqual(['TLP:GREEN', 'TLP:WHITE']);
  }, 180_000);

  it('returns only what was added after a date', async () => {
    const lastAdded = first.manifest
      .map((m) => m.date_added)
      .sort()
      .at(-1)!;
    ids.later = await storeAlert(src.osint, 'later', 2, 'malicious');
    const fresh = new Set(await expectedIds(ids.later));
    const known = new Set(first.ids);
    const after = await pull(5, lastAdded);
    expect(after.ids.length).toBeGreaterThan(0);
    // New objects only: the TLP marking and identity shared with earlier incidents were added before.
    expect(new Set(after.ids)).toEqual(new Set([...fresh].filter((x) => !known.has(x))));
    expect(after.manifest.every((m) => m.date_added > lastAdded)).toBe(true);
  }, 180_000);

  it('answers with the TAXII media type and the date-added headers', async () => {
    const res = await get(`/taxii2/autosoc/collections/${TAXII_COLLECTION.id}/objects/?limit=3`, tokens.intel);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(TAXII_MEDIA_TYPE);
    const body = (await res.json()) as { more: boolean; next: string; objects: { id: string }[] };
    expect(body.objects).toHaveLength(3);
    expect(body.more).toBe(true);
    const manifest = (await (await get(`/taxii2/autosoc/collections/${TAXII_COLLECTION.id}/manifest/?limit=3`, tokens.intel)).json()) as {
      objects: { date_added: string }[];
    };
    expect(res.headers.get('x-taxii-date-added-first')).toBe(manifest.objects[0].date_added);
    expect(res.headers.get('x-taxii-date-added-last')).toBe(manifest.objects[2].date_added);
    const one = await get(`/taxii2/autosoc/collections/${TAXII_COLLECTION.id}/objects/${body.objects[1].id}/`, tokens.intel);
    expect(((await one.json()) as { objects: { id: string }[] }).objects.map((o) => o.id)).toEqual([body.objects[1].id]);
    const byType = (await (
      await get(`/taxii2/autosoc/collections/${TAXII_COLLECTION.id}/objects/?match[type]=attack-pattern`, tokens.intel)
    ).json()) as { objects: { type: string }[] };
    expect(byType.objects.length).toBeGreaterThan(0);
    expect(byType.objects.every((o) => o.type === 'attack-pattern')).toBe(true);
  });

  it('withholds a confirmed alert it cannot read, and keeps serving the collection', async () => {
    const unreadable = `alert:hand-written:${run}`;
    await db.pool.query(
      `INSERT INTO alerts (workflow_id, source, source_id, severity, title, alert_time, alert, observables, verdict)
       VALUES ($1, 'hand-written', $2, 'high', 'no time field', now(), '{"title":"no time field"}', '{}', 'malicious')`,
      [unreadable, run],
    );
    const res = await get(`/taxii2/autosoc/collections/${TAXII_COLLECTION.id}/objects/`, tokens.intel);
    expect(res.status).toBe(200);
    const row = await db.pool.query('SELECT shared, objects FROM taxii_incidents WHERE workflow_id = $1', [unreadable]);
    expect(row.rows).toEqual([{ shared: false, objects: 0 }]);
  });

  it('refuses strangers, other roles, other media types and writes', async () => {
    const objects = `/taxii2/autosoc/collections/${TAXII_COLLECTION.id}/objects/`;
    expect((await get(objects, undefined)).status).toBe(401);
    expect((await get(objects, tokens.ingest)).status).toBe(403);
    const wrongType = await get(objects, tokens.intel, 'application/json');
    expect(wrongType.status).toBe(406);
    expect(wrongType.headers.get('content-type')).toBe(TAXII_MEDIA_TYPE);
    expect(((await wrongType.json()) as { http_status: string }).http_status).toBe('406');
    expect((await get('/taxii2/autosoc/collections/nope/objects/', tokens.intel)).status).toBe(404);
    expect((await get(`${objects}?added_after=yesterday`, tokens.intel)).status).toBe(400);
    const write = await fetch(`${base}${objects}`, {
      method: 'POST',
      headers: { accept: TAXII_MEDIA_TYPE, 'content-type': TAXII_MEDIA_TYPE, authorization: `Bearer ${tokens.intel}` },
      body: '{"objects":[]}',
    });
    expect(write.status).toBe(403);
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/taxii2/', '/taxii2/autosoc/collections/{id}/objects/']));
    const audited = await db.pool.query('SELECT count(*)::int AS n FROM audit_log WHERE actor = $1', [`intel-${run}`]);
    expect(audited.rows[0].n).toBeGreaterThan(0);
  });
});
