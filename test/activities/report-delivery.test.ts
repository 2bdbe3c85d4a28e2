// Delivering a stored SOC report: the deliverReport activity (run by the SDK's activity
// environment over PostgreSQL) mails it through nodemailer to a local SMTP relay speaking the
// real protocol (test/servers/smtp-server.ts) and uploads it to a local Slack through Slack's
// external upload flow (test/servers/slack-server.ts). What the relay received is parsed as
// MIME (postal-mime) and the attached PDF read with pdftotext. Each target is sent once: a
// retry, or an attempt after a crash or a lost answer, never sends it again.
import { createServer, type AddressInfo } from 'node:net';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import PostalMime from 'postal-mime';
import type { ActivityDeps } from '../../src/activities/deps';
import { deliverReport, reportFileName, type DeliverReportInput } from '../../src/activities/report-delivery';
import { produceSocReport, type ProducedSocReport } from '../../src/activities/soc-report';
import { loadConfig } from '../../src/config';
import { reportChannelsFromConfig } from '../../src/connectors/delivery/report-channels';
import { messageIdFor } from '../../src/connectors/delivery/smtp-mailer';
import { getEvidence } from '../../src/store/evidence';
import { claimIntent } from '../../src/store/intents';
import { insertSocHistory, type SocHistory } from '../fixtures/soc-history';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { pdfText } from '../helpers/pdf';
import { uniqueSuffix } from '../helpers/temporal';
import { LocalSmtpServer } from '../servers/smtp-server';
import { SlackServer } from '../servers/slack-server';

let db: TestDatabase;
let smtp: LocalSmtpServer;
let slack: SlackServer;
let h: SocHistory;
let report: ProducedSocReport;
const run = uniqueSuffix();
const logger = new DefaultLogger('ERROR');

/** Configuration as the worker reads it from the environment. */
const channels = (env: Record<string, string> = {}) =>
  reportChannelsFromConfig(
    loadConfig({
      AUTOSOC_SMTP_URL: smtp.url,
      AUTOSOC_SMTP_FROM: 'soc-reports@example.com',
      AUTOSOC_SMTP_TLS: 'none',
      AUTOSOC_SMTP_USER: smtp.user,
      AUTOSOC_SMTP_PASSWORD: smtp.password,
      AUTOSOC_SLACK_BOT_TOKEN: slack.token,
      AUTOSOC_SLACK_API_URL: slack.apiUrl,
      ...env,
    }),
  );
const depsWith = (reportChannels = channels()): ActivityDeps => ({ db: db.pool, reportChannels }) as unknown as ActivityDeps;
const activity = <I, O>(f: (deps: ActivityDeps, input: I) => Promise<O>, input: I, deps = depsWith()) =>
  new MockActivityEnvironment({}, { logger }).run((i: I) => f(deps, i), input) as Promise<O>;

const input = (key: string, over: Partial<DeliverReportInput> = {}): DeliverReportInput => ({
  key: `${key}-${run}`,
  title: report.title,
  report: { sha256: report.sha256, format: 'pdf' },
  htmlSha256: report.htmlSha256,
  email: ['soc-lead@example.com', 'ciso@example.com'],
  slackChannels: ['C0SOCREPORTS'],
  ...over,
});
const deliver = (i: DeliverReportInput, deps?: ActivityDeps) => activity(deliverReport, i, deps);
const failureOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return err as ApplicationFailure;
  }
  throw new Error('expected the delivery to fail');
};

beforeAll(async () => {
  db = await openTestDatabase();
  smtp = new LocalSmtpServer();
  slack = new SlackServer();
  await Promise.all([smtp.start(), slack.start()]);
  h = await insertSocHistory(db.pool);
  report = await activity(produceSocReport, { from: h.from.toISOString(), to: h.to.toISOString(), format: 'pdf' as const });
});
afterAll(async () => {
  await Promise.all([smtp?.stop(), slack?.stop()]);
  await db?.close();
});

