// Where escalations are announced: a generic JSON webhook (with an Idempotency-Key the
// receiver can dedupe on) and Slack-compatible incoming webhooks.
import { createHttpClient, isSuccess } from './http';

export interface Notification {
  event: 'escalated' | 'undo_failed';
  workflowId: string;
  title: string;
  severity: string;
  score?: number;
  verdict?: string;
  tier: string;
  summary?: string;
  link?: string;
  /** undo_failed: which undo and the vendor's error. */
  detail?: string;
}

export interface Notifier {
  readonly channel: string;
  send(n: Notification, idempotencyKey: string): Promise<void>;
}

/**
 * Any failure throws, so the notify activity retries it. Only the status matters, and
 * messages name the receiver's host alone: a webhook URL's path is often its secret (Slack's is).
 */
async function post(vendor: string, url: string, body: unknown, headers: Record<string, string>): Promise<void> {
  const host = new URL(url).host;
  const http = createHttpClient({
    defaultMaxBytes: 0, // answers are dropped unread (readBody: false)
    failsOn: (status) => !isSuccess(status),
    toError: (f) => new Error(f.kind === 'status' ? `${host} answered ${f.status}${f.retryAfterMs !== undefined ? ` (retry after ${f.retryAfterMs} ms)` : ''}` : `${host}: ${f.message}`),
    // Slack answers 429 with Retry-After in seconds (Slack API docs, "Rate limits"): wait it out
    // in place when short; a longer wait fails, and the notify activity's retries take over.
    honourRetryAfter: { maxWaitMs: 30_000, maxRetries: 2 },
  });
  await http.request({
    vendor, url, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), timeoutMs: 10_000, readBody: false,
  });
}

export const webhookNotifier = (url: string): Notifier => ({
  channel: 'webhook',
  send: (n, key) => post('webhook', url, n, { 'idempotency-key': key }),
});

/** Slack's incoming-webhook payload: `text` plus Block Kit blocks; untrusted text is escaped. */
export const slackNotifier = (url: string): Notifier => ({
  channel: 'slack',
  send: (n) => {
    const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const text = n.event === 'undo_failed'
      ? `:warning: undo of a containment keeps failing (${esc(n.detail ?? '')}); ${esc(n.tier)} must act: ${esc(n.title)}`.slice(0, 3000)
      : `:rotating_light: ${esc(n.severity)} alert escalated to ${esc(n.tier)}: ${esc(n.title)}`;
    return post('slack', url, {
      text,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: `*${text}*\nscore ${n.score ?? '-'} (${esc(n.verdict ?? '-')}) · \`${esc(n.workflowId)}\`` } },
        ...(n.summary ? [{ type: 'section', text: { type: 'mrkdwn', text: esc(n.summary).slice(0, 2900) } }] : []),
        ...(n.link ? [{ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Temporal' }, url: n.link }] }] : []),
      ],
    }, {});
  },
});
