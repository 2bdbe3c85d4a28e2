// The analyst's side of the API: what awaits an analyst, one alert's live state, and decisions.
// Decisions go through the workflow's `decide` Update (the workflow owns roles, four eyes and
// quorum); the API only vouches for who is asking: actor and roles come from the caller's
// token, never from the body. Also exports the small helpers the tuning and evidence routes
// share (error replies, JSON bodies, audit with a target).
import { type Client, WorkflowNotFoundError, type WorkflowExecutionDescription } from '@temporalio/client';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { SEVERITIES } from '../domain/alert';
import { type Decision, DECISION_ACTIONS, DecisionRejected, parseDecision } from '../domain/decision';
import type { PagerDutyEvents } from '../connectors/tickets/pagerduty';
import type { DecisionSigner } from '../security/decision-signer';
import { getAlertWithCase, listPendingCases, listRecentAlerts } from '../store/alert-cases';
import { ROLES, type Role } from '../store/api-tokens';
import { listAudit } from '../store/decisions';
import { listAlertEvidence } from '../store/evidence';
import { getReport } from '../store/reports';
import { statusQuery } from '../workflows/messages';
import type { AlertStatus } from '../domain/alert-status';
import { applyDecision, describeAlert } from './apply-decision';
import { rawBody } from './auth';
import { auditCall } from './audit';

// ---- helpers shared by the analyst, tuning and evidence routes ----

export const ApiErrorBody = z.object({ error: z.string().describe('What went wrong') });

/** A 4xx/5xx with `{ error }`; `reason` is a fixed word for the audit log, never caller input. */
export function fail(request: FastifyRequest, reply: FastifyReply, status: number, reason: string, error: string) {
  request.auditReason ??= reason;
  return reply.code(status).type('application/json; charset=utf-8').send({ error });
}

/** The request body as JSON (an empty body is `{}`); undefined after replying 400. */
export function readJsonBody(request: FastifyRequest, reply: FastifyReply): Record<string, unknown> | undefined {
  const bytes = rawBody(request);
  if (bytes.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    void fail(request, reply, 400, 'bad_body', 'body is not valid JSON');
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    void fail(request, reply, 400, 'bad_body', 'body must be a JSON object');
    return undefined;
  }
  return value as Record<string, unknown>;
}

/**
 * The server's generic audit hook records actor, route and outcome but no target; routes in a
 * plugin that calls this opt out of it (`config.audit: false`) and are audited here instead,
 * with the alert or suggestion they act on. Never the body.
 */
export function auditWithTarget(api: FastifyInstance, db: Pool, targetOf: (request: FastifyRequest) => string | undefined): void {
  api.addHook('onSend', async (request, reply, payload) => {
    await auditCall(db, request, reply, targetOf(request));
    return payload;
  });
}

/** The alert id a route acts on (its :workflowId parameter). */
export const workflowIdTarget = (request: FastifyRequest) => (request.params as { workflowId?: string } | undefined)?.workflowId;

export const WorkflowIdParams = z.object({
  workflowId: z.string().min(1).max(1024).describe('The alert workflow id, e.g. alert:edr-sample:lsass-0002 (URL-encoded)'),
});

/** AlertStatus as the loose response schema types it (an interface has no index signature). */
const statusJson = (s: AlertStatus): AlertStatus & Record<string, unknown> => s as AlertStatus & Record<string, unknown>;

/** One word for where an alert stands: its case's resolution, an open case, or triage not done yet. */
function recentState(a: { disposition: string | null; case_status: string | null; resolution: string | null; status: string }): string {
  if (a.resolution) return a.resolution;
  if (a.case_status === 'open') return 'awaiting_analyst';
  if (a.disposition === 'auto_close') return 'auto_closed';
  if (a.disposition === 'auto_respond') return 'auto_responded';
  return a.disposition ? a.status : 'triaging';
}

const iso = (d: Date | string | null | undefined) => (d == null ? null : new Date(d).toISOString());

// ---- reads ----

