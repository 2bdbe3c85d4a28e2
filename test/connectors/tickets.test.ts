// The ticket systems against their local servers: exactly one ticket per case through retries,
// a lost create answer and throttling; later escalations as one comment each; refusals that
// retrying cannot fix; and each system's webhook verified and read.
import { NotifierRejected, type Notification } from '../../src/connectors/notifier';
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
import type { TicketServer } from '../servers/tickets/ticket-server';

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

const systems: [string, TicketServer, () => TicketSystem, () => TicketSystem][] = [
  [
    'jira',
    jira,
    () =>
      jiraSystem({
        baseUrl: jira.url,
        email: jira.email,
        apiToken: jira.apiToken,
        projectKey: 'SOC',
        issueType: 'Task',
        webhookSecret: jira.webhookSecret,
      }),
    () => jiraSystem({ baseUrl: jira.url, email: jira.email, apiToken: 'wrong', projectKey: 'SOC', issueType: 'Task' }),
  ],
  [
    'servicenow',
    sn,
    () =>
      serviceNowSystem({ baseUrl: sn.url, user: sn.user, password: sn.password, table: 'sn_si_incident', webhookToken: sn.webhookToken }),
    () => serviceNowSystem({ baseUrl: sn.url, user: sn.user, password: 'wrong', table: 'sn_si_incident' }),
  ],
  [
    'thehive',
    hive,
    () => theHiveSystem({ baseUrl: hive.url, apiKey: hive.apiKey, webhookToken: hive.webhookToken }),
    () => theHiveSystem({ baseUrl: hive.url, apiKey: 'wrong' }),
  ],
];

const notification = (workflowId: string, tier = 'tier1'): Notification => ({
  event: 'escalated',
  workflowId,
  title: 'LSASS dump <script>',
  severity: 'critical',
  score: 92,
  verdict: 'malicious',
  tier,
  reasons: ['rundll32 MiniDump of lsass'],
  observables: {
    hosts: ['srv-dc-01'],
    users: ['svc-backup'],
    hashes: ['ab'.repeat(32)],
    domains: [],
    ips: ['10.0.0.5'],
    urls: [],
    emails: [],
    commandLines: [],
  },
});

describe.each(systems)('%s', (name, server, connect, connectWrong) => {
  test('one ticket per case through a lost create answer, a 503 and a 429; a later escalation is one comment', async () => {
    const notifier = ticketNotifier(db.pool, connect());
    const workflowId = `alert:tickets-${name}:${run}`;
    const corr = correlationIdFor(workflowId);
    server.loseNextCreateAnswer = 1;
    await expect(notifier.send(notification(workflowId), `${workflowId}:escalated:tier1`)).rejects.toThrow();
    expect(server.count(corr)).toBe(1); // created, though autosoc never heard
    server.failNext = 1;
    await expect(notifier.send(notification(workflowId), `${workflowId}:escalated:tier1`)).rejects.toThrow(/503/);
    server.throttleNext = 1;
    await notifier.send(notification(workflowId), `${workflowId}:escalated:tier1`); // the retry finds it by correlation id
    await notifier.send(notification(workflowId), `${workflowId}:escalated:tier1`);
    expect(server.count(corr)).toBe(1);
    const row = (await db.pool.query('SELECT external_id, state FROM tickets WHERE workflow_id = $1', [workflowId])).rows[0];
    const ticket = server.tickets.find((t) => t.correlationId === corr)!;
    expect(row).toEqual({ external_id: ticket.id, state: 'open' });
    expect(JSON.stringify(ticket.fields)).toContain('srv-dc-01');

    await notifier.send(notification(workflowId, 'tier2'), `${workflowId}:escalated:tier2`);
    await notifier.send(notification(workflowId, 'tier2'), `${workflowId}:escalated:tier2`);
    expect(ticket.comments).toHaveLength(1);
    expect(ticket.comments[0]).toContain('escalated to tier2');
    expect(server.count(corr)).toBe(1);
  });

  test('bad credentials are refused for good (NotifierRejected), creating nothing', async () => {
    const workflowId = `alert:tickets-${name}-denied:${run}`;
    const before = server.tickets.length;
    await expect(
      ticketNotifier(db.pool, connectWrong()).send(notification(workflowId), `${workflowId}:escalated:tier1`),
    ).rejects.toBeInstanceOf(NotifierRejected);
    expect(server.tickets.length).toBe(before);
  });
});

