// Ticket systems calling back: POST /v1/tickets/:system/webhook. The delivery is verified the
// way its system signs (Jira: HMAC; ServiceNow, TheHive: the configured token) and applied by
// applyTicketEvent (ticket-events.ts), the path the ticket poller takes too: a closure or a
// comment as the ticket system's service identity (AUTOSOC_TICKET_SERVICE_ACTOR, roles
// AUTOSOC_TICKET_SERVICE_ROLES), the human named. A redelivered event is applied once.
import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import type { Pool } from 'pg';
import { z } from 'zod';
import type { PagerDutyEvents } from '../connectors/tickets/pagerduty';
import type { DecisionSigner } from '../security/decision-signer';
import { rawBody } from './auth';
import { applyTicketEvent, SYSTEM_NAMES, type TicketEventDeps } from './ticket-events';

export interface TicketRouteOptions extends Pick<TicketEventDeps, 'system' | 'service'> {
  db: Pool;
  client?: Client;
  signer?: DecisionSigner;
  pager?: PagerDutyEvents;
}

export const ticketRoutes: FastifyPluginAsync<TicketRouteOptions> = async (app, { db, client, signer, pager, system, service }) => {
  app.post(
    `/v1/tickets/${system.name}/webhook`,
    {
      config: { audit: false },
      schema: {
        summary: `${SYSTEM_NAMES[system.name]} webhook: a ticket resolved or commented on`,
        tags: ['tickets'],
        description: "Verified by the system's signature or configured token; a closure closes the alert, a comment is added to its trail.",
        response: {
          200: z.object({ applied: z.boolean(), detail: z.string() }),
          401: z.object({ error: z.string() }),
          503: z.object({ error: z.string() }),
        },
      },
    },
    async (request, reply) => {
      const req = { headers: request.headers, body: rawBody(request) };
      if (!system.verifyWebhook(req)) {
        request.log.warn({ system: system.name }, 'ticket webhook refused: not verified'); // strangers reach the process log only
        return reply.code(401).send({ error: 'webhook not verified' });
      }
      if (!client || !signer)
        return reply.code(503).send({ error: 'this API server cannot send decisions (no Temporal client or decision key)' });
      const event = system.parseWebhook(req);
      if (!event) return { applied: false, detail: 'not an event autosoc acts on' };
      return applyTicketEvent({ db, client, signer, pager, system, service }, event);
    },
  );
};
