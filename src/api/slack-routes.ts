// Slack's interactivity endpoint (Request URL of the app's "Interactivity & Shortcuts"): button
// clicks on escalation messages. Slack's signature is checked over the raw body before anything
// is read; the clicking Slack user is mapped to an autosoc identity (slack_identities, managed
// by `autosoc slack map`) whose actor and roles decide — never the payload's — and the decision
// goes through applyDecision like the API's. Slack wants an answer within 3 seconds, so the
// click is acknowledged at once and the outcome written onto the message (chat.update), or told
// to the clicker alone (response_url, ephemeral) when refused.
import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { z } from 'zod';
import { type Decision, DecisionRejected, parseDecision } from '../domain/decision';
import { outcomeMessage, APPROVE_ACTION, CLOSE_ACTION } from '../connectors/slack/blocks';
import { verifySlackSignature } from '../connectors/slack/signature';
import type { SlackWebApi } from '../connectors/slack/web-api';
import type { PagerDutyEvents } from '../connectors/tickets/pagerduty';
import type { DecisionSigner } from '../security/decision-signer';
import { auditApiCall } from '../store/audit-log';
import { findSlackIdentity } from '../store/slack';
import { applyDecision } from './apply-decision';
import { rawBody } from './auth';

export interface SlackRouteOptions {
  db: Pool;
  client?: Client;
  signer?: DecisionSigner;
  /** Resolves the page of an alert decided here (PagerDuty). */
  pager?: PagerDutyEvents;
  signingSecret: string;
  api: SlackWebApi;
  /** Where response_url may point (Slack's is https://hooks.slack.com/); anything else is not called. */
  responseUrlPrefix?: string;
  nowMs?: () => number;
}

// Slack's block_actions payload ("Reference: interaction payloads > block_actions"), the fields used.
const BlockActions = z.looseObject({
  type: z.literal('block_actions'),
  team: z.looseObject({ id: z.string().min(1).max(64) }),
  user: z.looseObject({ id: z.string().min(1).max(64), username: z.string().max(256).optional(), name: z.string().max(256).optional() }),
  channel: z.looseObject({ id: z.string().min(1).max(64) }).optional(),
  message: z
    .looseObject({ ts: z.string().max(64), text: z.string().max(40_000).optional(), blocks: z.array(z.unknown()).max(50).optional() })
    .optional(),
  response_url: z.string().max(2048).optional(),
  actions: z
    .array(z.looseObject({ action_id: z.string().max(255), value: z.string().max(2000).optional() }))
    .min(1)
    .max(5),
});
type BlockActions = z.infer<typeof BlockActions>;

const VERBS: Record<string, { action: 'approve' | 'close'; done: string }> = {
  [APPROVE_ACTION]: { action: 'approve', done: 'Approved' },
  [CLOSE_ACTION]: { action: 'close', done: 'Closed' },
};

function payloadOf(body: Uint8Array): unknown {
  const form = new URLSearchParams(Buffer.from(body).toString('utf8'));
  try {
    return JSON.parse(form.get('payload') ?? '');
  } catch {
    return undefined;
  }
}

