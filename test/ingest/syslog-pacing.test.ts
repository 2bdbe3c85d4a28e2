// Each syslog sender address is paced: a TCP sender over its rate is left unread (its messages
// wait in its TCP window, none is lost) until its debt is paid; a UDP sender's excess datagrams
// are dropped and counted. Real sockets on loopback; the pacer's clock is frozen and the
// resume timer fired by the test, so nothing here depends on how fast the machine is.
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyslogListener } from '../../src/ingest/channels/syslog-listener';
import type { IngestItemResult } from '../../src/ingest/intake';
import { waitFor } from '../helpers/wait';

const line = (i: number) => `<134>Nov 20 10:00:00 fw-1 CEF:0|Acme|Sentinel|1.0|100|Port scan|3|externalId=pace-${i} src=10.0.0.5`;

function pacedListener(itemsPerSecond: number) {
  const delivered: string[] = [];
  const timers: Array<{ resume: () => void; ms: number }> = [];
  const listener = new SyslogListener({
    host: '127.0.0.1',
    port: 0,
    spoolDir: mkdtempSync(join(tmpdir(), 'autosoc-pace-')),
    itemsPerSecond,
    clock: { now: () => 0 },
    setTimer: (resume, ms) => timers.push({ resume, ms }),
    ingest: async (body): Promise<IngestItemResult[]> => {
      delivered.push(Buffer.from(body).toString('utf8'));
      return [{ index: 0, status: 'accepted' }];
    },
  });
  return { listener, delivered, timers };
}

let listener: SyslogListener | undefined;
afterEach(async () => {
  await listener?.stop();
  listener = undefined;
});

test('a TCP sender over its rate is read no faster, and every message it sent is delivered', async () => {
  const paced = pacedListener(10);
  listener = paced.listener;
  await listener.start();
  const tcp: Socket = connect(listener.tcpPort, '127.0.0.1');
  await new Promise((r) => tcp.once('connect', r));
  tcp.write(Array.from({ length: 40 }, (_, i) => `${line(i)}\n`).join(''));
  await waitFor(
    async () => paced.timers.length,
    (n) => n > 0,
    'the sender throttled',
  );
  expect(listener.throttledConnections).toBe(1);
  expect(listener.stats.throttledTcp).toBe(1);
  const readBeforeResume = listener.stats.received;
  expect(paced.timers[0].ms).toBe(Math.ceil(readBeforeResume * 100 - 1000)); // its debt past the one-second burst

  tcp.end(Array.from({ length: 5 }, (_, i) => `${line(100 + i)}\n`).join(''));
  paced.timers[0].resume();
  await waitFor(
    async () => paced.delivered.length,
    (n) => n === 45,
    'all 45 messages delivered',
  );
  expect(listener.stats.received).toBe(45);
  expect(new Set(paced.delivered).size).toBe(45);
});

test("UDP datagrams past a sender's rate are dropped and counted; another sender keeps its own allowance", async () => {
  const paced = pacedListener(5);
  listener = paced.listener;
  await listener.start();
  const send = async (from: string, count: number) => {
    const udp = createSocket('udp4');
    await new Promise<void>((r) => udp.bind(0, from, () => r()));
    for (let i = 0; i < count; i++) {
      await new Promise<void>((r, j) => udp.send(Buffer.from(line(i)), listener!.udpPort, '127.0.0.1', (e) => (e ? j(e) : r())));
    }
    udp.close();
  };
  await send('127.0.0.1', 20);
  await waitFor(
    async () => listener!.stats.received + listener!.stats.droppedRateLimited,
    (n) => n === 20,
    '20 datagrams handled',
  );
  expect(listener.stats.received).toBe(6); // one second of burst (5) plus the one due now
  expect(listener.stats.droppedRateLimited).toBe(14);

  await send('127.0.0.2', 3);
  await waitFor(
    async () => listener!.stats.received,
    (n) => n === 9,
    "the second sender's datagrams received",
  );
  await waitFor(
    async () => paced.delivered.length,
    (n) => n === 9,
    'received datagrams delivered',
  );
});
