// The alert workflow keeps the case's ticket in step (time-skipping server, real activities,
// PostgreSQL, a local TheHive 5): an analyst's comment reaches the ticket, a comment made by the
// ticket system's identity does not go back, and however the alert is decided — here by the SLA
// fallback nobody answered, there by an analyst — the ticket is commented with who and why and
// closed once.
import type { AlertInput } from '../../src/domain/alert';
import { DEFAULT_POLICY, type TriagePolicy } from '../../src/domain/policy';
import { theHiveSystem } from '../../src/connectors/tickets/thehive';
import { ticketNotifier } from '../../src/connectors/tickets/ticket-notifier';
import { correlationIdFor } from '../../src/connectors/tickets/ticket-system';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { uniqueSuffix } from '../helpers/temporal';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflow-harness';
import { TheHiveServer } from '../servers/tickets/thehive-server';

const hive = new TheHiveServer();
const service = { actor: 'service:thehive', roles: ['analyst' as const] };
const policy: TriagePolicy = {
  ...DEFAULT_POLICY,
  slaBySeverity: { critical: [{ name: 'tier2', respondWithinMs: 10 * 60_000 }] },
  slaFallback: { critical: 'contain' },
  tickets: { system: 'thehive' },
};
let h: WorkflowHarness;
let db: TestDatabase;

beforeAll(async () => {
  await hive.start();
  db = await openTestDatabase(); // the notifier's pool; the harness opens its own on the same database
  const system = theHiveSystem({ baseUrl: hive.url, apiKey: hive.apiKey });
  h = await workflowHarness({ notifiers: [ticketNotifier(db.pool, system)], tickets: { system, service } });
});
afterAll(async () => {
  await h?.close();
  await db?.close();
  await hive.stop();
});

const alert = (severity: AlertInput['severity']): AlertInput => ({
  source: 'edr-test',
  sourceId: uniqueSuffix(),
  time: '2026-11-20T10:00:00Z',
  title: 'LSASS access by an unsigned binary',
  severity,
  rule: { id: 'lsass-access' },
  observables: {
    hosts: [{ hostname: `ws-${uniqueSuffix()}` }],
    processes: [{ name: 'dump.exe', commandLine: 'procdump64.exe -ma lsass.exe out.dmp' }],
  },
});
const ticketOf = (workflowId: string) => hive.tickets.find((t) => t.correlationId === correlationIdFor(workflowId));

test('nobody answers: the SLA fallback contains, and the ticket says so (who, why) and is closed once', async () => {
  const handle = await h.start(alert('critical'), policy);
  await h.untilStage(handle, 'awaiting_analyst');
  await h.advance(10 * 60_000 + 60_000);
  const result = await handle.result();
  expect(result.decision).toMatchObject({ actor: 'system:sla-fallback' });
  const t = ticketOf(handle.workflowId)!;
  const decided = t.comments.filter((c) =>
    c.includes(`autosoc ${result.outcome} by system:sla-fallback: no analyst answered within any SLA tier`),
  );
  expect(decided).toHaveLength(1);
  expect(t.closed).toEqual({ by: hive.apiUser, resolution: 'Other' });
  expect(t.closeRequests).toBe(1);
});

test("an analyst's comment reaches the ticket, the ticket system's own does not return; the close as a false positive", async () => {
  const handle = await h.start(alert('high'), policy);
  await h.untilStage(handle, 'awaiting_analyst');
  await h.decide(handle, { action: 'comment', actor: 'alice', roles: ['analyst'], reason: 'parent is the backup agent' });
  await h.decide(handle, { action: 'comment', actor: service.actor, roles: ['analyst'], reason: 'dana@soc in TheHive ~1: seen before' });
  await h.decide(handle, { action: 'close', actor: 'bob', roles: ['analyst'], falsePositive: true, reason: 'backup agent' });
  expect((await handle.result()).outcome).toBe('closed_by_analyst');
  const t = ticketOf(handle.workflowId)!;
  expect(t.comments.filter((c) => c.includes('alice commented in autosoc: parent is the backup agent'))).toHaveLength(1);
  expect(t.comments.filter((c) => c.includes('seen before'))).toEqual([]);
  expect(t.comments.filter((c) => c.includes('autosoc closed_by_analyst (false positive) by bob: backup agent'))).toHaveLength(1);
  expect(t.closed).toEqual({ by: hive.apiUser, resolution: 'FalsePositive' });
});
