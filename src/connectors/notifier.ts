// Where escalations are announced: a generic JSON webhook (with an Idempotency-Key the
// receiver can dedupe on) and Slack-compatible incoming webhooks.
import type { ObservableSet } from '../domain/observables';
import { createHttpClient, isSuccess } from './http';
import { escapeMrkdwn } from './slack/mrkdwn';

export interface Notification {
  /** Escalated to a tier; resolved, told to `recipient` (the reporter of a phish); or an undo of a containment keeps failing. */
  event: 'escalated' | 'resolved' | 'undo_failed';
  workflowId: string;
  title: string;
  severity: string;
  score?: number;
  verdict?: string;
  tier: string;
  summary?: string;
  link?: string;
  /** Triage's reasons for the score (untrusted: they quote alert fields). */
  reasons?: string[];
  observables?: ObservableSet;
  /** An SLA tier ran out before this escalation (what pages on-call). */
  slaBreached?: boolean;
  /** Who a 'resolved' notice is for: the receiving webhook relays it (e.g. mails the reporter). */
  recipient?: string;
  /** A 'resolved' notice's outcome. */
  outcome?: string;
  /** undo_failed: which undo and the vendor's error. */
  detail?: string;
}

export interface Notifier {
  readonly channel: string;
  /**
   * True when the channel can tell whether an earlier attempt delivered (it dedupes by itself,
   * e.g. a ticket found by correlation id): a retry that finds the delivery mid-send calls it
   * again instead of marking it unknown.
   */
  readonly dedupes?: boolean;
  send(n: Notification, idempotencyKey: string): Promise<void>;
}

/**
 * A delivery the receiver refused for good (bad credentials, unknown channel or project):
 * recorded as failed, and the escalation goes on without that channel rather than retrying
 * what cannot succeed.
 */
export class NotifierRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotifierRejected';
  }
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
    toError: (f) =>
      new Error(
        f.kind === 'status'
          ? `${host} answered ${f.status}${f.retryAfterMs !== undefined ? ` (retry after ${f.retryAfterMs} ms)` : ''}`
          : `${host}: ${f.message}`,
      ),
    // Slack answers 429 with Retry-After in seconds (Slack API docs, "Rate limits"): wait it out
    // in place when short; a longer wait fails, and the notify activity's retries take over.
    honourRetryAfter: { maxWaitMs: 30_000, maxRetries: 2 },
  });
  await http.request({
    vendor,
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    timeoutMs: 10_000,
    readBody: false,
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
    const esc = (s: string) => escapeMrkdwn(s, 2900);
    const text =
      n.event === 'undo_failed'
        ? `:warning: undo of a containment keeps failing (${esc(n.detail ?? '')}); ${esc(n.tier)} must act: ${esc(n.title)}`
        : n.event === 'resolved'
          ? `:white_check_mark: ${esc(n.title)} resolved (${esc(n.outcome ?? 'done')}); ${esc(n.recipient ?? n.tier)} told`
          : `:rotating_light: ${esc(n.severity)} alert escalated to ${esc(n.tier)}: ${esc(n.title)}`;
    return post(
      'slack',
      url,
      {
        text,
        blocks: [
          {
            type: 'section',
            text: { type: 'mrkdwn', text: `*${text}*\nscore ${n.score ?? '-'} (${esc(n.verdict ?? '-')}) · \`${esc(n.workflowId)}\`` },
          },
          ...(n.summary ? [{ type: 'section', text: { type: 'mrkdwn', text: esc(n.summary) } }] : []),
          ...(n.link
            ? [{ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Temporal' }, url: n.link }] }]
            : []),
        ],
      },
      {},
    );
  },
});