/** Live status of a running alert (Query); a completed one's result (needs no worker). */
export async function liveStatus(client: Client, desc: WorkflowExecutionDescription): Promise<AlertStatus | null> {
  const handle = client.workflow.getHandle(desc.workflowId, desc.runId);
  if (desc.status.name === 'COMPLETED') return (await handle.result()) as AlertStatus;
  if (desc.status.name !== 'RUNNING') return null; // failed, terminated, timed out: no status to read
  try {
    return await handle.query(statusQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null; // finished since it was described
    throw err;
  }
}

/** The first selected action the alert's case does not propose, if any. */
async function notProposed(db: Pool, client: Client, workflowId: string, actions: string[]): Promise<string | undefined> {
  const proposed = new Set((await getAlertWithCase(db, workflowId))?.proposed_actions ?? []);
  if (actions.every((a) => proposed.has(a))) return undefined;
  // Actions analysts added are in the workflow's status only (the case keeps the triage's proposal).
  const added = await client.workflow
    .getHandle(workflowId)
    .query(statusQuery)
    .then(
      (s) => s.addedActions ?? [],
      () => [],
    );
  for (const a of added) proposed.add(a.id);
  return actions.find((a) => !proposed.has(a));
}

// ---- schemas ----

const AlertStatusSchema = z
  .looseObject({
    workflowId: z.string(),
    stage: z
      .string()
      .describe(
        'collecting, investigating, triaging, awaiting_analyst, responding, contained (review window open), undoing, reporting or done',
      ),
    severity: z.string(),
  })
  .describe("The workflow's status Query (see src/domain/alert-status.ts)")
  .meta({ id: 'AlertStatus' });

export const PendingAlert = z.object({
  workflowId: z.string(),
  title: z.string(),
  source: z.string(),
  severity: z.enum(SEVERITIES),
  score: z.number().nullable(),
  verdict: z.string().nullable(),
  tier: z.string(),
  assignee: z.string().nullable(),
  openedAt: z.string().describe('ISO 8601'),
});

export const AlertDetail = z.object({
  workflowId: z.string(),
  execution: z.string().nullable().describe('Temporal execution status (RUNNING, COMPLETED, …); null when Temporal no longer has it'),
  status: AlertStatusSchema.nullable(),
  alert: z
    .object({
      source: z.string(),
      sourceId: z.string(),
      title: z.string(),
      severity: z.string(),
      status: z.string(),
      receivedAt: z.string(),
    })
    .nullable(),
  case: z
    .object({
      id: z.string(),
      tier: z.string(),
      status: z.string(),
      assignee: z.string().nullable(),
      proposedActions: z.array(z.string()),
      resolution: z.string().nullable(),
      closedBy: z.string().nullable(),
      closeReason: z.string().nullable(),
      openedAt: z.string().nullable(),
      closedAt: z.string().nullable(),
    })
    .nullable(),
  audit: z.array(
    z.object({ step: z.string(), action: z.string(), actor: z.string(), reason: z.string(), details: z.record(z.string(), z.unknown()) }),
  ),
  evidence: z.array(z.object({ sha256: z.string(), kind: z.string(), mediaType: z.string(), sizeBytes: z.number() })),
  report: z.object({ id: z.string(), body: z.string() }).nullable(),
});

export const RecentAlert = z.object({
  workflowId: z.string(),
  title: z.string(),
  source: z.string(),
  severity: z.enum(SEVERITIES),
  score: z.number().nullable(),
  verdict: z.string().nullable(),
  disposition: z.string().nullable(),
  state: z.string().describe('triaging, awaiting analyst, or how it ended (auto_closed, closed_by_analyst, …)'),
  receivedAt: z.string().describe('ISO 8601'),
});

export type PendingAlert = z.infer<typeof PendingAlert>;
export type RecentAlert = z.infer<typeof RecentAlert>;
export type AlertDetail = z.infer<typeof AlertDetail>;

const DecideBodyDoc = z
  .object({
    action: z.enum(DECISION_ACTIONS),
    reason: z.string().max(4096).optional().describe('Required except for assign; the comment text for comment'),
    assignee: z.string().max(256).optional().describe('assign only'),
    falsePositive: z
      .boolean()
      .optional()
      .describe('close only: feeds tuning suggestions; on a contained alert inside its review window, undoes the containment'),
    actions: z
      .array(z.string().max(1100))
      .max(64)
      .optional()
      .describe(
        'approve only: the proposed (or added) actions approved, as kind:target (e.g. block_hash:<sha256>); absent: all proposed ones, or none when the approval adds actions. Each needs its own quorum',
      ),
    addActions: z
      .array(z.string().max(1100))
      .max(16)
      .optional()
      .describe(
        "approve only: actions to add to the proposal, as kind:target; the target must be one of the alert's entities (its hosts, hashes, domains, IPs, URLs, users, or recipient:<message-id>). Each has its kind's quorum and four eyes; its adder is its requester",
      ),
  })
  .describe('The actor and roles are taken from the token; an actor or roles in the body are ignored')
  .meta({ id: 'DecideRequest' });

// ---- routes ----

export interface AnalystRouteOptions {
  db: Pool;
  client?: Client;
  signer?: DecisionSigner;
  pager?: PagerDutyEvents;
}

export const READ_ROLES: readonly Role[] = ['analyst', 'engineer', 'admin'];
/** Every role a person or a sending system holds: a firewall's token only pulls blocklists. */
const CALLER_ROLES: readonly Role[] = ROLES.filter((r) => r !== 'firewall');
const security = [{ bearerAuth: [] }];
const errors = {
  401: ApiErrorBody.describe('Missing, unknown or revoked token'),
  403: ApiErrorBody.describe('The token lacks a role this route needs'),
};

/** The decision the body asks for, as the token's holder: actor and roles never come from the body. Undefined after replying. */
function decisionFromBody(request: FastifyRequest, reply: FastifyReply): Decision | undefined {
  const body = readJsonBody(request, reply);
  if (!body) return undefined;
  const principal = request.principal!;
  try {
    const decision = parseDecision({
      action: body.action,
      reason: body.reason,
      assignee: body.assignee,
      falsePositive: body.falsePositive,
      actions: body.actions,
      addActions: body.addActions,
      actor: principal.name,
      roles: principal.roles,
    });
    request.auditDetail = { decision: decision.action };
    return decision;
  } catch (err) {
    if (err instanceof DecisionRejected) {
      void fail(request, reply, 422, 'invalid_decision', err.message);
      return undefined;
    }
    throw err;
  }
}

const SignedDecisionSchema = z
  .looseObject({
    v: z.literal(1),
    workflowId: z.string(),
    decision: z.looseObject({ action: z.string(), actor: z.string() }),
    nonce: z.string(),
    issuedAt: z.number(),
    signatures: z.array(z.object({ keyId: z.string(), signature: z.string() })),
  })
  .describe("autosoc's signature over the decision, the caller's identity and roles, a nonce and the time (src/domain/signed-decision.ts)")
  .meta({ id: 'SignedDecision' });

export const analystRoutes: FastifyPluginAsync<AnalystRouteOptions> = async (api, { db, client, signer, pager }) => {
  const r = api.withTypeProvider<ZodTypeProvider>();
  auditWithTarget(api, db, workflowIdTarget);
  const noClient = (request: FastifyRequest, reply: FastifyReply) =>
    fail(
      request,
      reply,
      503,
      'no_workflow_client',
      'this API server has no Temporal client configured; alert status and decisions are unavailable',
    );

  const noSigner = (request: FastifyRequest, reply: FastifyReply) =>
    fail(request, reply, 503, 'no_decision_signer', 'this API server has no decision-signing key configured (AUTOSOC_DECISION_KEYS)');

  r.post(
    '/v1/alerts/:workflowId/signed-decision',
    {
      config: { auth: { roles: CALLER_ROLES }, audit: false },
      schema: {
        summary: 'Sign a decision for the Temporal CLI (`autosoc decision sign`)',
        tags: ['analyst'],
        security,
        description:
          "Returns the decision signed as the token's holder, with the token's roles, valid for 5 minutes and once: " +
          'pass it to `temporal workflow update execute --name decide --input`. Nothing is sent to the workflow.',
        params: WorkflowIdParams,
        body: DecideBodyDoc,
        response: {
          200: SignedDecisionSchema,
          400: ApiErrorBody,
          ...errors,
          422: ApiErrorBody.describe('The decision is malformed'),
          503: ApiErrorBody,
        },
      },
    },
    async (request, reply) => {
      if (!signer) return noSigner(request, reply);
      const decision = decisionFromBody(request, reply);
      if (!decision) return reply;
      return signer.sign(request.params.workflowId, decision);
    },
  );

  r.get(
    '/v1/alerts/pending',
    {
      config: { auth: { roles: READ_ROLES }, audit: false },
      schema: {
        summary: 'Alerts awaiting an analyst',
        tags: ['analyst'],
        security,
        description: 'Open cases, most severe first, then newest. Needs analyst, engineer or admin.',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
        response: { 200: z.object({ alerts: z.array(PendingAlert) }), ...errors },
      },
    },
    async (request) => {
      const rows = await listPendingCases(db, request.query.limit);
      request.auditDetail = { count: rows.length };
      return {
        alerts: rows.map((p) => ({
          workflowId: p.workflow_id,
          title: p.title,
          source: p.source,
          severity: p.severity as (typeof SEVERITIES)[number],
          score: p.score,
          verdict: p.verdict,
          tier: p.tier,
          assignee: p.assignee,
          openedAt: iso(p.opened_at)!,
        })),
      };
    },
  );

  r.get(
    '/v1/alerts/recent',
    {
      config: { auth: { roles: READ_ROLES }, audit: false },
      schema: {
        summary: 'The newest alerts and what became of them',
        tags: ['analyst'],
        security,
        description: 'Every alert, newest first, with its triage and state. Needs analyst, engineer or admin.',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(20) }),
        response: { 200: z.object({ alerts: z.array(RecentAlert) }), ...errors },
      },
    },
    async (request) => {
      const rows = await listRecentAlerts(db, request.query.limit);
      request.auditDetail = { count: rows.length };
      return {
        alerts: rows.map((a) => ({
          workflowId: a.workflow_id,
          title: a.title,
          source: a.source,
          severity: a.severity as (typeof SEVERITIES)[number],
          score: a.score,
          verdict: a.verdict,
          disposition: a.disposition,
          state: recentState(a),
          receivedAt: iso(a.received_at)!,
        })),
      };
    },
  );

  r.get(
    '/v1/alerts/:workflowId',
    {
      config: { auth: { roles: READ_ROLES }, audit: false },
      schema: {
        summary: "One alert: the workflow's live status, its case, audit trail, evidence and report",
        tags: ['analyst'],
        security,
        params: WorkflowIdParams,
        response: { 200: AlertDetail, ...errors, 404: ApiErrorBody.describe('No such alert'), 503: ApiErrorBody },
      },
    },
    async (request, reply) => {
      if (!client) return noClient(request, reply);
      const { workflowId } = request.params;
      const [desc, row] = await Promise.all([describeAlert(client, workflowId), getAlertWithCase(db, workflowId)]);
      if (!desc && !row) return fail(request, reply, 404, 'unknown_alert', `no alert ${workflowId}`);
      const [status, audit, evidence, report] = await Promise.all([
        desc ? liveStatus(client, desc) : null,
        listAudit(db, workflowId),
        listAlertEvidence(db, workflowId),
        getReport(db, workflowId),
      ]);
      return {
        workflowId,
        execution: desc?.status.name ?? null,
        status: status && statusJson(status),
        alert: row
          ? {
              source: row.source,
              sourceId: row.source_id,
              title: row.title,
              severity: row.severity,
              status: row.status,
              receivedAt: iso(row.received_at)!,
            }
          : null,
        case: row?.case_id
          ? {
              id: row.case_id,
              tier: row.tier!,
              status: row.case_status!,
              assignee: row.assignee,
              proposedActions: row.proposed_actions ?? [],
              resolution: row.resolution,
              closedBy: row.closed_by,
              closeReason: row.close_reason,
              openedAt: iso(row.opened_at),
              closedAt: iso(row.closed_at),
            }
          : null,
        audit: audit.map((a) => ({ step: a.step, action: a.action, actor: a.actor, reason: a.reason, details: a.details })),
        evidence,
        report: report ?? null,
      };
    },
  );

  r.post(
    '/v1/alerts/:workflowId/decide',
    {
      config: { auth: { roles: CALLER_ROLES }, audit: false },
      schema: {
        summary: 'Decide on an alert awaiting an analyst (the workflow checks roles, four eyes and quorum)',
        tags: ['analyst'],
        security,
        description: 'Sends the `decide` Update. Any token may call it; the workflow refuses actions its role may not take.',
        params: WorkflowIdParams,
        body: DecideBodyDoc,
        response: {
          200: z.object({ status: AlertStatusSchema }).describe('The decision was accepted and recorded; the status after it'),
          400: ApiErrorBody.describe('The body is not a JSON object'),
          ...errors,
          404: ApiErrorBody.describe('No such alert'),
          409: ApiErrorBody.describe('The alert is finished, not yet awaiting an analyst, or already decided'),
          422: ApiErrorBody.describe('The workflow refused the decision (role, four eyes, repeated approval) or it is malformed'),
          503: ApiErrorBody,
        },
      },
    },
    async (request, reply) => {
      if (!client) return noClient(request, reply);
      if (!signer) return noSigner(request, reply);
      const { workflowId } = request.params;
      const decision = decisionFromBody(request, reply);
      if (!decision) return reply;
      const unknownAction = decision.actions && (await notProposed(db, client, workflowId, decision.actions));
      if (unknownAction)
        return fail(request, reply, 422, 'decision_rejected', `actions: ${unknownAction} is not among the proposed actions`);
      const outcome = await applyDecision(client, signer, workflowId, decision, pager);
      return outcome.ok ? { status: statusJson(outcome.status) } : fail(request, reply, outcome.httpStatus, outcome.reason, outcome.error);
    },
  );
};
