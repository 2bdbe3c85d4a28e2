// Syslog messages are spooled on disk until ingest takes them: received while PostgreSQL is
// unreachable (a TCP proxy in front of the real server, taken down), they are delivered once it
// is back, also by a new listener on the same spool (a process restart); past the spool's bound
// TCP reading pauses and UDP datagrams are dropped and counted. Real dev server, real PostgreSQL.
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Pool } from 'pg';
import { DEFAULT_CORRELATION } from '../../src/domain/correlation';
import { alertWorkflowId } from '../../src/domain/alert';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import { SyslogListener } from '../../src/ingest/channels/syslog-listener';
import { IngestService } from '../../src/ingest/ingest-service';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { tcpProxy, type TcpProxy } from '../helpers/tcp-proxy';
import { devServerEnv, uniqueSuffix } from '../helpers/temporal';
import { waitFor } from '../helpers/wait';

const run = uniqueSuffix();
let env: TestWorkflowEnvironment;
let db: TestDatabase;
let proxy: TcpProxy;
let pool: Pool;
let ingest: IngestService;
const listeners: SyslogListener[] = [];

beforeAll(async () => {
  [env, db] = await Promise.all([devServerEnv(), openTestDatabase()]);
  const url = new URL(db.url);
  proxy = await tcpProxy(Number(url.port || 5432), url.hostname);
  url.port = String(proxy.port);
  pool = new Pool({ connectionString: url.toString(), max: 4, connectionTimeoutMillis: 2000 });
  pool.on('error', () => undefined); // clients lose the server on purpose here
  ingest = new IngestService({
    db: pool,
    client: env.client,
    taskQueue: `spool-${run}`,
    policy: DEFAULT_POLICY,
    correlation: { ...DEFAULT_CORRELATION, keys: [], stormThreshold: 1_000_000 },
  });
}, 120_000);

afterAll(async () => {
  for (const l of listeners) await l.stop();
  await pool?.end();
  await proxy?.close();
  await env?.teardown();
  await db?.close();
});

const source = `acme-${run}-sentinel`.toLowerCase();
const cef = (id: string) =>
  `<134>Nov 20 10:00:00 fw-1 CEF:0|Acme ${run}|Sentinel|1.0|100|Malware detected|8|externalId=${id} src=10.0.0.5 dst=198.51.100.7 dhost=srv-${id} fname=bad.exe`;
const listener = async (spoolDir: string, spoolMaxBytes?: number) => {
  const l = new SyslogListener({
    host: '127.0.0.1',
    port: 0,
    spoolDir,
    spoolMaxBytes,
    ingest: (body) => ingest.ingest({ body, format: 'cef' }),
  });
  await l.start();
  listeners.push(l);
  return l;
};
const sendTcp = async (port: number, lines: string[]) => {
  const tcp = connect(port, '127.0.0.1');
  await new Promise((r) => tcp.once('connect', r));
  tcp.end(lines.map((l) => `${l}\n`).join(''));
  return tcp;
};
const sendUdp = async (port: number, line: string) => {
  const udp = createSocket('udp4');
  await new Promise<void>((r, j) => udp.send(Buffer.from(line), port, '127.0.0.1', (e) => (e ? j(e) : r())));
  udp.close();
};
const started = async (id: string) => env.client.workflow.getHandle(alertWorkflowId({ source, sourceId: id })).describe();

test('messages received while PostgreSQL is unreachable are delivered once it is back', async () => {
  const l = await listener(mkdtempSync(join(tmpdir(), 'autosoc-spool-')));
  await proxy.down();
  const tcp = await sendTcp(l.tcpPort, [cef('down-1'), cef('down-2')]);
  await new Promise((r) => tcp.once('close', r));
  await sendUdp(l.udpPort, cef('down-3'));
  await waitFor(
    async () => l.stats.received,
    (n) => n === 3,
    'three messages spooled',
  );
  expect(l.backlogBytes).toBeGreaterThan(0);
  expect(l.stats.accepted).toBe(0);

  await proxy.up();
  await l.drained();
  expect(l.stats).toMatchObject({ received: 3, accepted: 3, failed: 0 });
  expect(l.backlogBytes).toBe(0);
  for (const id of ['down-1', 'down-2', 'down-3']) await started(id);
}, 180_000);

test('messages spooled by a listener that stopped are delivered by the next one on the same spool', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'autosoc-spool-'));
  const first = await listener(dir);
  await proxy.down();
  const tcp = await sendTcp(first.tcpPort, [cef('restart-1'), cef('restart-2'), cef('restart-3')]);
  await new Promise((r) => tcp.once('close', r));
  await waitFor(
    async () => first.stats.received,
    (n) => n === 3,
    'three messages spooled',
  );
  await first.stop(); // the process goes away; only the spool on disk remains
  expect(first.stats.accepted).toBe(0);

  await proxy.up();
  const second = await listener(dir);
  await waitFor(
    async () => {
      await second.drained();
      return second.stats;
    },
    (s) => s.accepted === 3,
    'the spooled messages delivered',
  );
  expect(second.stats.received).toBe(0); // nothing was sent to it: all three came from the spool
  for (const id of ['restart-1', 'restart-2', 'restart-3']) await started(id);
}, 180_000);

test('past the spool bound TCP stops being read and UDP is dropped and counted; nothing read is lost', async () => {
  const maxBytes = 4096;
  const l = await listener(mkdtempSync(join(tmpdir(), 'autosoc-spool-')), maxBytes);
  await proxy.down();
  const ids = Array.from({ length: 1500 }, (_, i) => `bp-${i}`);
  const tcp = await sendTcp(l.tcpPort, ids.map(cef)); // ~300 KB: far more than the bound
  await waitFor(
    async () => l.backlogBytes,
    (b) => b >= maxBytes,
    'the spool to reach its bound',
  );
  await sendUdp(l.udpPort, cef('bp-udp'));
  await waitFor(
    async () => l.stats.droppedSpoolFull,
    (n) => n === 1,
    'the UDP datagram dropped',
  );
  // Reading paused: what was read is the bound plus at most one socket chunk, the rest waits in the sender's socket.
  expect(l.backlogBytes).toBeLessThan(maxBytes + 65_536 + 1024);
  expect(l.stats.received).toBeLessThan(ids.length);

  await proxy.up();
  await new Promise((r) => tcp.once('close', r));
  await waitFor(
    async () => {
      await l.drained();
      return l.stats;
    },
    (s) => s.accepted === ids.length,
    'every TCP message delivered',
    240_000,
  );
  expect(l.stats.droppedSpoolFull).toBe(1);
  await started('bp-0');
  await started(`bp-${ids.length - 1}`);
}, 300_000);
