// The ingest tier's per-key coalescing: alerts that arrive while a key's update is on its way
// go in that key's next update, each alert gets its own answer, and a failed update fails
// only its own alerts.
import { alertRef } from '../../src/domain/alert-ref';
import { extractObservables } from '../../src/domain/observables';
import { IncidentBatcher, type IncidentDelivery } from '../../src/ingest/incident-batcher';
import type { AddAlertResult } from '../../src/domain/incident-state';
import { sampleAlert } from '../helpers/alerts';

const delivery = (key: string, i: number): IncidentDelivery => {
  const alert = sampleAlert('04-admin-login.json', `batcher-${key}-${i}`);
  const observables = extractObservables(alert);
  return { key, storm: false, ref: alertRef(alert, observables), alert, observables };
};
const answer = (d: IncidentDelivery, n: number): AddAlertResult => ({
  incidentId: `incident:${d.key}`,
  outcome: 'joined',
  alertWorkflowId: d.ref.workflowId,
  alertCount: n,
  storm: false,
});

test('look-alikes arriving during an update share the next one; every alert gets its own answer', async () => {
  const sent: { key: string; size: number }[] = [];
  let release!: () => void;
  const firstHeld = new Promise<void>((r) => {
    release = r;
  });
  const batcher = new IncidentBatcher(async (key, batch) => {
    sent.push({ key, size: batch.length });
    if (sent.length === 1) await firstHeld;
    return batch.map((d, i) => answer(d, i));
  });
  const first = batcher.add(delivery('a', 0));
  await new Promise((r) => setImmediate(r)); // the first update is on its way
  const rest = Array.from({ length: 99 }, (_, i) => batcher.add(delivery('a', i + 1)));
  const other = batcher.add(delivery('b', 0));
  release();
  const results = await Promise.all([first, ...rest]);
  expect(results.map((r) => r.alertWorkflowId)).toEqual(Array.from({ length: 100 }, (_, i) => delivery('a', i).ref.workflowId));
  expect((await other).incidentId).toBe('incident:b');
  expect(sent.filter((s) => s.key === 'a').map((s) => s.size)).toEqual([1, 99]);
  expect(sent.filter((s) => s.key === 'b').map((s) => s.size)).toEqual([1]);
  expect(batcher.batchesSent).toBe(3);
});

test('a failed update rejects its own alerts only; the key keeps delivering', async () => {
  let calls = 0;
  const batcher = new IncidentBatcher(async (_key, batch) => {
    calls += 1;
    if (calls === 1) throw new Error('incident unreachable');
    return batch.map((d, i) => answer(d, i));
  });
  const failed = batcher.add(delivery('c', 0));
  await expect(failed).rejects.toThrow('incident unreachable');
  await expect(batcher.add(delivery('c', 1))).resolves.toMatchObject({ alertWorkflowId: delivery('c', 1).ref.workflowId });
});
