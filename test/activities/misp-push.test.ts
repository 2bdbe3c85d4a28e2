// Pushing confirmed incidents to MISP: the real MispClient against a local server speaking
// MISP's REST API (test/servers/misp-server.ts), the pushToMisp activity run by the SDK's
// activity environment over PostgreSQL. Re-pushing never duplicates; retries are idempotent.
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityDeps } from '../../src/activities/deps';
import { pushToMisp, type PushToMispResult } from '../../src/activities/share';
import { MispClient } from '../../src/connectors/misp';
import { SharingPolicy } from '../../src/content/sharing';
import { parseAlert, type Alert } from '../../src/domain/alert';
import { extractObservables } from '../../src/domain/observables';
import { upsertAlert } from '../../src/store/alerts';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { uniqueSuffix } from '../helpers/temporal';
import { MispServer } from '../servers/misp-server';

const KEY = 'Xq2mVg7Lk0aB1cD3eF5gH7iJ9kL1mN3oP5qR7sT9';
const run = uniqueSuffix();
const sharing = SharingPolicy.parse({ defaultTlp: 'green', bySource: { [`secret-${run}`]: 'red' } });
let db: TestDatabase;
let misp: MispServer;

function alertWith(source: string, urls: string[]): Alert {
  return parseAlert({
    source,
    sourceId: `misp-${run}`,
    time: '2026-12-01T10:00:00Z',
    title: 'Stager on ws-0142',
    severity: 'high',
    attackTechniques: ['T1105'],
    observables: { hosts: [{ hostname: 'ws-0142' }], users: [{ name: 'jdoe' }], urls, ips: ['203.0.113.50'] },
  });
}
async function confirmed(source: string, urls: string[]): Promise<string> {
  const id = `alert:${source}:misp-${run}`;
  const alert = alertWith(source, urls);
  await upsertAlert(db.pool, id, alert, extractObservables(alert));
  // A second call stands for what the store learnt since (more indicators): the stored alert changes.
  await db.pool.query("UPDATE alerts SET verdict = 'malicious', alert = $2 WHERE workflow_id = $1", [id, JSON.stringify(alert)]);
  return id;
}

const deps = (apiKey = KEY): ActivityDeps =>
  ({ db: db.pool, misp: new MispClient({ url: misp.url, apiKey, timeoutMs: 5000 }), sharing }) as unknown as ActivityDeps;
const push = (workflowId: string, d = deps()): Promise<PushToMispResult> =>
  new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') }).run((input: { workflowId: string }) => pushToMisp(d, input), {
    workflowId,
  }) as Promise<PushToMispResult>;

beforeAll(async () => {
  db = await openTestDatabase();
  misp = new MispServer(KEY);
  await misp.start();
});
afterAll(async () => {
  await misp?.stop();
  await db?.close();
});

describe('MISP push', () => {
  it('adds the event, then edits it on re-push, never duplicating', async () => {
    const id = await confirmed(`edr-${run}`, ['https://stage1.badcdn-example.net/a.bin']);
    const first = await push(id);
    expect(first.action).toBe('added');
    expect([misp.count('/events/restSearch'), misp.count('/events/add'), misp.count('/events/edit')]).toEqual([1, 1, 0]);
    expect(misp.calls.every((c) => c.accept === 'application/json' && c.contentType === 'application/json')).toBe(true);
    const stored = misp.events.get(first.uuid)!;
    expect(stored.Attribute.map((a) => a.value)).toEqual(
      expect.arrayContaining(['https://stage1.badcdn-example.net/a.bin', '203.0.113.50']),
    );
    expect(JSON.stringify(stored)).not.toMatch(/ws-0142|jdoe/);

    // The same content again: the intent says it is done, MISP is not called.
    expect((await push(id)).action).toBe('already-pushed');
    expect(misp.calls).toHaveLength(2);

    // New evidence on the alert: the event is found by its uuid and edited.
    await confirmed(`edr-${run}`, ['https://stage1.badcdn-example.net/a.bin', 'https://stage2.badcdn-example.net/b.bin']);
    const second = await push(id);
    expect(second).toMatchObject({ action: 'updated', uuid: first.uuid });
    expect([misp.count('/events/restSearch'), misp.count('/events/add'), misp.count('/events/edit')]).toEqual([2, 1, 1]);
    expect(misp.events.size).toBe(1);
    expect(misp.events.get(first.uuid)!.Attribute.map((a) => a.value)).toContain('https://stage2.badcdn-example.net/b.bin');
  });

  it('edits when MISP refuses the add because the event exists (hidden from its search)', async () => {
    const id = await confirmed(`ids-${run}`, ['https://hidden.badcdn-example.net/x']);
    const first = await push(id);
    await confirmed(`ids-${run}`, ['https://hidden.badcdn-example.net/x', 'https://hidden.badcdn-example.net/y']);
    misp.searchBlind = true;
    try {
      const again = await push(id);
      expect(again).toMatchObject({ action: 'updated', uuid: first.uuid });
    } finally {
      misp.searchBlind = false;
    }
    expect([...misp.events.values()].filter((e) => e.uuid === first.uuid)).toHaveLength(1);
  });

  it('retries a 5xx (the next attempt pushes once) and does not retry a refused key', async () => {
    const id = await confirmed(`av-${run}`, ['https://retry.badcdn-example.net/z']);
    misp.failNext = 1;
    await expect(push(id)).rejects.toMatchObject({ name: 'ConnectorError', kind: 'unavailable' });
    const adds = misp.count('/events/add');
    expect((await push(id)).action).toBe('added');
    expect(misp.count('/events/add')).toBe(adds + 1);

    const other = await confirmed(`av2-${run}`, ['https://auth.badcdn-example.net/q']);
    const refused = await push(other, deps('wrong-key')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApplicationFailure);
    expect(refused).toMatchObject({ nonRetryable: true, type: 'Misp-auth' });
    expect((refused as Error).message).not.toContain('wrong-key');
  });

  it('never pushes TLP:RED or an unconfirmed alert', async () => {
    const red = await confirmed(`secret-${run}`, ['https://red.badcdn-example.net/r']);
    await expect(push(red)).rejects.toMatchObject({ nonRetryable: true, type: 'NotShareable' });
    const pending = `alert:pending-${run}:misp-${run}`;
    const alert = alertWith(`pending-${run}`, ['https://pending.badcdn-example.net/p']);
    await upsertAlert(db.pool, pending, alert, extractObservables(alert));
    await expect(push(pending)).rejects.toMatchObject({ nonRetryable: true, type: 'BadInput' });
  });
});
