// respond and undoResponse: the policy's routing picks the connector, the manual connector
// says plainly that a person must act (never "done"), and undo skips what never ran.
import type { ActivityDeps } from '../../src/activities/deps';
import { respond, undoResponse } from '../../src/activities/respond';
import { manualResponseConnector, type ResponseConnector } from '../../src/connectors/response-connector';
import { extractObservables } from '../../src/domain/observables';
import { upsertAlert } from '../../src/store/alerts';
import { sampleAlert } from '../helpers/alerts';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { uniqueSuffix } from '../helpers/temporal';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db.close();
});

async function alertRow(): Promise<string> {
  const workflowId = `routing-${uniqueSuffix()}`;
  const alert = sampleAlert('02-lsass-dump.json', workflowId);
  await upsertAlert(db.pool, workflowId, alert, extractObservables(alert));
  return workflowId;
}

const ran: string[] = [];
const counting = (name: string): ResponseConnector => ({
  name,
  supports: (a) => a.kind === 'isolate_host',
  async execute(a) {
    ran.push(`${name} ${a.target}`);
    return { status: 'executed', detail: name };
  },
  async undo(a) {
    ran.push(`${name} undo ${a.target}`);
    return { status: 'undone', detail: name };
  },
});

test("the policy's route picks the connector; undo goes to the one that executed", async () => {
  const workflowId = await alertRow();
  const responders = [counting('first'), counting('second'), manualResponseConnector];
  const deps = { db: db.pool, responders, responseRouting: { isolate_host: 'second' } } as unknown as ActivityDeps;
  const action = { kind: 'isolate_host' as const, target: 'ws-1' };
  expect(await respond(deps, { workflowId, approvedBy: 'alice', actions: [action] })).toEqual([
    { ...action, status: 'executed', detail: 'second' },
  ]);
  const undoDeps = { db: db.pool, responders, responseRouting: { isolate_host: 'first' } } as unknown as ActivityDeps; // the policy changed since
  expect(await undoResponse(undoDeps, { workflowId, requestedBy: 'bob', actions: [action] })).toEqual([
    { ...action, status: 'undone', detail: 'second' },
  ]);
  expect(ran.filter((r) => r.endsWith('ws-1'))).toEqual(['second ws-1', 'second undo ws-1']);
});

test('a route to a connector that is not configured is refused, not sent elsewhere', async () => {
  const workflowId = await alertRow();
  const deps = {
    db: db.pool,
    responders: [manualResponseConnector],
    responseRouting: { isolate_host: 'falcon' },
  } as unknown as ActivityDeps;
  await expect(
    respond(deps, { workflowId, approvedBy: 'alice', actions: [{ kind: 'isolate_host', target: 'ws-2' }] }),
  ).rejects.toMatchObject({ type: 'BadInput', nonRetryable: true });
});

test('manual: recorded for manual action, and its undo too; undo skips actions never executed', async () => {
  const workflowId = await alertRow();
  const deps = { db: db.pool, responders: [manualResponseConnector] } as unknown as ActivityDeps;
  const action = { kind: 'block_hash' as const, target: 'a'.repeat(64) };
  expect(await respond(deps, { workflowId, approvedBy: 'alice', actions: [action] })).toMatchObject([
    { ...action, status: 'recorded for manual action', detail: expect.stringMatching(/carry out by hand/) },
  ]);
  const other = { kind: 'isolate_host' as const, target: 'never-run' };
  expect(await undoResponse(deps, { workflowId, requestedBy: 'bob', actions: [other, action] })).toEqual([
    { ...other, status: 'not executed' },
    { ...action, status: 'undo recorded for manual action', detail: expect.stringMatching(/reverse by hand/) },
  ]);
  const { rows } = await db.pool.query<{ detail: string }>('SELECT detail FROM response_actions WHERE workflow_id = $1', [workflowId]);
  expect(rows[0].detail).toMatch(/carry out by hand \| undo: .*reverse by hand/);
});
