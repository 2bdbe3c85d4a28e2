// autosoc → ticket, against the local Jira, ServiceNow and TheHive: a decision taken in autosoc
// is one comment naming who and why, then the ticket resolved once, through a comment whose
// answer was lost (the retry asks the system for the comment's marker); an analyst's comment
// appears once; a decision or comment that came from the ticket system is never echoed to it;
// and the poller's read finds tickets a human closed since its cursor, naming them.
import type { ActivityDeps } from '../../src/activities';
import { syncTicket, type TicketSyncInput } from '../../src/activities/ticket-sync';
import { jiraSystem } from '../../src/connectors/tickets/jira';
import { serviceNowSystem } from '../../src/connectors/tickets/servicenow';
import { theHiveSystem } from '../../src/connectors/tickets/thehive';
import { ticketNotifier } from '../../src/connectors/tickets/ticket-notifier';
import { correlationIdFor, type TicketSystem } from '../../src/connectors/tickets/ticket-system';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { uniqueSuffix } from '../helpers/temporal';
import { JiraServer } from '../servers/tickets/jira-server';
import { ServiceNowServer } from '../servers/tickets/servicenow-server';
import { TheHiveServer } from '../servers/tickets/thehive-server';
import type { StoredTicket, TicketServer } from '../servers/tickets/ticket-server';

const jira = new JiraServer();
const sn = new ServiceNowServer('sn_si_incident');
const hive = new TheHiveServer();
let db: TestDatabase;
const run = uniqueSuffix();

beforeAll(async () => {
  await Promise.all([jira.start(), sn.start(), hive.start()]);
  db = await openTestDatabase();
});
afterAll(async () => {
  await Promise.all([jira.stop(), sn.stop(), hive.stop()]);
  await db?.close();
});

type Case = [string, TicketServer, () => TicketSystem, (t: StoredTicket, by: string) => void];
const cases: Case[] = [
  [
    'jira',
    jira,
    () => jiraSystem({ baseUrl: jira.url, email: jira.email, apiToken: jira.apiToken, projectKey: 'SOC', issueType: 'Task' }),
    (t, by) => jira.resolveAsHuman(t.id, by, 'False Positive'),
  ],
  [
    'servicenow',
    sn,
    () => serviceNowSystem({ baseUrl: sn.url, user: sn.user, password: sn.password, table: 'sn_si_incident' }),
    (t, by) => sn.closeAsHuman(t.id, by, 'False positive', 'scanner'),
  ],
  [
    'thehive',
    hive,
    () => theHiveSystem({ baseUrl: hive.url, apiKey: hive.apiKey }),
    (t, by) => hive.closeAsHuman(t.id, by, 'FalsePositive'),
  ],
];

const service = { actor: 'service:tickets', roles: ['analyst' as const] };

describe.each(cases)('%s', (name, server, connect, closeAsHuman) => {
  const deps = () => ({ db: db.pool, tickets: { system: connect(), service } }) as unknown as ActivityDeps;
  /** An escalated case with its ticket, opened the way the worker opens it. */
  async function ticketFor(suffix: string): Promise<{ workflowId: string; ticket: StoredTicket }> {
    const workflowId = `alert:sync-${name}-${suffix}:${run}`;
    await ticketNotifier(db.pool, connect()).send(
      { event: 'escalated', workflowId, title: 'Encoded PowerShell', severity: 'high', tier: 'tier1' },
      `${workflowId}:escalated:tier1`,
    );
    return { workflowId, ticket: server.tickets.find((t) => t.correlationId === correlationIdFor(workflowId))! };
  }

  test('a decision taken in autosoc: one comment (who, why) through a lost answer, then the ticket resolved once', async () => {
    const { workflowId, ticket } = await ticketFor('decided');
    const input: TicketSyncInput = {
      workflowId,
      kind: 'decided',
      step: 'final',
      actor: 'alice',
      reason: 'benign admin script',
      outcome: 'closed_by_analyst',
      falsePositive: true,
    };
    server.loseNextCommentAnswer = 1;
    await expect(syncTicket(deps(), input)).rejects.toThrow(); // posted, but autosoc never heard
    expect(ticket.comments).toHaveLength(1);
    expect(await syncTicket(deps(), input)).toEqual({ status: 'done' }); // the retry finds the marker
    expect(await syncTicket(deps(), input)).toEqual({ status: 'done' }); // and a late duplicate changes nothing
    expect(ticket.comments).toHaveLength(1);
    expect(ticket.comments[0]).toContain('autosoc closed_by_analyst (false positive) by alice: benign admin script');
    expect(ticket.closed?.resolution).toMatch(/false ?positive/i); // Jira: the workflow's False Positive transition
    expect(ticket.closeRequests).toBe(1);
  });

  test("an analyst's comment appears once; what came from the ticket system is not echoed", async () => {
    const { workflowId, ticket } = await ticketFor('comment');
    const comment: TicketSyncInput = { workflowId, kind: 'comment', step: 'decision-3', actor: 'bob', reason: 'same host as INC-7' };
    expect(await syncTicket(deps(), comment)).toEqual({ status: 'done' });
    expect(await syncTicket(deps(), comment)).toEqual({ status: 'done' });
    expect(ticket.comments).toEqual([expect.stringContaining('bob commented in autosoc: same host as INC-7')]);
    const calls = server.calls.length;
    expect(await syncTicket(deps(), { ...comment, step: 'decision-4', actor: service.actor })).toEqual({ status: 'from the ticket' });
    expect(
      await syncTicket(deps(), {
        workflowId,
        kind: 'decided',
        step: 'final',
        actor: service.actor,
        reason: 'Resolved in the ticket',
        outcome: 'closed_by_analyst',
      }),
    ).toEqual({ status: 'from the ticket' });
    expect(server.calls.length).toBe(calls); // not a single request
    expect(ticket.closed).toBeUndefined();
  });

  test('the poller reads tickets a human closed since its cursor, naming the human', async () => {
    const { ticket } = await ticketFor('polled');
    const before = new Date(Date.now() - 120_000).toISOString();
    closeAsHuman(ticket, 'Dana Analyst');
    const found = (await connect().closedSince(before, 100)).filter((c) => c.externalId === ticket.id);
    expect(found).toEqual([
      {
        externalId: ticket.id,
        by: 'Dana Analyst',
        text: expect.stringMatching(/false ?positive/i),
        falsePositive: true,
        updatedAt: expect.any(String),
      },
    ]);
    expect(Date.parse(found[0].updatedAt)).toBeGreaterThanOrEqual(Date.parse(before));
    const later = new Date(ticket.updatedAt + 120_000).toISOString();
    expect((await connect().closedSince(later, 100)).map((c) => c.externalId)).not.toContain(ticket.id);
  });
});
