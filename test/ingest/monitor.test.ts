// Monitor end to end on the dev server with the real worker and database: dedup,
// correlation into incidents with re-triage, storm collapse, suppression, and CEF over real
// syslog sockets (TCP octet counting and newline framing, UDP).
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { alertWorkflowId, type AlertInput } from '../../src/domain/alert';
import { SyslogListener } from '../../src/ingest/channels/syslog-listener';
import { IngestService } from '../../src/ingest/ingest-service';
import { getAlert } from '../../src/store/alerts';
import { listAudit } from '../../src/store/decisions';
import { getIncident } from '../../src/store/incidents';
import { addSuppression } from '../../src/store/suppressions';
import { createWorker } from '../../src/worker';
import { incidentStatusQuery, statusQuery } from '../../src/workflows/messages';
import * as SA from '../../src/workflows/search-attributes';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { devServerEnv, uniqueSuffix } from '../helpers/temporal';
import { waitFor } from '../helpers/wait';
import { saveHistory } from '../helpers/histories';
import { testConfig } from '../helpers/config';

const run = uniqueSuffix();
const config = testConfig({
  TEMPORAL_TASK_QUEUE: `monitor-${run}`,
  AUTOSOC_CORRELATION_KEYS: 'rule+host',
  AUTOSOC_STORM_THRESHOLD: '5',
});
let env: TestWorkflowEnvironment;
let db: TestDatabase;
let worker: Worker;
let running: Promise<void>;
let ingest: IngestService;

beforeAll(async () => {
  [env, db] = await Promise.all([devServerEnv(), openTestDatabase()]);
  worker = await createWorker(config, db.pool, env.nativeConnection, env.client);
  running = worker.run();
  ingest = new IngestService({
    db: db.pool,
    client: env.client,
    taskQueue: config.temporal.taskQueue,
    policy: config.policy,
    correlation: config.correlation,
  });
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  await db?.close();
});

const alert = (id: string, patch: Partial<AlertInput> = {}): AlertInput => ({
  source: `edr-${run}`.toLowerCase(),
  sourceId: id,
  time: '2026-11-20T10:00:00Z',
  title: 'Suspicious rundll32 child process',
  severity: 'high',
  rule: { id: 'rundll32-child', name: 'rundll32 spawned a shell' },
  observables: { hosts: [{ hostname: 'ws-7' }], processes: [{ name: 'cmd.exe', commandLine: 'cmd.exe /c whoami /all' }] },
  ...patch,
});
const send = async (...alerts: AlertInput[]) => ingest.ingest({ body: Buffer.from(alerts.map((a) => JSON.stringify(a)).join('\n')) });

test('a redelivered alert reaches the same workflow and is reported as a duplicate', async () => {
  const a = alert('dup-1', { observables: { hosts: [{ hostname: 'dup-host' }] } });
  const [first] = await send(a);
  const [second] = await send(a);
  expect(first.status).toBe('accepted');
  expect(second).toMatchObject({ status: 'duplicate', workflowId: first.workflowId });
});

test('alerts sharing rule and host join one incident; new evidence re-triages its investigation', async () => {
  const results = await send(
    alert('corr-1'),
    alert('corr-2', { observables: { hosts: [{ hostname: 'ws-7' }], files: [{ name: 'a.dll', hashes: { sha256: 'a'.repeat(64) } }] } }),
    alert('corr-3', { observables: { hosts: [{ hostname: 'ws-7' }], urls: ['http://203.0.113.9/payload.bin'] } }),
  );
  expect(results.map((r) => r.status)).toEqual(['accepted', 'correlated', 'correlated']);
  const incidentId = results[0].incidentId!;
  expect(results.every((r) => r.incidentId === incidentId)).toBe(true);

  const incident = env.client.workflow.getHandle(incidentId);
  expect((await incident.query(incidentStatusQuery)).alertCount).toBe(3);
  const primary = env.client.workflow.getHandle(results[0].workflowId!);
  const status = await waitFor(
    () => primary.query(statusQuery),
    (s) =>
      s.relatedAlerts === 2 &&
      s.stage === 'awaiting_analyst' &&
      !!s.observables?.ips.includes('203.0.113.9') &&
      !!s.observables?.hashes.includes('a'.repeat(64)) &&
      s.reasons.some((r) => /\burl\b|\bip\b/.test(r)),
    'the investigation to re-triage on both related alerts',
  );
  expect(status.retriages).toBeGreaterThanOrEqual(1);
  expect(status.incidentId).toBe(incidentId);

  // Joined alerts are recorded against the incident, without investigations of their own.
  const joined = await waitFor(
    () => getAlert(db.pool, results[1].workflowId!),
    (r) => r !== undefined,
    'the joined alert row',
  );
  expect(joined).toMatchObject({ status: 'correlated', disposition: 'correlated' });
  await expect(env.client.workflow.getHandle(results[1].workflowId!).describe()).rejects.toThrow(/not found/i);
  expect(
    await waitFor(
      () => getIncident(db.pool, incidentId),
      (i) => i?.alert_count === 3,
      'the incident row',
    ),
  ).toMatchObject({ primary_alert: results[0].workflowId });
  expect((await listAudit(db.pool, results[0].workflowId!)).some((d) => d.step.startsWith('retriage-'))).toBe(true);

  if (process.env.RECORD_HISTORIES) {
    await saveHistory('incident-three-alerts', incidentId, await incident.fetchHistory());
    await saveHistory('escalated-retriaged-by-related-alerts', primary.workflowId, await primary.fetchHistory());
  }
});

