// Firewall External Dynamic Lists: block_ip / block_domain / block_url through the respond
// activity add entries (normalised, with an expiry) that /v1/blocklists/<list> serves as plain
// text, one entry per line, to each firewall's own token (bearer, or HTTP Basic as firewalls
// send it); undo removes the alert's entry; expired entries are not served.
import { Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { ActivityDeps } from '../../src/activities/deps';
import { respond, undoResponse } from '../../src/activities/respond';
import { buildApiServer } from '../../src/api/server';
import { loadConfig } from '../../src/config';
import { BlocklistConnector } from '../../src/connectors/response/blocklist';
import { manualResponseConnector } from '../../src/connectors/response-connector';
import { DEFAULT_CORRELATION } from '../../src/domain/correlation';
import { extractObservables } from '../../src/domain/observables';
import type { ResponseAction } from '../../src/domain/response';
import { IngestService } from '../../src/ingest/ingest-service';
import { upsertAlert } from '../../src/store/alerts';
import { createApiToken } from '../../src/store/api-tokens';
import { temporalClient } from '../../src/temporal/client';
import { sampleAlert } from '../helpers/alerts';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { uniqueSuffix } from '../helpers/temporal';

const DAY = 86_400_000;
let db: TestDatabase;
let app: FastifyInstance;
let connection: Connection;
let baseUrl: string;
const tokens = { paloAlto: '', fortigate: '', analyst: '' };
let deps: ActivityDeps;

beforeAll(async () => {
  db = await openTestDatabase();
  const config = loadConfig({});
  // The API needs an ingest service; nothing here ingests, so its Temporal connection is never opened.
  connection = Connection.lazy({ address: '127.0.0.1:1' });
  const ingest = new IngestService({
    db: db.pool,
    client: temporalClient(config, connection),
    taskQueue: 'unused',
    policy: config.policy,
    correlation: DEFAULT_CORRELATION,
  });
  app = buildApiServer({ db: db.pool, ingest, maxBodyBytes: 1 << 20 });
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  const run = uniqueSuffix();
  tokens.paloAlto = await createApiToken(db.pool, { name: `pa-fw-01-${run}`, roles: ['firewall'] });
  tokens.fortigate = await createApiToken(db.pool, { name: `fgt-edge-${run}`, roles: ['firewall'] });
  tokens.analyst = await createApiToken(db.pool, { name: `analyst-${run}`, roles: ['analyst'] });
  deps = {
    db: db.pool,
    responders: [new BlocklistConnector(db.pool, 30 * DAY), manualResponseConnector],
    responseRouting: { block_ip: 'edl', block_domain: 'edl', block_url: 'edl' },
  } as unknown as ActivityDeps;
});
afterAll(async () => {
  await app?.close();
  await connection?.close();
  await db?.close();
});

async function alertRow(): Promise<string> {
  const workflowId = `edl-${uniqueSuffix()}`;
  const alert = sampleAlert('02-lsass-dump.json', workflowId);
  await upsertAlert(db.pool, workflowId, alert, extractObservables(alert));
  return workflowId;
}
/** Unique per run: the lists are shared by every test run against this database. */
const randomIp = () => `10.${[...randomBytes(3)].join('.')}`;
const basic = (user: string, token: string) => `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;
/** An HTTP GET as a firewall's fetcher makes it, over a real socket. */
const get = async (path: string, authorization?: string) => {
  const res = await fetch(`${baseUrl}${path}`, { headers: authorization ? { authorization } : {} });
  return { statusCode: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
};
const pull = (list: string, authorization?: string) => get(`/v1/blocklists/${list}`, authorization);
const lines = async (list: string) => {
  const res = await pull(list, `Bearer ${tokens.paloAlto}`);
  expect(res.statusCode).toBe(200);
  return res.body.split('\n').filter(Boolean);
};

test('block actions add normalised entries each firewall pulls as plain text, one per line; undo removes them', async () => {
  const workflowId = await alertRow();
  const n = uniqueSuffix().replace(/[^a-z0-9]/g, '');
  const ip = randomIp();
  const net6 = `2001:DB8:${randomBytes(2).toString('hex').toUpperCase()}::/48`;
  const actions: ResponseAction[] = [
    { kind: 'block_ip', target: ip },
    { kind: 'block_ip', target: net6 },
    { kind: 'block_domain', target: `C2-${n}.Example.NET.` },
    { kind: 'block_url', target: `https://cdn-${n}.example.org/payload/stage2.ps1?id=7` },
  ];
  const done = await respond(deps, { workflowId, approvedBy: 'alice', actions });
  expect(done.map((a) => a.status)).toEqual(['executed', 'executed', 'executed', 'executed']);

  const ips = await lines('ip');
  expect(ips).toEqual(expect.arrayContaining([ip, net6.toLowerCase()]));
  // Every line is what the IP lists take: an address or address/prefix, nothing else (PAN-OS, FortiGate, Check Point flat list).
  expect(ips.every((l) => isIP(l.split('/')[0]) > 0 && !/\s/.test(l))).toBe(true);
  expect(await lines('domain')).toContain(`c2-${n}.example.net`);
  expect(await lines('url')).toContain(`cdn-${n}.example.org/payload/stage2.ps1?id=7`); // no scheme

  // The firewall's fetcher sends its token as the Basic password; the pull is audited under its name.
  const viaBasic = await pull('domain', basic('fortigate', tokens.fortigate));
  expect(viaBasic.statusCode).toBe(200);
  expect(viaBasic.headers['content-type']).toBe('text/plain; charset=utf-8');
  expect(viaBasic.body.endsWith('\n')).toBe(true);
  const audited = await db.pool.query<{ actor: string }>(
    `SELECT actor FROM audit_log WHERE actor LIKE 'fgt-edge-%' AND action LIKE '%blocklists%'`,
  );
  expect(audited.rowCount).toBeGreaterThanOrEqual(1);

  const undone = await undoResponse(deps, { workflowId, requestedBy: 'carol', actions: [...actions].reverse() });
  expect(undone.map((a) => a.status)).toEqual(['undone', 'undone', 'undone', 'undone']);
  expect(await lines('ip')).not.toContain(ip);
  expect(await lines('domain')).not.toContain(`c2-${n}.example.net`);
});

