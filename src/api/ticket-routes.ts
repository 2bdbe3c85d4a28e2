// Ticket systems calling back: POST /v1/tickets/:system/webhook. The delivery is verified the
// way its system signs (Jira: HMAC; ServiceNow, TheHive: the configured token), its ticket
// mapped to the alert, and a closure or a comment sent through applyDecision as the ticket
// system's service identity (AUTOSOC_TICKET_SERVICE_ACTOR, roles AUTOSOC_TICKET_SERVICE_ROLES),
// the human who acted named in the reason. A redelivered event (same delivery id) is
// acknowledged and not applied twice.
import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import type { Pool } from 'pg';
import { z } from 'zod';
import { DecisionRejected, parseDecision } from '../domain/decision';
import type { Role } from '../domain/roles';
import type { TicketEvent, TicketSystem } from '../connectors/tickets/ticket-system';
import type { PagerDutyEvents } from '../connectors/tickets/pagerduty';
import type { DecisionSigner } from '../security/decision-signer';
import { auditApiCall } from '../store/audit-log';
import { claimTicketEvent, markTicketClosed, releaseTicketEvent, ticketByExternalId } from '../store/tickets';
import { applyDecision } from './apply-decision';
import { rawBody } from './auth';

export interface TicketRouteOptions {
  db: Pool;
  client?: Client;
  signer?: DecisionSigner;
  pager?: PagerDutyEvents;
  system: TicketSystem;
  /** Who the ticket system is in autosoc (the actor of its decisions) and its roles. */
  service: { actor: string; roles: Role[] };
}

const SYSTEM_NAMES = { jira: 'Jira', servicenow: 'ServiceNow', thehive: 'TheHive' } as const;

function decisionFor(e: TicketEvent, system: TicketSystem, ticketKey: string, service: TicketRouteOptions['service']) {
  const where = `${SYSTEM_NAMES[system.name]} ${ticketKey}`;
  return e.kind === 'closed'
    ? { action: 'close', actor: service.actor, roles: service.roles, falsePositive: e.falsePositive, reason: `Resolved in ${where} by ${e.by}${e.text ? `: ${e.text}` : ''}`.slice(0, 4096) }
    : { action: 'comment', actor: service.actor, roles: service.roles, reason: `${e.by} in ${where}: ${e.text ?? ''}`.slice(0, 4096) };
}

export const ticketRoutes: FastifyPluginAsync<TicketRouteOptions> = async (app, { db, client, signer, pager, system, service }) => {
  app.post(`/v1/tickets/${system.name}/webhook`, {
    config: { audit: false },
    schema: {
      summary: `${SYSTEM_NAMES[system.name]} webhook: a ticket resolved or commented on`, tags: ['tickets'],
      description: 'Verified by the system\'s signature or configured token; a closure closes the alert, a comment is added to its trail.',
      response: { 200: z.object({ applied: z.boolean(), detail: z.string() }), 401: z.object({ error: z.string() }), 503: z.object({ error: z.string() }) },
    },
  }, async (request, reply) => {
    const req = { headers: request.headers, body: rawBody(request) };
    if (!system.verifyWebhook(req)) {
      request.log.warn({ system: system.name }, 'ticket webhook refused: not verified'); // strangers reach the process log only
      return reply.code(401).send({ error: 'webhook not verified' });
    }
    if (!client || !signer) return reply.code(503).send({ error: 'this API server cannot send decisions (no Temporal client or decision key)' });
    const event = system.parseWebhook(req);
    if (!event) return { applied: false, detail: 'not an event autosoc acts on' };
    const ticket = await ticketByExternalId(db, system.name, event.externalId);
    if (!ticket) return { applied: false, detail: 'no autosoc case for this ticket' };
    if (!await claimTicketEvent(db, { system: system.name, eventId: event.eventId, workflowId: ticket.workflow_id, kind: event.kind })) {
      return { applied: false, detail: 'duplicate delivery' };
    }
    const audit = (outcome: string, detail: Record<string, unknown>) => auditApiCall(db, {
      actor: service.actor, action: `ticket ${system.name} ${event.kind}`, target: ticket.workflow_id, outcome,
      detail: { by: event.by, ticket: ticket.external_key, eventId: event.eventId, ...detail },
    });
    try {
      const decision = parseDecision(decisionFor(event, system, ticket.external_key ?? event.externalId, service));
      const outcome = await applyDecision(client, signer, ticket.workflow_id, decision, pager);
      if (!outcome.ok) {
        await audit(String(outcome.httpStatus), { reason: outcome.reason });
        return { applied: false, detail: outcome.error };
      }
      if (event.kind === 'closed') await markTicketClosed(db, ticket.workflow_id);
      await audit('200', {});
      return { applied: true, detail: `${decision.action} recorded` };
    } catch (err) {
      if (err instanceof DecisionRejected) {
        await audit('422', { reason: 'invalid_decision' });
        return { applied: false, detail: err.message };
      }
      await releaseTicketEvent(db, system.name, event.eventId); // let the system's redelivery try again
      throw err;
    }
  });
};