test('past the storm threshold, look-alike alerts collapse into one storm incident with a running count', async () => {
  const storm = Array.from({ length: 9 }, (_, i) =>
    alert(`storm-${i}`, {
      rule: { id: 'port-scan', name: 'Port scan' },
      severity: 'low',
      observables: { hosts: [{ hostname: `scan-${i}` }] },
    }),
  );
  const results = await send(...storm);
  // Five alerts fit under the threshold (each its own host, so its own incident); the rest storm.
  // The items of one body are routed concurrently (they share incident updates), so which five
  // come first is not fixed: the counts are.
  const stormed = results.filter((r) => r.incidentId?.startsWith('incident:storm:'));
  const calm = results.filter((r) => !r.incidentId?.startsWith('incident:storm:'));
  expect(calm).toHaveLength(5);
  expect(calm.every((r) => r.status === 'accepted' && !r.storm)).toBe(true);
  expect(stormed.map((r) => r.status).sort()).toEqual(['accepted', 'correlated', 'correlated', 'correlated']);
  expect(new Set(stormed.map((r) => r.incidentId)).size).toBe(1);
  expect(stormed[0].incidentId).toMatch(/^incident:storm:/);
  const handle = env.client.workflow.getHandle(stormed[0].incidentId!);
  const desc = await waitFor(
    () => handle.describe(),
    (d) => d.typedSearchAttributes.get(SA.AlertCount) === 4,
    'the storm count in search attributes',
  );
  expect(desc.typedSearchAttributes.get(SA.Storm)).toBe(true);
});

test('an alert matching an active suppression is recorded and closed as suppressed, with no investigation', async () => {
  const a = alert('supp-1', { rule: { id: 'backup-job' }, observables: { hosts: [{ hostname: 'backup-01' }] } });
  await addSuppression(db.pool, {
    status: 'active',
    match: { source: a.source, ruleId: 'backup-job', host: 'backup-01' },
    reason: 'nightly backup',
    createdBy: 'eng@soc',
  });
  await addSuppression(db.pool, {
    status: 'candidate',
    match: { source: a.source, ruleId: 'other' },
    reason: 'not accepted yet',
    createdBy: 'system',
  });
  const [r] = await send(a);
  expect(r.status).toBe('suppressed');
  expect(await getAlert(db.pool, r.workflowId!)).toMatchObject({ status: 'suppressed', disposition: 'suppressed' });
  expect((await listAudit(db.pool, r.workflowId!)).map((d) => d.action)).toEqual(['suppress']);
  await expect(env.client.workflow.getHandle(r.workflowId!).describe()).rejects.toThrow(/not found/i);
  expect((await send(a))[0].status).toBe('duplicate');
  // A candidate (not yet accepted) suppression does not suppress.
  expect((await send(alert('supp-2', { rule: { id: 'other' }, observables: { hosts: [{ hostname: 'h-2' }] } })))[0].status).toBe(
    'accepted',
  );
});

describe('CEF over syslog', () => {
  let listener: SyslogListener;
  beforeAll(async () => {
    listener = new SyslogListener({
      host: '127.0.0.1',
      port: 0,
      ingest: (body) => ingest.ingest({ body, format: 'cef' }),
      spoolDir: mkdtempSync(join(tmpdir(), 'autosoc-spool-')),
    });
    await listener.start();
  });
  afterAll(() => listener.stop());

  const cef = (id: string, name = 'Malware detected') =>
    `<134>Nov 20 10:00:00 fw-1 CEF:0|Acme ${run}|Sentinel|1.0|100|${name}|8|externalId=${id} src=10.0.0.5 dst=198.51.100.7 dhost=srv-${id} fname=bad.exe`;

  test('TCP (octet counting and newline framing) and UDP deliver alerts; malformed lines are counted, not fatal', async () => {
    const octet = (m: string) => `${Buffer.byteLength(m)} ${m}`;
    const tcp = connect(listener.tcpPort, '127.0.0.1');
    await new Promise((r) => tcp.once('connect', r));
    tcp.write(octet(cef('tcp-1')) + octet(cef('tcp-2', 'Pipe \\| in name')));
    tcp.end(`${cef('tcp-3')}\nthis is not CEF at all\n${cef('tcp-4')}\n`);
    await new Promise((r) => tcp.once('close', r));

    const udp = createSocket('udp4');
    await new Promise<void>((r, j) => udp.send(Buffer.from(cef('udp-1')), listener.udpPort, '127.0.0.1', (e) => (e ? j(e) : r())));
    udp.close();

    await waitFor(
      async () => {
        await listener.drained();
        return listener.stats;
      },
      (s) => s.received === 6,
      'six syslog messages',
    );
    expect(listener.stats).toMatchObject({ received: 6, accepted: 5, rejected: 1, failed: 0 });
    const source = `acme-${run}-sentinel`.toLowerCase();
    for (const id of ['tcp-1', 'tcp-2', 'tcp-3', 'tcp-4', 'udp-1']) {
      await env.client.workflow.getHandle(alertWorkflowId({ source, sourceId: id })).describe();
    }
    const piped = await env.client.workflow.getHandle(alertWorkflowId({ source, sourceId: 'tcp-2' })).query(statusQuery);
    expect(piped.severity).toBe('high');
  });
});
