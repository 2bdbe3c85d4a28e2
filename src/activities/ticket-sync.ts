// The case's ticket follows what happens in autosoc, and autosoc follows tickets closed without a
// webhook.
// - syncTicket: an analyst's comment, or the alert's decision (API, CLI, console, Slack, SLA
//   fallback), is commented on the ticket, and a decision resolves it. Each comment has an
//   intent and carries a marker; an attempt that finds the intent pending (an earlier one may
//   have posted and died) asks the ticket system for the marker before posting again. Resolving
//   asks the ticket's state first, so it never happens twice. A decision that came from the
//   ticket system (its service identity) is not echoed back to it.
// - pollTicketClosures: one read of tickets closed since the cursor, each applied as the
//   webhook would be (applyTicketEvent): once, and not at all when the case is already closed.
import { ApplicationFailure } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import { applyTicketEvent } from '../api/ticket-events';
import { TicketError, type TicketRef } from '../connectors/tickets/ticket-system';
import { NOT_CONFIGURED } from '../domain/error-types';
import { claimIntent, settleIntent } from '../store/intents';
import { ticketOf, ticketResolveKey } from '../store/tickets';
import type { ActivityDeps } from './deps';

export interface TicketSyncInput {
  workflowId: string;
  /** comment: an analyst's comment; decided: the alert's final decision (comment, then resolve). */
  kind: 'comment' | 'decided';
  /** Names the event within the run (a comment's decision seq; 'final'): its idempotency key. */
  step: string;
  actor: string;
  reason: string;
  /** decided: the alert's outcome, and whether it was closed as a false positive. */
  outcome?: string;
  falsePositive?: boolean;
}

export type TicketSyncResult = { status: 'not configured' | 'no ticket' | 'from the ticket' | 'refused' | 'done'; detail?: string };

/** The marker a synced comment carries: short, unique per event, found again by a retry. */
export const syncMarker = (key: string) => `ref:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;

function textOf(input: TicketSyncInput): string {
  const why = input.reason ? `: ${input.reason}` : '';
  if (input.kind === 'comment') return `${input.actor} commented in autosoc${why}`;
  return `autosoc ${input.outcome ?? 'decided'}${input.falsePositive ? ' (false positive)' : ''} by ${input.actor}${why}`;
}

export async function syncTicket(deps: ActivityDeps, input: TicketSyncInput): Promise<TicketSyncResult> {
  const t = deps.tickets;
  if (!t) return { status: 'not configured' };
  if (input.actor === t.service.actor) return { status: 'from the ticket' }; // its own comment or close: never echoed
  const row = await ticketOf(deps.db, input.workflowId);
  if (!row?.external_id) return { status: 'no ticket' };
  const ref: TicketRef = { id: row.external_id, key: row.external_key ?? row.external_id };
  try {
    const key = `${input.workflowId}:ticket-sync:${input.step}`;
    const marker = syncMarker(key);
    const intent = await claimIntent(deps.db, key, `ticket-${input.kind}`);
    if (intent.fresh || (intent.state === 'pending' && !(await t.system.hasComment(ref, marker)))) {
      await t.system.comment(ref, `${textOf(input)} [${marker}]`.slice(0, 4000));
    }
    await settleIntent(deps.db, key, 'done');
    // A ticket closed from its own side (webhook or poller) is left as its analyst closed it.
    if (input.kind === 'decided' && row.state !== 'closed') {
      const resolveKey = ticketResolveKey(input.workflowId);
      const claim = await claimIntent(deps.db, resolveKey, 'ticket-resolve'); // before the call: its webhook echo is recognised
      if (claim.fresh || claim.state === 'pending') {
        const changed = await t.system.resolve(ref, { falsePositive: !!input.falsePositive, note: textOf(input).slice(0, 4000) });
        await settleIntent(deps.db, resolveKey, 'done', changed ? 'resolved' : 'already closed');
      }
    }
    return { status: 'done' };
  } catch (err) {
    // A refusal (credentials, a deleted ticket, no transition to Done) is final: the alert stands, the trail says why.
    if (err instanceof TicketError && !err.retryable) return { status: 'refused', detail: err.message };
    throw err; // the intent stays pending: the retry asks the ticket system what happened
  }
}

export interface TicketPollInput {
  cursor?: string;
  limit?: number;
}
/** more: the read was full, so read again at once. */
export interface TicketPollResult {
  cursor: string;
  found: number;
  applied: number;
  skipped: number;
  more: boolean;
}

/** How far back a poller with no cursor yet looks. */
const FIRST_LOOKBACK_MS = 24 * 60 * 60 * 1000;

export async function pollTicketClosures(deps: ActivityDeps, { cursor, limit = 100 }: TicketPollInput): Promise<TicketPollResult> {
  const t = deps.tickets;
  if (!t?.decide)
    throw ApplicationFailure.nonRetryable('no ticket system, or no Temporal client and decision key, on this worker', NOT_CONFIGURED);
  const since = cursor ?? new Date(Date.now() - FIRST_LOOKBACK_MS).toISOString();
  const closed = await t.system.closedSince(since, limit);
  const result: TicketPollResult = { cursor: since, found: closed.length, applied: 0, skipped: 0, more: closed.length >= limit };
  for (const c of closed) {
    const event = {
      eventId: `poll:closed:${c.externalId}`,
      externalId: c.externalId,
      kind: 'closed' as const,
      by: c.by,
      text: c.text,
      falsePositive: c.falsePositive,
    };
    const { applied } = await applyTicketEvent({ db: deps.db, system: t.system, service: t.service, ...t.decide }, event);
    if (applied) result.applied += 1;
    else result.skipped += 1;
    if (c.updatedAt > result.cursor) result.cursor = c.updatedAt;
  }
  // A full read that did not move the cursor (more than `limit` closes in one instant, or in one
  // minute for Jira's JQL) would be read again forever: step past it (README, known limit).
  if (result.more && result.cursor === since) result.cursor = new Date(Date.parse(since) + 60_000).toISOString();
  return result;
}
