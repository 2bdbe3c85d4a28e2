// Slack's Web API as a bot (xoxb token): chat.postMessage and chat.update, JSON bodies with
// `Authorization: Bearer` ("Web API basics": POST bodies as JSON need the bearer header).
// Slack answers errors as HTTP 200 with `{ ok: false, error }`; 429 with Retry-After in seconds
// when rate-limited ("Rate limits"), waited out here when short.
import { createHttpClient, isSuccess } from '../http';
import { trimEndChars } from '../../domain/text-scan';

export class SlackApiError extends Error {
  constructor(
    readonly method: string,
    readonly code: string,
    readonly retryable: boolean,
  ) {
    super(`slack ${method}: ${code}`);
    this.name = 'SlackApiError';
  }
}

// ok:false errors a later attempt may get past (Slack documents these as transient); every
// other code (invalid_auth, channel_not_found, not_in_channel, invalid_blocks, ...) is a
// configuration or request problem that retrying cannot fix.
const TRANSIENT = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

export interface SlackMessage {
  text: string;
  blocks: unknown[];
}

export interface SlackWebApi {
  postMessage(channel: string, message: SlackMessage): Promise<{ channel: string; ts: string }>;
  update(channel: string, ts: string, message: SlackMessage): Promise<void>;
}

export const SLACK_API_URL = 'https://slack.com/api';

/** One Web API method call (JSON body, bearer token); the answer when ok, else a SlackApiError. */
export type SlackMethodCall = (method: string, body: Record<string, unknown>) => Promise<Record<string, unknown>>;

export function slackHttp() {
  return createHttpClient({
    defaultMaxBytes: 1024 * 1024,
    failsOn: (status) => !isSuccess(status),
    toError: (f) => new Error(`slack: ${f.message}`),
    honourRetryAfter: { maxWaitMs: 30_000, maxRetries: 3 },
  });
}

export function slackMethodCaller(opts: { token: string; baseUrl?: string }): SlackMethodCall {
  const base = trimEndChars(opts.baseUrl ?? SLACK_API_URL, '/');
  const http = slackHttp();
  return async (method, body) => {
    const answer = await http.request({
      vendor: 'slack',
      url: `${base}/${method}`,
      method: 'POST',
      timeoutMs: 10_000,
      headers: { authorization: `Bearer ${opts.token}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
    });
    const json = http.parseJson(answer, `slack ${method}`) as Record<string, unknown> | undefined;
    if (!json || json.ok !== true) {
      const code = typeof json?.error === 'string' ? json.error.slice(0, 100) : 'malformed_answer';
      throw new SlackApiError(method, code, TRANSIENT.has(code));
    }
    return json;
  };
}

export function slackWebApi(opts: { token: string; baseUrl?: string }): SlackWebApi {
  const call = slackMethodCaller(opts);
  return {
    async postMessage(channel, message) {
      const json = await call('chat.postMessage', { channel, ...message, unfurl_links: false, unfurl_media: false });
      if (typeof json.channel !== 'string' || typeof json.ts !== 'string')
        throw new SlackApiError('chat.postMessage', 'malformed_answer', true);
      return { channel: json.channel, ts: json.ts };
    },
    async update(channel, ts, message) {
      await call('chat.update', { channel, ts, ...message });
    },
  };
}