test('webhooks, in the bodies each system documents: Jira HMAC, ServiceNow and TheHive tokens; closures, comments, echoes of our own comments ignored', () => {
  const j = systems[0][2]();
  const closed = jira.webhook(
    {
      webhookEvent: 'jira:issue_updated',
      user: { displayName: 'Dana Analyst' },
      issue: { id: '10001', key: 'SOC-1', fields: { status: { statusCategory: { key: 'done' } }, resolution: { name: 'False Positive' } } },
      changelog: { items: [{ field: 'status', toString: 'Done' }] },
    },
    { id: 'delivery-1' },
  );
  const req = (w: { body: string; headers: Record<string, string> }) => ({ headers: w.headers, body: Buffer.from(w.body) });
  expect(j.verifyWebhook(req(closed))).toBe(true);
  expect(j.parseWebhook(req(closed))).toEqual({
    eventId: 'delivery-1',
    externalId: '10001',
    kind: 'closed',
    by: 'Dana Analyst',
    text: 'False Positive',
    falsePositive: true,
  });
  expect(j.verifyWebhook(req(jira.webhook({ webhookEvent: 'x' }, { secret: 'other' })))).toBe(false);
  const tampered = req(closed);
  tampered.body = Buffer.from(closed.body.replace('Dana', 'Mallory'));
  expect(j.verifyWebhook(tampered)).toBe(false);
  const adf = (text: string) => ({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] });
  expect(
    j.parseWebhook(
      req(
        jira.webhook(
          {
            webhookEvent: 'comment_created',
            issue: { id: '10001' },
            comment: { body: adf('seen on two hosts'), author: { displayName: 'Dana' } },
          },
          { id: 'd2' },
        ),
      ),
    ),
  ).toEqual({ eventId: 'd2', externalId: '10001', kind: 'comment', by: 'Dana', text: 'seen on two hosts' });
  expect(
    j.parseWebhook(
      req(
        jira.webhook({ webhookEvent: 'comment_created', issue: { id: '10001' }, comment: { body: adf('[autosoc] escalated to tier2') } }),
      ),
    ),
  ).toBeUndefined();

  // ServiceNow: the body the README's business rule posts (built by the local server from its record).
  const s = systems[1][2]();
  const record = sn.tickets.find((t) => t.fields.correlation_display === 'autosoc')!;
  sn.closeAsHuman(record.id, 'dana.analyst', 'False positive', 'printer scan');
  const resolved = sn.changeWebhook(record);
  expect(s.verifyWebhook(req(resolved))).toBe(true);
  expect(s.verifyWebhook(req(sn.webhook({}, 'wrong')))).toBe(false);
  expect(s.parseWebhook(req(resolved))).toEqual({
    eventId: `${record.id}:${JSON.parse(resolved.body).sys_mod_count}`,
    externalId: record.id,
    kind: 'closed',
    by: 'dana.analyst',
    text: 'False positive: printer scan',
    falsePositive: true,
  });
  expect(s.parseWebhook(req(sn.changeWebhook(record, { by: 'erin.lead', text: 'user confirmed' })))).toMatchObject({
    kind: 'comment',
    by: 'erin.lead',
    text: 'user confirmed',
  });

  // TheHive 5: the audit log entry its webhook notifier posts ("About Audit Logs").
  const h = systems[2][2]();
  const alert = hive.tickets[0];
  hive.closeAsHuman(alert.id, 'dana@soc', 'FalsePositive');
  const hiveClosed = hive.auditWebhook(alert, { closedBy: 'dana@soc' });
  expect(JSON.parse(hiveClosed.body)).toMatchObject({
    _type: 'Audit',
    action: 'update',
    objectType: 'Alert',
    objectId: alert.id,
    details: { stage: 'Closed', status: 'FalsePositive' },
  });
  expect(h.verifyWebhook(req(hiveClosed))).toBe(true);
  expect(h.verifyWebhook(req(hive.webhook({}, 'wrong')))).toBe(false);
  expect(h.parseWebhook(req(hiveClosed))).toEqual({
    eventId: JSON.parse(hiveClosed.body)._id,
    externalId: alert.id,
    kind: 'closed',
    by: 'dana@soc',
    text: 'FalsePositive',
    falsePositive: true,
  });
  expect(h.parseWebhook(req(hive.auditWebhook(alert, { commentBy: 'erin@soc', message: 'looked at it' })))).toMatchObject({
    kind: 'comment',
    externalId: alert.id,
    by: 'erin@soc',
    text: 'looked at it',
  });
  expect(
    h.parseWebhook(req(hive.auditWebhook(alert, { commentBy: 'autosoc@thehive.local', message: '[autosoc] escalated to tier2' }))),
  ).toBeUndefined();
});
