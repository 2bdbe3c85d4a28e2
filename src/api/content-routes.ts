// Accepting proposed detection content (src/content/accept.ts): a YARA rule into autosoc's
// accepted-rules folder (engineers and admins: it changes what every analysis flags), an IOC
// set into the local IOC store (analysts too), from a confirmed alert or listed. Sharing a
// confirmed alert with MISP (intel only): starts shareIntelWorkflow. Audited with what was
// accepted or shared.
import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { acceptIocs, acceptYaraRule, incidentIocs, MAX_ACCEPTED_IOCS, RejectedContent } from '../content/accept';
import { confirmedIncidentFromStore, UnknownAlert } from '../content/from-store';
import { NotConfirmed } from '../content/incident';
import { SharingPolicy, tlpFor } from '../content/sharing';
import { startMispShare } from '../temporal/share-intel';
import type { Role } from '../domain/roles';
import { ApiErrorBody, fail, readJsonBody } from './analyst-routes';

const YARA_ROLES: readonly Role[] = ['engineer', 'admin'];
const IOC_ROLES: readonly Role[] = ['analyst', 'engineer', 'admin'];
/** Pushing to another organisation's MISP is the intel role's job alone. */
const SHARE_ROLES: readonly Role[] = ['intel'];

const YaraBody = z.object({ rule: z.string().min(1) });
const IocBody = z.union([
  z.object({ workflowId: z.string().min(1).max(512) }),
  z.object({
    iocs: z
      .array(z.object({ type: z.enum(['ip', 'domain', 'url', 'hash', 'email']), value: z.string().min(1).max(2048) }))
      .min(1)
      .max(MAX_ACCEPTED_IOCS),
  }),
]);

export interface ContentRouteOptions {
  db: Pool;
  acceptedYaraDir?: string;
  /** Starts MISP pushes on taskQueue; without them the share route answers 503. */
  client?: Client;
  taskQueue?: string;
  sharing?: SharingPolicy;
}

const ShareParams = z.object({ workflowId: z.string().min(1).max(512) });

