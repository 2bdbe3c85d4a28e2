// Tuning: the candidate suppressions that closed-as-benign alerts suggested, and an engineer's
// acceptance of one, which makes it an active suppression that expires.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import type { Role } from '../store/api-tokens';
import { acceptSuggestion, listSuggestions, suppressionStatus, type SuppressionRow } from '../store/suppressions';
import { ApiErrorBody, auditWithTarget, fail, readJsonBody } from './analyst-routes';

/** How long an accepted suppression lives when neither the caller nor the policy says. */
export const DEFAULT_SUPPRESSION_TTL_DAYS = 30;

export const TUNING_ROLES: readonly Role[] = ['engineer', 'admin'];
const security = [{ bearerAuth: [] }];
const errors = {
  401: ApiErrorBody.describe('Missing, unknown or revoked token'),
  403: ApiErrorBody.describe('The token lacks the engineer or admin role'),
};

const Match = z
  .object({
    source: z.string().optional(),
    ruleId: z.string().optional(),
    host: z.string().optional(),
    user: z.string().optional(),
    hash: z.string().optional(),
  })
  .describe("Every field present must equal the alert's");

export const Suppression = z.object({
  id: z.string(),
  status: z.string(),
  match: Match,
  reason: z.string(),
  createdBy: z.string(),
  hits: z.number().int(),
  expiresAt: z.string().nullable().describe('ISO 8601; null for a candidate'),
});

export type Suppression = z.infer<typeof Suppression>;

const toApi = (s: SuppressionRow) => ({
  id: s.id,
  status: s.status,
  match: s.match,
  reason: s.reason,
  createdBy: s.created_by,
  hits: s.hits,
  expiresAt: s.expires_at ? new Date(s.expires_at).toISOString() : null,
});

const AcceptBody = z.object({ ttlDays: z.number().int().min(1).max(365).optional() });
const AcceptBodyDoc = AcceptBody.describe("ttlDays defaults to the policy's suppressionTtlDays, else 30").meta({
  id: 'AcceptSuggestionRequest',
});

export interface TuningRouteOptions {
  db: Pool;
  /** The policy's suppressionTtlDays, when it sets one. */
  suppressionTtlDays?: number;
}

export const tuningRoutes: FastifyPluginAsync<TuningRouteOptions> = async (api, { db, suppressionTtlDays }) => {
  const r = api.withTypeProvider<ZodTypeProvider>();
  auditWithTarget(api, db, (request) => {
    const id = (request.params as { id?: string } | undefined)?.id;
    return id ? `suppression:${id}` : undefined;
  });

  r.get(
    '/v1/tuning/suggestions',
    {
      config: { auth: { roles: TUNING_ROLES }, audit: false },
      schema: {
        summary: 'Candidate suppressions suggested by alerts closed as benign, most hits first',
        tags: ['tuning'],
        security,
        response: { 200: z.object({ suggestions: z.array(Suppression) }), ...errors },
      },
    },
    async (request) => {
      const suggestions = (await listSuggestions(db)).map(toApi);
      request.auditDetail = { count: suggestions.length };
      return { suggestions };
    },
  );

  r.post(
    '/v1/tuning/suggestions/:id/accept',
    {
      config: { auth: { roles: TUNING_ROLES }, audit: false },
      schema: {
        summary: 'Accept a suggestion: it becomes an active suppression that expires',
        tags: ['tuning'],
        security,
        params: z.object({ id: z.string().regex(/^[1-9][0-9]{0,17}$/, 'id is a suggestion number') }),
        body: AcceptBodyDoc,
        response: {
          200: z.object({ suppression: Suppression }),
          400: ApiErrorBody.describe('Bad id or body'),
          ...errors,
          404: ApiErrorBody.describe('No such suggestion'),
          409: ApiErrorBody.describe('The suppression is no longer a candidate'),
        },
      },
    },
    async (request, reply) => {
      const json = readJsonBody(request, reply);
      if (!json) return reply;
      const body = AcceptBody.safeParse(json);
      if (!body.success) {
        const issue = body.error.issues[0];
        return fail(request, reply, 400, 'invalid_request', `body${issue.path.length ? `/${issue.path.join('/')}` : ''}: ${issue.message}`);
      }
      const { id } = request.params;
      const ttlDays = body.data.ttlDays ?? suppressionTtlDays ?? DEFAULT_SUPPRESSION_TTL_DAYS;
      const accepted = await acceptSuggestion(db, id, request.principal!.name, ttlDays);
      if (!accepted) {
        const status = await suppressionStatus(db, id);
        return status
          ? fail(request, reply, 409, 'not_a_candidate', `suppression ${id} is ${status}, not a candidate`)
          : fail(request, reply, 404, 'unknown_suggestion', `no suggestion ${id}`);
      }
      request.auditDetail = { ttlDays };
      return { suppression: toApi(accepted) };
    },
  );
};
