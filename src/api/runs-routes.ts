// Failed and stuck runs (src/temporal/failed-runs.ts) for the CLI and the console: what failed
// or keeps retrying, the last error, and a link to the run in the Temporal Web UI.
import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listFailedRuns } from '../temporal/failed-runs';
import { ApiErrorBody, fail, READ_ROLES } from './analyst-routes';

const FailedRunBody = z.object({
  workflowId: z.string(),
  runId: z.string(),
  workflowType: z.string(),
  status: z.string(),
  error: z.string(),
  activity: z.string().optional(),
  attempt: z.number().optional(),
  closedAt: z.string().optional(),
  link: z.string().optional(),
});

export const runsRoutes: FastifyPluginAsync<{ client?: Client; workflowLink?: (workflowId: string) => string }> = async (
  api,
  { client, workflowLink },
) => {
  api.withTypeProvider<ZodTypeProvider>().get(
    '/v1/runs/failed',
    {
      config: { auth: { roles: READ_ROLES }, audit: false },
      schema: {
        summary: 'Workflows that failed or timed out, and running ones whose activities keep retrying',
        tags: ['runs'],
        security: [{ bearerAuth: [] }],
        querystring: z.object({
          retryingFromAttempt: z.coerce
            .number()
            .int()
            .min(2)
            .max(1000)
            .default(3)
            .describe('attempts from which a pending activity counts as retrying'),
        }),
        response: { 200: z.object({ runs: z.array(FailedRunBody) }), 401: ApiErrorBody, 403: ApiErrorBody, 503: ApiErrorBody },
      },
    },
    async (request, reply) => {
      if (!client) return fail(request, reply, 503, 'no_workflow_client', 'this API server has no Temporal client configured');
      return {
        runs: await listFailedRuns(client, {
          retryingFromAttempt: request.query.retryingFromAttempt,
          ...(workflowLink ? { link: workflowLink } : {}),
        }),
      };
    },
  );
};