test("mails the report to the policy's recipients (HTML body, PDF attached) and shares it in Slack; a retry sends nothing again", async () => {
  const pdf = (await getEvidence(db.pool, report.sha256))!;
  const i = input('weekly');
  const outcomes = await deliver(i);
  expect(outcomes.map(({ detail: _d, ...o }) => o)).toEqual([
    { channel: 'email', target: 'soc-lead@example.com, ciso@example.com', outcome: 'sent' },
    { channel: 'slack', target: 'C0SOCREPORTS', outcome: 'sent' },
  ]);

  expect(smtp.received).toHaveLength(1);
  const [mail] = smtp.received;
  expect(mail).toMatchObject({ from: 'soc-reports@example.com', to: ['soc-lead@example.com', 'ciso@example.com'], user: smtp.user });
  const parsed = await PostalMime.parse(mail.raw);
  expect(parsed.subject).toBe(report.title);
  expect(parsed.messageId).toBe(messageIdFor(`report-delivery:${i.key}:email`));
  expect(parsed.to?.map((a) => a.address)).toEqual(['soc-lead@example.com', 'ciso@example.com']);
  expect(parsed.html).toContain(`<h1>${report.title}</h1>`);
  expect(parsed.html).toContain('Alerts by source and ingest format');
  expect(parsed.attachments).toHaveLength(1);
  const [attached] = parsed.attachments;
  expect(attached).toMatchObject({ filename: reportFileName(report.title, 'pdf'), mimeType: 'application/pdf' });
  const attachedBytes = Buffer.from(attached.content as ArrayBuffer);
  expect(attachedBytes.equals(pdf)).toBe(true);
  expect(pdfText(attachedBytes).replace(/\s+/g, ' ')).toContain(report.title);

  expect(slack.files).toHaveLength(1);
  expect(slack.files[0]).toMatchObject({
    channel: 'C0SOCREPORTS',
    title: report.title,
    filename: reportFileName(report.title, 'pdf'),
    contentType: 'application/pdf',
  });
  expect(slack.files[0].bytes.equals(pdf)).toBe(true);
  expect(slack.calls.filter((c) => c.startsWith('files.'))).toEqual(['files.getUploadURLExternal', 'files.completeUploadExternal']);

  // The activity retried (a worker that died after both sends, before reporting back).
  const again = await deliver(i);
  expect(again.map((o) => o.outcome)).toEqual(['sent earlier', 'sent earlier']);
  expect(again[1].detail).toBe(slack.files[0].id);
  expect([smtp.received.length, slack.files.length, smtp.dataAttempts]).toEqual([1, 1, 1]);
});

test("an attempt that finds an earlier one's intent still pending (it crashed mid-send) does not send: recorded as unknown", async () => {
  const i = input('crashed', { slackChannels: [] });
  await claimIntent(db.pool, `report-delivery:${i.key}:email`, 'report-delivery'); // what the crashed attempt wrote before sending
  const before = smtp.dataAttempts;
  const [outcome] = await deliver(i);
  expect(outcome).toMatchObject({ channel: 'email', outcome: 'unknown' });
  expect(outcome.detail).toMatch(/not repeated/);
  expect(smtp.dataAttempts).toBe(before);
  expect((await deliver(i))[0].outcome).toBe('unknown');
  expect(smtp.dataAttempts).toBe(before);
});

test('the relay took the message but the answer was lost: unknown, never sent twice', async () => {
  const i = input('lost-answer', { slackChannels: [] });
  const before = smtp.received.length;
  smtp.dropAfterDataNext = 1;
  const [outcome] = await deliver(i);
  expect(outcome.outcome).toBe('unknown');
  expect((await deliver(i))[0].outcome).toBe('unknown');
  expect(smtp.received.length - before).toBe(1);
});

