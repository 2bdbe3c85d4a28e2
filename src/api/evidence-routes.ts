// Evidence upload: raw bytes attached to an alert, stored once under their sha256 (the body
// limit is the server's maxBodyBytes, enforced by its buffer parser before this runs).
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { getAlertSource } from '../store/alerts';
import type { Role } from '../store/api-tokens';
import { isEvidenceLinked, linkEvidence, storeEvidence } from '../store/evidence';
import { ApiErrorBody, auditWithTarget, fail, WorkflowIdParams, workflowIdTarget } from './analyst-routes';
import { rawBody, sourceScope, UNBOUND_TOKEN_ERROR } from './auth';

export const EVIDENCE_KINDS = ['file', 'sample'] as const;
const EVIDENCE_ROLES: readonly Role[] = ['analyst', 'admin', 'ingest'];
const DEFAULT_MEDIA_TYPE = 'application/octet-stream';

/** The media type of a Content-Type header (parameters dropped), or octet-stream when absent or odd. */
export function mediaTypeOf(header: string | undefined): string {
  const type = (header ?? '').split(';')[0].trim().toLowerCase();
  return /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/.test(type) ? type : DEFAULT_MEDIA_TYPE;
}

const EvidenceRefSchema = z.object({
  sha256: z.string(),
  kind: z.enum(EVIDENCE_KINDS),
  mediaType: z.string(),
  sizeBytes: z.number().int(),
  name: z.string().optional(),
});

export interface EvidenceRouteOptions {
  db: Pool;
  maxBodyBytes: number;
}

export const evidenceRoutes: FastifyPluginAsync<EvidenceRouteOptions> = async (api, { db, maxBodyBytes }) => {
  const r = api.withTypeProvider<ZodTypeProvider>();
  auditWithTarget(api, db, workflowIdTarget);

  r.post(
    '/v1/alerts/:workflowId/evidence',
    {
      config: { auth: { roles: EVIDENCE_ROLES }, audit: false },
      schema: {
        summary: 'Attach evidence (raw bytes) to an alert',
        tags: ['evidence'],
        security: [{ bearerAuth: [] }],
        description:
          `The body is the file itself (any media type, at most ${maxBodyBytes} bytes); it is stored content-addressed ` +
          "and linked to the alert. Needs analyst, admin or ingest; a source-bound token only attaches to its source's alerts.",
        consumes: ['application/octet-stream'],
        params: WorkflowIdParams,
        // Documented only: the server's buffer parser hands the route the exact bytes (any media type).
        body: z.string().meta({ format: 'binary', description: 'The evidence bytes' }),
        querystring: z.object({
          name: z.string().min(1).max(255).optional().describe('The file name, as the analyst knows it'),
          kind: z.enum(EVIDENCE_KINDS).default('file').describe('sample: a specimen to analyse; file: anything else'),
        }),
        response: {
          200: z.object({ evidence: EvidenceRefSchema }).describe('These bytes were already attached to the alert'),
          201: z.object({ evidence: EvidenceRefSchema }).describe('Stored and attached'),
          400: ApiErrorBody.describe('Empty body or bad query'),
          401: ApiErrorBody,
          403: ApiErrorBody.describe('The token lacks the role, or speaks for another source'),
          404: ApiErrorBody.describe('No such alert'),
          413: ApiErrorBody.extend({ limitBytes: z.number().int() }).describe('The body is larger than the limit'),
        },
      },
    },
    async (request, reply) => {
      const { workflowId } = request.params;
      const { name, kind } = request.query;
      const content = rawBody(request);
      if (content.length === 0) return fail(request, reply, 400, 'empty_body', 'the body is empty: send the evidence bytes');
      const alertSource = await getAlertSource(db, workflowId);
      if (alertSource === undefined) return fail(request, reply, 404, 'unknown_alert', `no alert ${workflowId}`);
      const scope = sourceScope(request.principal!);
      if (scope.kind === 'none') return fail(request, reply, 403, 'unbound_token', UNBOUND_TOKEN_ERROR);
      if (scope.kind === 'source' && alertSource !== scope.source) {
        return fail(request, reply, 403, 'foreign_source', `this token speaks for "${scope.source}"; the alert is from another source`);
      }
      const ref = await storeEvidence(db, { kind, mediaType: mediaTypeOf(request.headers['content-type']), name, content });
      const linked = await isEvidenceLinked(db, workflowId, ref.sha256);
      await linkEvidence(db, workflowId, ref);
      request.auditDetail = { sha256: ref.sha256, sizeBytes: ref.sizeBytes, kind };
      return reply.code(linked ? 200 : 201).send({ evidence: { ...ref, kind } });
    },
  );
};