export const slackRoutes: FastifyPluginAsync<SlackRouteOptions> = async (app, opts) => {
  const nowMs = opts.nowMs ?? Date.now;
  const prefix = opts.responseUrlPrefix ?? 'https://hooks.slack.com/';
  const inflight = new Set<Promise<void>>();
  app.addHook('onClose', async () => {
    await Promise.allSettled([...inflight]);
  });

  /** Tells the clicker alone (ephemeral), through the response_url Slack gave with the click. */
  async function tellClicker(p: BlockActions, text: string): Promise<void> {
    if (!p.response_url?.startsWith(prefix)) return;
    await fetch(p.response_url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      signal: AbortSignal.timeout(10_000),
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
    });
  }

  async function handle(
    request: FastifyRequest,
    p: BlockActions,
    verb: { action: 'approve' | 'close'; done: string },
    workflowId: string,
  ): Promise<void> {
    const slackUser = `${p.team.id}/${p.user.id}`;
    const who = p.user.username ?? p.user.name ?? p.user.id;
    const audit = (actor: string, outcome: string, detail: Record<string, unknown>) =>
      auditApiCall(opts.db, { actor, action: `slack ${verb.action}`, target: workflowId, outcome, detail: { slackUser, ...detail } });
    const identity = await findSlackIdentity(opts.db, p.team.id, p.user.id);
    if (!identity) {
      await audit(`slack:${slackUser}`, '403', { reason: 'unmapped_slack_user' });
      await tellClicker(
        p,
        'Your Slack user is not mapped to an autosoc identity, so it cannot decide. An admin can map it with `autosoc slack map`.',
      );
      return;
    }
    if (!opts.client || !opts.signer) {
      await audit(identity.actor, '503', { reason: 'no_workflow_client' });
      await tellClicker(p, 'This autosoc API cannot send decisions (no Temporal client or decision-signing key configured).');
      return;
    }
    let decision: Decision;
    try {
      decision = parseDecision({
        action: verb.action,
        actor: identity.actor,
        roles: identity.roles,
        reason: `${verb.done} from Slack by @${who} (${p.user.id})`,
      });
    } catch (err) {
      if (!(err instanceof DecisionRejected)) throw err;
      await audit(identity.actor, '422', { reason: 'invalid_decision' });
      await tellClicker(p, `Refused: ${err.message}`);
      return;
    }
    const outcome = await applyDecision(opts.client, opts.signer, workflowId, decision, opts.pager);
    if (!outcome.ok) {
      await audit(identity.actor, String(outcome.httpStatus), { reason: outcome.reason, decision: verb.action });
      await tellClicker(p, `Refused: ${outcome.error}`);
      return;
    }
    await audit(identity.actor, '200', { decision: verb.action });
    const s = outcome.status;
    const final = s.stage !== 'awaiting_analyst';
    const progress = final ? `alert ${s.outcome ?? s.stage}` : `${s.approvals?.length ?? 0} of ${s.approvalsNeeded ?? 1} approvals`;
    if (p.channel && p.message) {
      await opts.api.update(
        p.channel.id,
        p.message.ts,
        outcomeMessage(p.message, `${verb.done} by ${identity.actor} (Slack @${who}) — ${progress}`, final),
      );
    }
  }

  app.post(
    '/v1/slack/interactions',
    {
      config: { audit: false },
      schema: {
        summary: "Slack's interactivity Request URL: Approve / Close clicks on escalation messages",
        tags: ['slack'],
        description:
          'Authenticated by the Slack signature (X-Slack-Signature over the raw body, X-Slack-Request-Timestamp within 5 minutes).',
      },
    },
    async (request, reply) => {
      const body = rawBody(request);
      const check = verifySlackSignature(
        opts.signingSecret,
        {
          timestamp: request.headers['x-slack-request-timestamp'] as string | undefined,
          signature: request.headers['x-slack-signature'] as string | undefined,
        },
        body,
        Math.floor(nowMs() / 1000),
      );
      if (!check.ok) {
        // Unsigned calls reach the process log only (see api/audit.ts): a stranger must not fill the audit table.
        request.log.warn({ reason: check.reason }, 'slack interaction refused');
        return reply.code(401).send({ error: check.error });
      }
      const parsed = BlockActions.safeParse(payloadOf(body));
      if (!parsed.success) return reply.code(200).send(); // other interaction types are not ours to handle
      const p = parsed.data;
      const action = p.actions[0];
      const verb = VERBS[action.action_id];
      if (!verb || !action.value) return reply.code(200).send();
      const work = handle(request, p, verb, action.value).catch((err: unknown) => request.log.error({ err }, 'slack interaction failed'));
      inflight.add(work);
      void work.finally(() => inflight.delete(work));
      return reply.code(200).send();
    },
  );
};