test('a 451 is retried and then delivered once; a refused recipient (550) and wrong credentials (535) fail without retries', async () => {
  const i = input('try-later', { slackChannels: [] });
  const before = smtp.received.length;
  smtp.failNextData = 1;
  const later = await failureOf(deliver(i));
  expect(later).not.toBeInstanceOf(ApplicationFailure); // retryable: Temporal tries again
  expect(later.message).toContain('451');
  expect((await deliver(i))[0].outcome).toBe('sent');
  expect(smtp.received.length - before).toBe(1);

  smtp.rejectRecipients.add('gone@example.com');
  const refused = await failureOf(deliver(input('refused', { email: ['gone@example.com'], slackChannels: [] })));
  expect(refused).toBeInstanceOf(ApplicationFailure);
  expect(refused).toMatchObject({ type: 'DeliveryRefused', nonRetryable: true });
  expect(refused.message).toContain('550');

  const badAuth = await failureOf(
    deliver(input('bad-auth', { slackChannels: [] }), depsWith(channels({ AUTOSOC_SMTP_PASSWORD: 'wrong-password-123' }))),
  );
  expect(badAuth).toMatchObject({ type: 'DeliveryRefused', nonRetryable: true });
  expect(badAuth.message).toContain('535');
  expect(badAuth.message).not.toContain('wrong-password-123');
  expect(badAuth.message).not.toContain(smtp.password);
  expect(smtp.received.length - before).toBe(1);
});

test('a relay that cannot be reached is retried (nothing can have been sent), and the retry sends once it is back', async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const { port } = closed.address() as AddressInfo;
  await new Promise<void>((r) => closed.close(() => r()));
  const i = input('relay-down', { slackChannels: [] });
  const down = await failureOf(deliver(i, depsWith(channels({ AUTOSOC_SMTP_URL: `smtp://127.0.0.1:${port}` }))));
  expect(down).not.toBeInstanceOf(ApplicationFailure);
  expect(down.message).toMatch(/^smtp connect/);
  const before = smtp.received.length;
  expect((await deliver(i))[0].outcome).toBe('sent');
  expect(smtp.received.length - before).toBe(1);
});

test('Slack: a channel the bot is not in and an unknown channel are refused (not retried); a retry after a refusal may try again', async () => {
  const notIn = await failureOf(deliver(input('not-in', { email: [], slackChannels: ['C0NOTJOINED'] })));
  expect(notIn).toMatchObject({
    type: 'DeliveryRefused',
    nonRetryable: true,
    message: 'slack files.completeUploadExternal: not_in_channel',
  });
  const unknown = await failureOf(deliver(input('unknown-channel', { email: [], slackChannels: ['C0NOSUCHONE'] })));
  expect(unknown.message).toBe('slack files.completeUploadExternal: channel_not_found');
  // The refusal released its intent: once the bot is invited, the same delivery goes through.
  slack.channels.set('C0NOTJOINED', { member: true });
  const [ok] = await deliver(input('not-in', { email: [], slackChannels: ['C0NOTJOINED'] }));
  expect(ok.outcome).toBe('sent');
  expect(slack.files.filter((f) => f.channel === 'C0NOTJOINED')).toHaveLength(1);
});

test('a channel the policy names but configuration lacks fails before anything is sent', async () => {
  const before = [smtp.dataAttempts, slack.files.length];
  const noMail = channels();
  delete noMail.mailer;
  const failure = await failureOf(deliver(input('unconfigured'), depsWith(noMail)));
  expect(failure).toMatchObject({ type: 'NotConfigured', nonRetryable: true });
  expect(failure.message).toContain('AUTOSOC_SMTP_URL');
  expect([smtp.dataAttempts, slack.files.length]).toEqual(before);
});

test('configuration: an SMTP URL with credentials in it, or without a From address, is refused', () => {
  expect(() => loadConfig({ AUTOSOC_SMTP_URL: 'smtp://user:secret@relay.example.com:587', AUTOSOC_SMTP_FROM: 'a@example.com' })).toThrow(
    /credentials in AUTOSOC_SMTP_USER/,
  );
  expect(() => loadConfig({ AUTOSOC_SMTP_URL: 'smtp://relay.example.com:587' })).toThrow(/AUTOSOC_SMTP_FROM/);
  expect(loadConfig({ AUTOSOC_SMTP_URL: 'smtps://relay.example.com', AUTOSOC_SMTP_FROM: 'a@example.com' }).smtp).toEqual({
    url: 'smtps://relay.example.com',
    from: 'a@example.com',
    tls: 'starttls',
  });
});

test('the local Slack answers the retired files.upload as Slack does', async () => {
  const res = await fetch(`${slack.apiUrl}/files.upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${slack.token}` },
    body: new FormData(),
  });
  expect(await res.json()).toEqual({ ok: false, error: 'method_deprecated' });
});
