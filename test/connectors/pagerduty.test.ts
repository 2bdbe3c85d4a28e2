// PagerDuty Events API v2 against its local server: a critical SLA breach pages once per alert
// (dedup key), other escalations do not page, resolve closes the incident, and the errors.
import { NotifierRejected, type Notification } from '../../src/connectors/notifier';
import { pageKeyFor, pagerDutyEvents, pagerDutyNotifier } from '../../src/connectors/tickets/pagerduty';
import { PagerDutyServer } from '../servers/pagerduty-server';

const pd = new PagerDutyServer();
beforeAll(() => pd.start());
afterAll(() => pd.stop());

const escalation = (over: Partial<Notification>): Notification => ({
  event: 'escalated',
  workflowId: 'alert:edr:lsass-1',
  title: 'LSASS dump',
  severity: 'critical',
  tier: 'tier2',
  slaBreached: true,
  observables: { hosts: ['srv-dc-01'], users: [], hashes: [], domains: [], ips: [], urls: [], emails: [], commandLines: [] },
  ...over,
});

test('a critical SLA breach pages once per alert, however often it is sent; resolve closes the incident', async () => {
  const events = pagerDutyEvents({ routingKey: pd.routingKey, baseUrl: pd.url });
  const notifier = pagerDutyNotifier(events, ['critical']);
  await notifier.send(escalation({ slaBreached: false, tier: 'tier1' }), 'k0'); // the first escalation does not page
  await notifier.send(escalation({ severity: 'high', workflowId: 'alert:edr:high-1' }), 'k1'); // not a severity that pages
  expect(pd.incidents.size).toBe(0);
  await notifier.send(escalation({}), 'k2');
  await notifier.send(escalation({ tier: 'tier3' }), 'k3');
  const key = pageKeyFor('alert:edr:lsass-1');
  expect([...pd.incidents.keys()]).toEqual([key]);
  expect(pd.incidents.get(key)).toMatchObject({
    triggers: 2,
    status: 'triggered',
    summary: expect.stringContaining('SLA breached: critical alert'),
  });
  await events.resolve(key);
  await events.resolve(key);
  expect(pd.incidents.get(key)!.status).toBe('resolved');
});

test('a 429 is retried by the activity (thrown as retryable); an unknown routing key is refused for good', async () => {
  pd.throttleNext = 1;
  const events = pagerDutyEvents({ routingKey: pd.routingKey, baseUrl: pd.url });
  await expect(pagerDutyNotifier(events, ['critical']).send(escalation({ workflowId: 'alert:edr:lsass-2' }), 'k')).rejects.toMatchObject({
    name: 'TicketError',
    retryable: true,
  });
  await expect(
    pagerDutyNotifier(pagerDutyEvents({ routingKey: 'wrong', baseUrl: pd.url }), ['critical']).send(escalation({}), 'k'),
  ).rejects.toBeInstanceOf(NotifierRejected);
});