export const contentRoutes: FastifyPluginAsync<ContentRouteOptions> = async (api, { db, acceptedYaraDir, client, taskQueue, sharing }) => {
  const r = api.withTypeProvider<ZodTypeProvider>();
  const security = [{ bearerAuth: [] }];

  r.post(
    '/v1/content/yara-rules',
    {
      config: { auth: { roles: YARA_ROLES } },
      schema: {
        summary: "Accept a YARA rule into autosoc's own rules",
        tags: ['content'],
        security,
        description:
          'The body is {"rule": "<YARA source>"}. It must compile alone with YARA-X, include no file and reuse no loaded rule name; ' +
          'it is written to the accepted-rules folder the worker loads, so the next analysis uses it. Needs engineer or admin.',
        body: YaraBody,
        response: {
          201: z.object({ file: z.string(), rules: z.array(z.string()), sha256: z.string() }),
          400: ApiErrorBody.describe('The rule does not compile, includes a file or defines no rule'),
          401: ApiErrorBody,
          403: ApiErrorBody.describe('Needs engineer or admin'),
          409: ApiErrorBody.describe('A rule name clashes with a loaded rule'),
          503: ApiErrorBody.describe('No accepted-rules folder is configured'),
        },
      },
    },
    async (request, reply) => {
      if (!acceptedYaraDir) return fail(request, reply, 503, 'not_configured', 'this API has no accepted-rules folder');
      const body = readJsonBody(request, reply);
      if (!body) return reply;
      const parsed = YaraBody.safeParse(body);
      if (!parsed.success) return fail(request, reply, 400, 'invalid_request', 'the body must be {"rule": "<YARA source>"}');
      try {
        const accepted = acceptYaraRule(acceptedYaraDir, parsed.data.rule);
        request.auditDetail = { rules: accepted.rules, sha256: accepted.sha256 };
        return reply.code(201).send(accepted);
      } catch (err) {
        if (!(err instanceof RejectedContent)) throw err;
        return fail(request, reply, err.reason === 'conflict' ? 409 : 400, `rule_${err.reason}`, err.message);
      }
    },
  );

  r.post(
    '/v1/content/iocs',
    {
      config: { auth: { roles: IOC_ROLES } },
      schema: {
        summary: 'Accept an IOC set into the local IOC store',
        tags: ['content'],
        security,
        description:
          'The body is {"workflowId": "<a confirmed alert>"} (its public indicators) or {"iocs": [{"type", "value"}]}. ' +
          "They are stored as malicious, attributed to the token's holder, and flag the next alert that carries them. Needs analyst, engineer or admin.",
        body: IocBody,
        response: {
          201: z.object({ added: z.number().int() }),
          400: ApiErrorBody.describe('Bad body, or the alert is not confirmed'),
          401: ApiErrorBody,
          403: ApiErrorBody,
          404: ApiErrorBody.describe('No such alert'),
        },
      },
    },
    async (request, reply) => {
      const body = readJsonBody(request, reply);
      if (!body) return reply;
      const parsed = IocBody.safeParse(body);
      if (!parsed.success)
        return fail(request, reply, 400, 'invalid_request', 'the body must be {"workflowId"} or {"iocs": [{"type", "value"}]}');
      const workflowId = 'workflowId' in parsed.data ? parsed.data.workflowId : undefined;
      let iocs;
      try {
        iocs = workflowId ? await incidentIocs(db, workflowId) : (parsed.data as { iocs: { type: 'ip'; value: string }[] }).iocs;
      } catch (err) {
        if (err instanceof UnknownAlert) return fail(request, reply, 404, 'unknown_alert', err.message);
        if (err instanceof NotConfirmed) return fail(request, reply, 400, 'not_confirmed', err.message);
        throw err;
      }
      const added = await acceptIocs(db, iocs, { actor: request.principal!.name, workflowId });
      request.auditDetail = { iocs: added, ...(workflowId ? { workflowId } : {}) };
      return reply.code(201).send({ added });
    },
  );

  r.post(
    '/v1/content/misp/:workflowId',
    {
      config: { auth: { roles: SHARE_ROLES } },
      schema: {
        summary: 'Push a confirmed alert to MISP',
        tags: ['content'],
        security,
        description:
          "Starts the MISP push of the alert's shareable intel (shareIntelWorkflow, workflow id share-misp:<workflowId>) and answers at once. " +
          'A push already running is joined, not repeated; a later push edits the same MISP event (found by its uuid), never adds a second. ' +
          'The worker needs AUTOSOC_MISP_URL and AUTOSOC_MISP_KEY. Needs the intel role.',
        params: ShareParams,
        response: {
          202: z.object({ workflowId: z.string().describe('The share workflow (see it in the Temporal UI)'), runId: z.string() }),
          400: ApiErrorBody.describe('The alert is not confirmed, or its TLP forbids sharing'),
          401: ApiErrorBody,
          403: ApiErrorBody.describe('Needs the intel role'),
          404: ApiErrorBody.describe('No such alert'),
          503: ApiErrorBody.describe('This API starts no workflows'),
        },
      },
    },
    async (request, reply) => {
      if (!client || !taskQueue) return fail(request, reply, 503, 'not_configured', 'this API has no Temporal client');
      const { workflowId } = request.params;
      let incident;
      try {
        incident = await confirmedIncidentFromStore(db, workflowId);
      } catch (err) {
        if (err instanceof UnknownAlert) return fail(request, reply, 404, 'unknown_alert', err.message);
        if (err instanceof NotConfirmed) return fail(request, reply, 400, 'not_confirmed', err.message);
        throw err;
      }
      // Refused here too (the activity refuses it again) so the caller hears why at once.
      if (
        tlpFor(
          sharing ?? SharingPolicy.parse({}),
          incident.alerts.map((a) => a.source),
          incident.tlp,
        ) === 'red'
      ) {
        return fail(request, reply, 400, 'not_shareable', `${workflowId} is TLP:RED: it is never pushed to another system`);
      }
      const started = await startMispShare(client, taskQueue, workflowId);
      request.auditDetail = { workflowId, share: started.workflowId };
      return reply.code(202).send(started);
    },
  );
};
