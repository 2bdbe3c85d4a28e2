// What a ticket system told autosoc (a verified webhook, or the poller's read of closed tickets),
// applied to the case's alert: a closure closes it, a comment joins its trail, through
// applyDecision as the ticket system's service identity, the human who acted named in the
// reason. Each event applies once (its id is claimed first); a close is applied once per case,
// however many paths report it, and never when the close is autosoc's own echo.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { PagerDutyEvents } from '../connectors/tickets/pagerduty';
import type { TicketEvent, TicketSystem } from '../connectors/tickets/ticket-system';
import { DecisionRejected, parseDecision } from '../domain/decision';
import type { Role } from '../domain/roles';
import type { DecisionSigner } from '../security/decision-signer';
import { auditApiCall } from '../store/audit-log';
import { claimTicketEvent, markTicketClosed, releaseTicketEvent, ticketByExternalId, ticketCloseSettled } from '../store/tickets';
import { applyDecision } from './apply-decision';

export interface TicketEventDeps {
  db: Pool;
  client: Client;
  signer: DecisionSigner;
  pager?: PagerDutyEvents;
  system: TicketSystem;
  /** Who the ticket system is in autosoc (the actor of its decisions) and its roles. */
  service: { actor: string; roles: Role[] };
}

export const SYSTEM_NAMES = { jira: 'Jira', servicenow: 'ServiceNow', thehive: 'TheHive' } as const;

function decisionFor(e: TicketEvent, system: TicketSystem, ticketKey: string, service: TicketEventDeps['service']) {
  const where = `${SYSTEM_NAMES[system.name]} ${ticketKey}`;
  return e.kind === 'closed'
    ? {
        action: 'close',
        actor: service.actor,
        roles: service.roles,
        falsePositive: e.falsePositive,
        reason: `Resolved in ${where} by ${e.by}${e.text ? `: ${e.text}` : ''}`.slice(0, 4096),
      }
    : { action: 'comment', actor: service.actor, roles: service.roles, reason: `${e.by} in ${where}: ${e.text ?? ''}`.slice(0, 4096) };
}

export async function applyTicketEvent(d: TicketEventDeps, event: TicketEvent): Promise<{ applied: boolean; detail: string }> {
  const { db, system, service } = d;
  const ticket = await ticketByExternalId(db, system.name, event.externalId);
  if (!ticket) return { applied: false, detail: 'no autosoc case for this ticket' };
  if (event.kind === 'closed' && (await ticketCloseSettled(db, ticket.workflow_id)))
    return { applied: false, detail: 'the case is already closed' };
  if (!(await claimTicketEvent(db, { system: system.name, eventId: event.eventId, workflowId: ticket.workflow_id, kind: event.kind }))) {
    return { applied: false, detail: 'duplicate delivery' };
  }
  const audit = (outcome: string, detail: Record<string, unknown>) =>
    auditApiCall(db, {
      actor: service.actor,
      action: `ticket ${system.name} ${event.kind}`,
      target: ticket.workflow_id,
      outcome,
      detail: { by: event.by, ticket: ticket.external_key, eventId: event.eventId, ...detail },
    });
  try {
    const decision = parseDecision(decisionFor(event, system, ticket.external_key ?? event.externalId, service));
    const outcome = await applyDecision(d.client, d.signer, ticket.workflow_id, decision, d.pager);
    if (event.kind === 'closed' && (outcome.ok || outcome.reason === 'alert_finished')) await markTicketClosed(db, ticket.workflow_id);
    if (!outcome.ok) {
      await audit(String(outcome.httpStatus), { reason: outcome.reason });
      return { applied: false, detail: outcome.error };
    }
    await audit('200', {});
    return { applied: true, detail: `${decision.action} recorded` };
  } catch (err) {
    if (err instanceof DecisionRejected) {
      await audit('422', { reason: 'invalid_decision' });
      return { applied: false, detail: err.message };
    }
    await releaseTicketEvent(db, system.name, event.eventId); // let a redelivery (or the next poll) try again
    throw err;
  }
}
