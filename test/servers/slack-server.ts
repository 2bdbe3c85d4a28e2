// A local Slack: the Web API methods autosoc calls, a response_url receiver, and Slack's side
// of interactivity (signed block_actions payloads), following Slack's documentation:
// - "Web API basics": POST https://slack.com/api/<method>, JSON body with Authorization: Bearer;
//   every answer is HTTP 200 `{ ok: true, ... }` or `{ ok: false, error }` (invalid_auth for a
//   token it does not know, channel_not_found, ...).
// - chat.postMessage ("Methods > chat.postMessage"): answers `{ ok, channel, ts, message }`.
// - chat.update ("Methods > chat.update"): `{ ok, channel, ts, text }`; message_not_found for an unknown ts.
// - "Rate limits": HTTP 429 with `Retry-After: <seconds>` (throttleNext).
// - "Handling user interaction > response_url": POST JSON `{ response_type: 'ephemeral', ... }`.
// - "Verifying requests from Slack": X-Slack-Signature `v0=` HMAC-SHA256 of `v0:<ts>:<body>`,
//   X-Slack-Request-Timestamp; the payload form-encoded as `payload=<json>` ("Interaction payloads").
import { randomBytes } from 'node:crypto';
import { slackSignature } from '../../src/connectors/slack/signature';
import { listenOnLoopback, readBody, type LoopbackServer } from './listen-on-loopback';

export interface PostedMessage { channel: string; ts: string; text: string; blocks: unknown[]; updates: { text: string; blocks: unknown[] }[] }

export class SlackServer {
  readonly token = `xoxb-${randomBytes(12).toString('hex')}`;
  readonly signingSecret = randomBytes(16).toString('hex');
  readonly teamId = 'T0AUTOSOC';
  readonly messages: PostedMessage[] = [];
  readonly responses: { path: string; body: Record<string, unknown> }[] = [];
  /** Web API calls by method, injected faults included. */
  readonly calls: string[] = [];
  /** The next N Web API calls answer 429 with Retry-After. */
  throttleNext = 0;
  retryAfterSeconds = 1;
  /** The next N Web API calls answer `{ ok: false, error: failWith }`. */
  failNext = 0;
  failWith = 'internal_error';
  private seq = 0;
  private listening?: LoopbackServer;

  get url(): string {
    if (!this.listening) throw new Error('not started');
    return this.listening.url;
  }
  /** The Web API base URL (AUTOSOC_SLACK_API_URL). */
  get apiUrl(): string { return `${this.url}/api`; }

  async start(): Promise<void> {
    this.listening = await listenOnLoopback(async (req, res) => {
      const raw = (await readBody(req)).toString('utf8');
      const path = req.url ?? '/';
      const json = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
      };
      if (path.startsWith('/response/')) {
        this.responses.push({ path, body: JSON.parse(raw) as Record<string, unknown> });
        return json(200, { ok: true });
      }
      const method = /^\/api\/([a-z.A-Z]+)$/.exec(path)?.[1];
      if (!method || req.method !== 'POST') return json(404, { ok: false, error: 'unknown_method' });
      this.calls.push(method);
      if (this.throttleNext > 0) {
        this.throttleNext -= 1;
        return json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(this.retryAfterSeconds) });
      }
      if (req.headers.authorization !== `Bearer ${this.token}`) return json(200, { ok: false, error: 'invalid_auth' });
      if (this.failNext > 0) {
        this.failNext -= 1;
        return json(200, { ok: false, error: this.failWith });
      }
      const body = JSON.parse(raw) as { channel?: string; ts?: string; text?: string; blocks?: unknown[] };
      if (!body.channel) return json(200, { ok: false, error: 'channel_not_found' });
      if (!body.text && !body.blocks) return json(200, { ok: false, error: 'no_text' });
      if (method === 'chat.postMessage') {
        const ts = `1700000000.${String(++this.seq).padStart(6, '0')}`;
        const channel = body.channel.startsWith('#') ? 'C0SOCALERTS' : body.channel;
        this.messages.push({ channel, ts, text: body.text ?? '', blocks: body.blocks ?? [], updates: [] });
        return json(200, { ok: true, channel, ts, message: { text: body.text, blocks: body.blocks } });
      }
      if (method === 'chat.update') {
        const m = this.messages.find((x) => x.channel === body.channel && x.ts === body.ts);
        if (!m) return json(200, { ok: false, error: 'message_not_found' });
        m.updates.push({ text: body.text ?? '', blocks: body.blocks ?? [] });
        return json(200, { ok: true, channel: m.channel, ts: m.ts, text: body.text });
      }
      return json(200, { ok: false, error: 'unknown_method' });
    });
  }

  async stop(): Promise<void> { await this.listening?.close(); }

  /** What Slack sends when `userId` clicks a button on a posted message: headers and form body, signed. */
  click(m: PostedMessage, actionId: string, userId: string, opts: { timestamp?: number; signWith?: string; username?: string } = {}) {
    const action = (m.blocks.find((b) => (b as { type: string }).type === 'actions') as { elements: { action_id: string; value: string }[] })
      .elements.find((e) => e.action_id === actionId)!;
    const payload = {
      type: 'block_actions', team: { id: this.teamId, domain: 'autosoc-test' }, user: { id: userId, username: opts.username ?? userId.toLowerCase(), team_id: this.teamId },
      api_app_id: 'A0AUTOSOC', token: 'deprecated-verification-token', trigger_id: '1.2.3',
      container: { type: 'message', message_ts: m.ts, channel_id: m.channel, is_ephemeral: false },
      channel: { id: m.channel, name: 'soc-alerts' }, message: { type: 'message', ts: m.ts, text: m.text, blocks: m.blocks },
      response_url: `${this.url}/response/${m.ts}`,
      actions: [{ type: 'button', action_id: actionId, block_id: 'autosoc_decision', value: action.value, action_ts: '1700000001.000001' }],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
    return {
      body,
      headers: {
        'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': timestamp,
        'x-slack-signature': slackSignature(opts.signWith ?? this.signingSecret, timestamp, Buffer.from(body)),
      },
    };
  }
}