test("undoing one alert's block keeps another alert's block of the same value; expired entries are not served", async () => {
  const [first, second] = [await alertRow(), await alertRow()];
  const value = randomIp();
  const action: ResponseAction = { kind: 'block_ip', target: value };
  await respond(deps, { workflowId: first, approvedBy: 'alice', actions: [action] });
  await respond(deps, { workflowId: second, approvedBy: 'bob', actions: [action] });
  await undoResponse(deps, { workflowId: first, requestedBy: 'carol', actions: [action] });
  expect(await lines('ip')).toContain(value);
  await db.pool.query(`UPDATE blocklist_entries SET expires_at = now() - interval '1 minute' WHERE value = $1`, [value]);
  expect(await lines('ip')).not.toContain(value);
});

test('values that are not one well-formed entry are refused: nothing can add a line or a comment to a list', async () => {
  const workflowId = await alertRow();
  const bad: ResponseAction[] = [
    { kind: 'block_ip', target: '198.51.100.1\n0.0.0.0/0' },
    { kind: 'block_ip', target: '10.0.0.0/33' },
    { kind: 'block_domain', target: 'evil.example.com # comment' },
    { kind: 'block_domain', target: 'localhost' },
    { kind: 'block_url', target: 'javascript:alert(1)' },
  ];
  const done = await respond(deps, { workflowId, approvedBy: 'alice', actions: bad });
  expect(done.map((a) => a.status)).toEqual(['failed', 'failed', 'failed', 'failed', 'failed']);
  expect(done.every((a) => /^edl: edl: not /.test(a.detail ?? ''))).toBe(true);
  expect(await lines('ip')).not.toContain('0.0.0.0/0');
});

test('only firewall (and admin) tokens pull; a missing token is challenged for Basic credentials; unknown lists are 400', async () => {
  const none = await pull('ip');
  expect(none.statusCode).toBe(401);
  expect(none.headers['www-authenticate']).toMatch(/^Basic realm="autosoc"/);
  expect((await pull('ip', basic('pa-fw-01', 'not-a-token'))).statusCode).toBe(401);
  expect((await pull('ip', `Bearer ${tokens.analyst}`)).statusCode).toBe(403);
  expect((await pull('hashes', `Bearer ${tokens.paloAlto}`)).statusCode).toBe(400);
  // A firewall token opens nothing else.
  const other = await get('/v1/alerts/pending', `Bearer ${tokens.paloAlto}`);
  expect(other.statusCode).toBe(403);
});
