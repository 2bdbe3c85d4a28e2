// An alert the ingest tier stored but never delivered (the process stopped between the store
// and the incident's update) is not lost: the incident takes up the alerts stored for its key
// before its quiet window ends it, and records and relays them like any other.
import type { AlertInput } from '../../src/domain/alert';
import { parseAlert } from '../../src/domain/alert';
import { testConfig } from '../helpers/config';
import { extractObservables } from '../../src/domain/observables';
import { getIncident, storeIncidentAlerts } from '../../src/store/incidents';
import { statusQuery } from '../../src/workflows/messages';
import { uniqueSuffix } from '../helpers/temporal';
import { waitFor } from '../helpers/wait';
import { startWorkerStack, type WorkerStack } from '../helpers/worker-stack';

const run = uniqueSuffix();
// A short quiet window: the incident reconciles when it passes.
const config = testConfig({
  TEMPORAL_TASK_QUEUE: `incident-recovery-${run}`,
  AUTOSOC_CORRELATION_KEYS: 'rule+host',
  AUTOSOC_CORRELATION_WINDOW: '3s',
});
let stack: WorkerStack;

beforeAll(async () => {
  stack = await startWorkerStack(config);
}, 120_000);
afterAll(async () => {
  await stack?.close();
});

const alert = (id: string): AlertInput => ({
  source: `edr-${run}`.toLowerCase(),
  sourceId: `recovery-${id}`,
  time: '2026-11-20T10:00:00Z',
  title: 'Script interpreter started by an office application',
  severity: 'high',
  rule: { id: 'office-child-script' },
  observables: { hosts: [{ hostname: 'ws-recovery' }], users: [{ name: `user-${id}` }] },
});

test('an alert stored for an incident whose update never came is taken up, recorded and relayed', async () => {
  const [first] = await stack.ingest.ingest({ body: Buffer.from(JSON.stringify(alert('1'))) });
  expect(first.status).toBe('accepted');
  const { correlation_key: key } = await waitFor(
    () => getIncident(stack.db.pool, first.incidentId!),
    (i) => i !== undefined,
    'the incident row',
  );

  // What the ingest service did for the second alert before it stopped: stored, not sent.
  const lost = parseAlert(alert('2'));
  await storeIncidentAlerts(stack.db.pool, [{ alert: lost, observables: extractObservables(lost), incidentKey: key }]);

  const row = await waitFor(
    async () =>
      (
        await stack.db.pool.query<{ incident_id: string | null; status: string }>(
          'SELECT incident_id, status FROM alerts WHERE source_id = $1',
          ['recovery-2'],
        )
      ).rows[0],
    (r) => r?.incident_id === first.incidentId,
    'the stored alert to reach its incident',
    120_000,
  );
  expect(row.status).toBe('correlated');
  expect(
    await waitFor(
      () => getIncident(stack.db.pool, first.incidentId!),
      (i) => i?.alert_count === 2,
      'the incident to count it',
    ),
  ).toBeDefined();
  const primary = await waitFor(
    () => stack.env.client.workflow.getHandle(first.workflowId!).query(statusQuery),
    (s) => s.relatedAlerts === 1,
    'the primary to hear of it',
    120_000,
  );
  expect(primary.observables?.users).toContain('user-2');
  // Once: the incident does not take it up again when its next quiet window passes.
  const ended = await stack.env.client.workflow.getHandle(first.incidentId!).result();
  expect(ended.alertCount).toBe(2);
  expect((await getIncident(stack.db.pool, first.incidentId!))?.alert_count).toBe(2);
}, 300_000);
