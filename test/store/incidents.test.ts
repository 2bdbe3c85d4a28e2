// The storm's store steps: countSimilar (one round trip per alert) and recordCorrelatedAlerts
// (a storm batch of joined alerts in one statement), both idempotent.
import { randomUUID } from 'node:crypto';
import { countSimilar, recordCorrelatedAlerts, upsertIncident } from '../../src/store/incidents';
import { sampleAlert } from '../helpers/alerts';
import { openTestDatabase, type TestDatabase } from '../helpers/database';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db.close();
});

test('records every joined alert with its fields, once, however often the batch is retried', async () => {
  const incidentId = `incident-${randomUUID()}`;
  await upsertIncident(db.pool, { id: incidentId, key: 'rule+host:test', alertCount: 300, storm: true });
  const base = sampleAlert('03-phishing-link.json');
  const joined = Array.from({ length: 300 }, (_, i) => {
    const alert = {
      ...base,
      sourceId: `${incidentId}-${i}`,
      time: new Date(Date.UTC(2026, 10, 20, 10, 0, i % 60)).toISOString(),
      raw: { secret: 'not stored' },
    };
    return { workflowId: `alert-${incidentId}-${i}`, alert };
  });
  await recordCorrelatedAlerts(db.pool, incidentId, joined);
  await recordCorrelatedAlerts(db.pool, incidentId, joined.slice(100, 200)); // an activity retry
  await recordCorrelatedAlerts(db.pool, incidentId, []);
  const rows = (
    await db.pool.query<{
      workflow_id: string;
      source_id: string;
      severity: string;
      title: string;
      alert_time: Date;
      status: string;
      has_raw: boolean;
    }>(
      `SELECT workflow_id, source_id, severity, title, alert_time, status, alert ? 'raw' AS has_raw
       FROM alerts WHERE incident_id = $1 ORDER BY workflow_id`,
      [incidentId],
    )
  ).rows;
  expect(rows).toHaveLength(300);
  const byId = new Map(rows.map((r) => [r.workflow_id, r]));
  for (const { workflowId, alert } of joined) {
    expect(byId.get(workflowId)).toEqual({
      workflow_id: workflowId,
      source_id: alert.sourceId,
      severity: alert.severity,
      title: alert.title,
      alert_time: new Date(alert.time),
      status: 'correlated',
      has_raw: false,
    });
  }
});

test('countSimilar counts the look-alikes in the window, the alert itself included, once per alert', async () => {
  const key = `similar-${randomUUID()}`;
  const tenMinutes = 10 * 60_000;
  expect(await countSimilar(db.pool, key, 'a1', tenMinutes)).toBe(1);
  expect(await countSimilar(db.pool, key, 'a2', tenMinutes)).toBe(2);
  expect(await countSimilar(db.pool, key, 'a2', tenMinutes)).toBe(2); // a redelivery counts once
  expect(await countSimilar(db.pool, `${key}-other`, 'a3', tenMinutes)).toBe(1);
  // An hour-old look-alike is outside the window: not counted, and pruned.
  await db.pool.query(`UPDATE similar_alerts SET seen_at = now() - interval '1 hour' WHERE similarity_key = $1 AND workflow_id = 'a1'`, [
    key,
  ]);
  expect(await countSimilar(db.pool, key, 'a4', tenMinutes)).toBe(2);
  const left = await db.pool.query<{ workflow_id: string }>(
    'SELECT workflow_id FROM similar_alerts WHERE similarity_key = $1 ORDER BY workflow_id',
    [key],
  );
  expect(left.rows.map((r) => r.workflow_id)).toEqual(['a2', 'a4']);
});
