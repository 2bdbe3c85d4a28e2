// Paging on-call for critical SLA breaches through PagerDuty's Events API v2
// (developer.pagerduty.com, "Events API v2 > Send an Alert Event"): POST /v2/enqueue with the
// integration's routing_key; `trigger` and `resolve` share a dedup_key, so a repeated trigger
// joins the open incident instead of opening another, and resolve closes it. 202 on success;
// 400 for an invalid event (not retried); 429 and 5xx are retried by the activity.
import type { Notifier } from '../notifier';
import { NotifierRejected } from '../notifier';
import { correlationIdFor, TicketError, ticketHttp } from './ticket-system';
import { trimEndChars } from '../../domain/text-scan';

export interface PagerDutyEvents {
  trigger(e: {
    dedupKey: string;
    summary: string;
    severity: 'critical' | 'error' | 'warning' | 'info';
    source: string;
    details: Record<string, unknown>;
    link?: string;
  }): Promise<void>;
  resolve(dedupKey: string): Promise<void>;
}

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com';

export function pagerDutyEvents(opts: { routingKey: string; baseUrl?: string }): PagerDutyEvents {
  const url = `${trimEndChars(opts.baseUrl ?? PAGERDUTY_EVENTS_URL, '/')}/v2/enqueue`;
  const http = ticketHttp('pagerduty');
  const send = async (event: Record<string, unknown>) => {
    await http.request({
      vendor: 'pagerduty',
      url,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ routing_key: opts.routingKey, ...event }),
      timeoutMs: 10_000,
    });
  };
  return {
    trigger: (e) =>
      send({
        event_action: 'trigger',
        dedup_key: e.dedupKey,
        payload: {
          summary: e.summary.slice(0, 1024),
          severity: e.severity,
          source: e.source.slice(0, 255),
          component: 'autosoc',
          custom_details: e.details,
        },
        ...(e.link ? { links: [{ href: e.link, text: 'autosoc run' }] } : {}),
      }),
    resolve: (dedupKey) => send({ event_action: 'resolve', dedup_key: dedupKey }),
  };
}

/** The page's dedup key: one incident per alert, whichever process triggers or resolves it. */
export const pageKeyFor = correlationIdFor;

/** Pages when an escalation follows an SLA breach of an alert whose severity the policy pages on. */
export function pagerDutyNotifier(events: PagerDutyEvents, pageOn: readonly string[]): Notifier {
  return {
    channel: 'pagerduty',
    dedupes: true, // a repeated trigger with the same dedup_key joins the open incident
    async send(n) {
      if (!n.slaBreached || !pageOn.includes(n.severity)) return;
      try {
        await events.trigger({
          dedupKey: pageKeyFor(n.workflowId),
          summary: `SLA breached: ${n.severity} alert now with ${n.tier}: ${n.title}`,
          severity: n.severity === 'critical' ? 'critical' : 'error',
          source: n.observables?.hosts[0] ?? 'autosoc',
          details: { workflowId: n.workflowId, score: n.score, verdict: n.verdict, tier: n.tier },
          link: n.link,
        });
      } catch (err) {
        if (err instanceof TicketError && !err.retryable) throw new NotifierRejected(err.message);
        throw err;
      }
    },
  };
}
