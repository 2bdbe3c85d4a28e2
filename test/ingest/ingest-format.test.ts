// The ingest format an alert arrived in is recorded at ingest (Alert.ingestFormat, set by
// normalize) and stored with every row that keeps the alert (alerts.ingest_format, migration
// 025), so the SOC report can count volume by format.
import { randomBytes } from 'node:crypto';
import { normalizeBody } from '../../src/ingest/normalize';
import { upsertAlert } from '../../src/store/alerts';
import { addSuppression, recordSuppressedAlert } from '../../src/store/suppressions';
import { extractObservables } from '../../src/domain/observables';
import { openTestDatabase, type TestDatabase } from '../helpers/database';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db?.close());

const run = randomBytes(4).toString('hex');
const receivedAt = '2026-03-01T10:00:00.000Z';
const bytes = (s: string) => new TextEncoder().encode(s);

async function normalizeOne(body: string) {
  const [item] = await normalizeBody(bytes(body), { receivedAt });
  if (!item.ok) throw new Error(item.error);
  return item;
}

const storedFormat = async (workflowId: string) =>
  (await db.pool.query<{ ingest_format: string | null }>('SELECT ingest_format FROM alerts WHERE workflow_id = $1', [workflowId])).rows[0]
    ?.ingest_format;

test('normalize records the detected format on the alert, over any ingestFormat the sender wrote', async () => {
  const cef = await normalizeOne(`CEF:0|Vendor|Product|1.0|100|Port scan ${run}|5|src=10.0.0.1 externalId=cef-${run}`);
  expect(cef.format).toBe('cef');
  expect(cef.alert.ingestFormat).toBe('cef');

  const own = await normalizeOne(
    JSON.stringify({
      source: 'edr',
      sourceId: `own-${run}`,
      time: receivedAt,
      title: 'native alert',
      severity: 'low',
      ingestFormat: 'ocsf',
    }),
  );
  expect(own.format).toBe('autosoc');
  expect(own.alert.ingestFormat).toBe('autosoc');
});

test("the playbook's row and a suppressed alert's row both store the format; an alert started without ingest has none", async () => {
  const cef = (await normalizeOne(`CEF:0|Vendor|Product|1.0|100|Scan ${run}|5|src=10.0.0.2 externalId=row-${run}`)).alert;
  await upsertAlert(db.pool, `alert:fmt-${run}:cef`, cef, extractObservables(cef));
  expect(await storedFormat(`alert:fmt-${run}:cef`)).toBe('cef');

  const own = (
    await normalizeOne(
      JSON.stringify({ source: `fmt-${run}`, sourceId: `sup-${run}`, time: receivedAt, title: 'suppressed', severity: 'low' }),
    )
  ).alert;
  // A candidate on a source of this run only: an active one would suppress other files' alerts in the shared database.
  const suppressionId = await addSuppression(db.pool, {
    status: 'candidate',
    match: { source: `fmt-${run}` },
    reason: 'test',
    createdBy: 'test',
  });
  await recordSuppressedAlert(db.pool, {
    workflowId: `alert:fmt-${run}:sup`,
    source: own.source,
    sourceId: own.sourceId,
    severity: own.severity,
    title: own.title,
    time: own.time,
    alert: { ...own, raw: undefined },
    suppressionId,
    reason: 'test',
  });
  expect(await storedFormat(`alert:fmt-${run}:sup`)).toBe('autosoc');

  await upsertAlert(db.pool, `alert:fmt-${run}:cli`, { ...cef, sourceId: `cli-${run}`, ingestFormat: undefined }, extractObservables(cef));
  expect(await storedFormat(`alert:fmt-${run}:cli`)).toBeNull();
});
