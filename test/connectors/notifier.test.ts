// The escalation notifiers against a local webhook receiver: what they send, and that a
// failed delivery throws (so the notify activity retries) without quoting the secret URL.
import { slackNotifier, webhookNotifier, type Notification } from '../../src/connectors/notifier';
import { listenOnLoopback } from '../servers/listen-on-loopback';
import { WebhookServer } from '../servers/webhook-server';

const receiver = new WebhookServer();
let base: string;
beforeAll(async () => {
  base = await receiver.start();
});
afterAll(() => receiver.stop());
beforeEach(() => {
  receiver.received.length = 0;
  receiver.failNext = 0;
});

const n: Notification = {
  event: 'escalated',
  workflowId: 'alert:edr:42',
  title: 'Office spawned <script>',
  severity: 'high',
  score: 81,
  verdict: 'malicious',
  tier: 'tier2',
};

describe('webhookNotifier', () => {
  it('POSTs the notification as JSON with the idempotency key', async () => {
    await webhookNotifier(`${base}/hook`).send(n, 'alert:edr:42:escalated:tier2:webhook');
    expect(receiver.received).toEqual([expect.objectContaining({ path: '/hook', body: n })]);
    expect(receiver.received[0].headers).toMatchObject({
      'content-type': 'application/json',
      'idempotency-key': 'alert:edr:42:escalated:tier2:webhook',
    });
  });

  it('throws on a non-2xx answer, naming the host but not the path (a webhook path is often its secret)', async () => {
    receiver.failNext = 1;
    const err = await webhookNotifier(`${base}/hooks/s3cr3t-token`)
      .send(n, 'k')
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    expect(err?.message).toBe(`${new URL(base).host} answered 503`);
    expect(receiver.received).toEqual([]);
  });

  it('throws when the receiver cannot be reached', async () => {
    const gone = await listenOnLoopback(() => undefined);
    await gone.close();
    await expect(webhookNotifier(`${gone.url}/hooks/s3cr3t-token`).send(n, 'k')).rejects.toThrow(
      new RegExp(`^${gone.url.slice(7)}: network error: ECONNREFUSED$`),
    );
  });
});

describe('slackNotifier', () => {
  it('sends text and Block Kit blocks with untrusted text escaped', async () => {
    await slackNotifier(`${base}/services/T000/B000/XXX`).send({ ...n, summary: 'a & b', link: 'http://temporal.local/wf' }, 'k');
    const body = receiver.received[0].body as { text: string; blocks: { type: string }[] };
    expect(body.text).toBe(':rotating_light: high alert escalated to tier2: Office spawned &lt;script&gt;');
    expect(body.blocks.map((b) => b.type)).toEqual(['section', 'section', 'actions']);
    expect(JSON.stringify(body.blocks[1])).toContain('a &amp; b');
  });

  it("honours Slack's Retry-After on 429: waits a short one and delivers, fails at once on a long one saying how long", async () => {
    receiver.throttleNext = 1;
    receiver.throttled = 0;
    receiver.retryAfterSeconds = 1;
    await slackNotifier(`${base}/services/T000/B000/XXX`).send(n, 'k');
    expect([receiver.throttled, receiver.received.length]).toEqual([1, 1]);

    receiver.throttleNext = 1;
    receiver.retryAfterSeconds = 120;
    await expect(slackNotifier(`${base}/services/T000/B000/XXX`).send(n, 'k')).rejects.toThrow(
      `${new URL(base).host} answered 429 (retry after 120000 ms)`,
    );
    expect(receiver.received.length).toBe(1);
  });
});
