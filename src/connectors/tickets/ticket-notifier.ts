// The escalation becomes a ticket (a notifier on the notify activity's path, so no workflow
// change). Exactly one per case: the tickets row is claimed before any call; a retry that finds
// it without an external id asks the system for the correlation id before creating, so an
// attempt that created the ticket and died before recording it is found, not repeated. Later
// escalations (next tier, SLA breach) become comments, each once (an intent per comment).
import type { Pool } from 'pg';
import { claimIntent, NOT_REPEATED, releaseIntent, settleIntent } from '../../store/intents';
import { claimTicket, recordTicket } from '../../store/tickets';
import { type Notification, type Notifier, NotifierRejected } from '../notifier';
import { correlationIdFor, observablesOf, TicketError, type TicketSystem } from './ticket-system';

export function ticketNotifier(db: Pool, system: TicketSystem): Notifier {
  const rejectIfFinal = (err: unknown): never => {
    if (err instanceof TicketError && !err.retryable) throw new NotifierRejected(err.message);
    throw err;
  };
  return {
    channel: `ticket:${system.name}`,
    dedupes: true,
    async send(n: Notification, eventKey: string) {
      const correlationId = correlationIdFor(n.workflowId);
      const row = await claimTicket(db, { workflowId: n.workflowId, system: system.name, correlationId, eventKey });
      if (!row.external_id) {
        try {
          const ref =
            (await system.find(row.correlation_id)) ??
            (await system.create({
              correlationId: row.correlation_id,
              workflowId: n.workflowId,
              title: n.title,
              severity: n.severity,
              score: n.score,
              verdict: n.verdict,
              summary: n.summary,
              reasons: n.reasons ?? [],
              observables: observablesOf(n.observables),
              link: n.link,
            }));
          await recordTicket(db, n.workflowId, ref);
        } catch (err) {
          rejectIfFinal(err);
        }
      }
      if (row.event_key === eventKey) return; // this escalation opened the ticket
      const key = `ticket-comment:${eventKey}`;
      const claim = await claimIntent(db, key, 'ticket-comment');
      if (!claim.fresh) {
        if (claim.state === 'pending') await settleIntent(db, key, 'unknown', NOT_REPEATED);
        return;
      }
      const ticket = (await claimTicket(db, { workflowId: n.workflowId, system: system.name, correlationId, eventKey })).external_id!;
      try {
        await system.comment({ id: ticket, key: ticket }, `escalated to ${n.tier}${n.slaBreached ? ' after an SLA breach' : ''}`);
      } catch (err) {
        await releaseIntent(db, key);
        rejectIfFinal(err);
      }
      await settleIntent(db, key, 'done');
    },
  };
}
