// Slack's Web API client and request signatures against the local Slack (test/servers/slack-server.ts).
import { slackSignature, verifySlackSignature } from '../../src/connectors/slack/signature';
import { slackBotNotifier } from '../../src/connectors/slack/bot-notifier';
import { NotifierRejected } from '../../src/connectors/notifier';
import { SlackApiError, slackWebApi } from '../../src/connectors/slack/web-api';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { SlackServer } from '../servers/slack-server';

const slack = new SlackServer();
let db: TestDatabase;
beforeAll(async () => {
  await slack.start();
  db = await openTestDatabase();
});
afterAll(async () => {
  await slack.stop();
  await db?.close();
});

const message = { text: 'hello', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hello' } }] };

test('ok:false errors: transient ones are retryable, configuration ones are not; a bad token is invalid_auth', async () => {
  const api = slackWebApi({ token: slack.token, baseUrl: slack.apiUrl });
  slack.failNext = 1;
  slack.failWith = 'internal_error';
  await expect(api.postMessage('#soc', message)).rejects.toMatchObject({ name: 'SlackApiError', code: 'internal_error', retryable: true });
  slack.failNext = 1;
  slack.failWith = 'not_in_channel';
  await expect(api.postMessage('#soc', message)).rejects.toMatchObject({ code: 'not_in_channel', retryable: false });
  await expect(slackWebApi({ token: 'xoxb-wrong', baseUrl: slack.apiUrl }).postMessage('#soc', message)).rejects.toMatchObject({
    code: 'invalid_auth',
    retryable: false,
  });
  await expect(api.update('C0SOCALERTS', '1.2', message)).rejects.toMatchObject({ code: 'message_not_found' });
});

test('429 with Retry-After is waited out in place, a few times at most', async () => {
  const api = slackWebApi({ token: slack.token, baseUrl: slack.apiUrl });
  slack.retryAfterSeconds = 0;
  slack.throttleNext = 2;
  const before = slack.calls.length;
  const posted = await api.postMessage('#soc', message);
  expect(slack.calls.length - before).toBe(3);
  expect(posted.channel).toBe('C0SOCALERTS');
  slack.throttleNext = 10;
  await expect(api.postMessage('#soc', message)).rejects.toThrow(/429/);
  slack.throttleNext = 0;
});

test('the bot notifier gives up on an error retrying cannot fix (NotifierRejected), and retries transient ones', async () => {
  const notifier = slackBotNotifier({ db: db.pool, channel: '#soc', api: slackWebApi({ token: slack.token, baseUrl: slack.apiUrl }) });
  const n = { event: 'escalated' as const, workflowId: 'alert:x:1', title: 't', severity: 'high', tier: 'tier1' };
  slack.failNext = 1;
  slack.failWith = 'channel_not_found';
  await expect(notifier.send(n, 'k1')).rejects.toBeInstanceOf(NotifierRejected);
  slack.failNext = 1;
  slack.failWith = 'fatal_error';
  await expect(notifier.send(n, 'k1')).rejects.toBeInstanceOf(SlackApiError);
});

test('signatures: v0 HMAC over v0:timestamp:body, within five minutes, exact', () => {
  const body = Buffer.from('payload=%7B%7D');
  const now = 1_700_000_000;
  const sig = slackSignature('secret', String(now), body);
  expect(sig).toMatch(/^v0=[0-9a-f]{64}$/);
  expect(verifySlackSignature('secret', { timestamp: String(now), signature: sig }, body, now + 299)).toEqual({ ok: true });
  expect(verifySlackSignature('secret', { timestamp: String(now), signature: sig }, body, now + 301)).toMatchObject({
    ok: false,
    reason: 'stale_timestamp',
  });
  expect(verifySlackSignature('secret', { timestamp: String(now), signature: sig }, Buffer.from('payload=%7B%7D '), now)).toMatchObject({
    ok: false,
    reason: 'bad_signature',
  });
  expect(verifySlackSignature('other', { timestamp: String(now), signature: sig }, body, now)).toMatchObject({
    ok: false,
    reason: 'bad_signature',
  });
  expect(verifySlackSignature('secret', { timestamp: String(now), signature: sig.slice(0, -1) }, body, now)).toMatchObject({
    ok: false,
    reason: 'bad_signature',
  });
  expect(verifySlackSignature('secret', { timestamp: 'soon', signature: sig }, body, now)).toMatchObject({
    ok: false,
    reason: 'missing_signature',
  });
});
