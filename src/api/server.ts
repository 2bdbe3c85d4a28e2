// The HTTP API: alerts in (POST /v1/alerts[/:format]), health, and the OpenAPI document
// generated from the same zod schemas the routes use. Bodies reach the ingest service as the
// exact bytes received (HMAC is computed over them; CEF and .eml are not JSON), so fastify's
// own parsers are replaced by one buffer parser bounded by maxBodyBytes. Bad input is always
// a 4xx with a JSON `{ error }` that names the problem; nothing a caller sends yields a 500.
import fastifySwagger from '@fastify/swagger';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { Alert } from '../domain/alert';
import type { TriagePolicy } from '../domain/policy';
import { ALERT_FORMATS, type AlertFormat } from '../ingest/formats/types';
import type { IngestService } from '../ingest/ingest-service';
import type { IngestItemResult, IngestStatus } from '../ingest/intake';
import { BodyError, ItemLimitError } from '../ingest/normalize';
import type { Role } from '../store/api-tokens';
import type { PayloadCodec } from '@temporalio/common';
import type { SecretBox } from '../store/secret-box';
import type { DecisionSigner } from '../security/decision-signer';
import { metricsContentType, metricsText, registerAwaitingAnalyst } from '../metrics/metrics';
import { consolePageRoutes, consolePollRoutes, consoleSessionRoutes, type ConsoleOptions } from '../console/routes';
import { ConsoleSessions, DEFAULT_IDLE_MINUTES } from '../console/sessions';
import { analystRoutes } from './analyst-routes';
import { blocklistRoutes } from './blocklist-routes';
import { auditCall } from './audit';
import { codecRoutes } from './codec-routes';
import { installAuth, rawBody, sourceScope, UNBOUND_TOKEN_ERROR } from './auth';
import { evidenceRoutes } from './evidence-routes';
import { reportRoutes } from './report-routes';
import { taxiiRoutes } from './taxii-routes';
import { contentRoutes } from './content-routes';
import { runsRoutes } from './runs-routes';
import { DEFAULT_INGEST_LIMITS, type IngestLimits, IngestRateLimitedError, IngestRateLimiter } from './ingest-limits';
import { NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './request-signature';
import { slackRoutes, type SlackRouteOptions } from './slack-routes';
import type { PagerDutyEvents } from '../connectors/tickets/pagerduty';
import { ticketRoutes, type TicketRouteOptions } from './ticket-routes';
import { tuningRoutes } from './tuning-routes';
import { activeTracing, inRequestSpan } from '../telemetry/tracing';

export interface ApiDeps {
  db: Pool;
  ingest: IngestService;
  maxBodyBytes: number;
  adminToken?: string;
  /** Opens the sealed HMAC keys of signed tokens; without it a signed token's call fails (500). */
  secrets?: SecretBox;
  logger?: boolean;
  /** Alert status and decisions (Query, Update); without it those routes answer 503. */
  client?: Client;
  /** Read for suppressionTtlDays (accepted tuning suggestions). */
  policy?: TriagePolicy;
  /** Signs decisions as the token's holder (decide, signed-decision); without it they answer 503. */
  signer?: DecisionSigner;
  /** The payload codec endpoint (/codec/...) for the Temporal Web UI and CLI. */
  codec?: { codec: PayloadCodec; uiOrigin: string; uiSecret: Buffer };
  /** Items per request and per second per source (DEFAULT_INGEST_LIMITS when unset). */
  ingestLimits?: IngestLimits;
  /** The analyst console at `/` (src/console): session idle timeout and the Temporal UI link. */
  console?: { idleMinutes?: number; temporalUiLink?: (workflowId: string) => string };
  /** Slack's interactivity endpoint (/v1/slack/interactions), when the Slack app is configured. */
  slack?: Pick<SlackRouteOptions, 'signingSecret' | 'api' | 'responseUrlPrefix' | 'nowMs'>;
  /** The policy's ticket system calling back (/v1/tickets/<system>/webhook). */
  tickets?: Pick<TicketRouteOptions, 'system' | 'service'>;
  /** Resolves the PagerDuty page of an alert once it is decided (any route). */
  pager?: PagerDutyEvents;
  /** The task queue workflows the API starts run on (MISP pushes); with `client`. */
  taskQueue?: string;
  /** Where accepted YARA rules go (the worker loads the folder); unset: accepting rules answers 503. */
  acceptedYaraDir?: string;
  /** A Web UI link for a workflow, in failed-run listings. */
  workflowLink?: (workflowId: string) => string;
}

const INGEST_ROLES: readonly Role[] = ['ingest', 'admin'];
const INGEST_STATUSES = ['accepted', 'duplicate', 'correlated', 'suppressed', 'rejected'] as const satisfies readonly IngestStatus[];

// ---- schemas (validation, serialization and the OpenAPI document) ----

export const ErrorResponse = z.object({
  error: z.string().describe('What went wrong, naming the field, limit or header at fault'),
  limitBytes: z.number().int().optional().describe('413 only: the body size limit'),
  limitItems: z.number().int().optional().describe('413 only: the most items one request may hold'),
  retryAfterSeconds: z.number().int().optional().describe("429 only: when these items fit the source's rate again"),
  allowed: z.array(z.string()).optional().describe('The values that would have been accepted'),
});

export const IngestItemResultSchema = z.object({
  index: z.number().int().nonnegative().describe('Position of the item in the body (array index, NDJSON/CEF line order)'),
  status: z.enum(INGEST_STATUSES),
  format: z.enum(ALERT_FORMATS).optional(),
  workflowId: z.string().optional().describe('The alert workflow (deterministic in source + sourceId)'),
  incidentId: z.string().optional(),
  storm: z.boolean().optional(),
  playbook: z.string().optional().describe('The playbook (Temporal workflow type) the policy routed the alert to'),
  playbookReason: z.string().optional().describe('Why that playbook: the route that matched, or the default'),
  error: z.string().optional().describe('rejected only: why, naming each bad field path'),
});

export const IngestResponse = z.object({
  results: z.array(IngestItemResultSchema),
  accepted: z.number().int(),
  duplicates: z.number().int(),
  correlated: z.number().int(),
  suppressed: z.number().int(),
  rejected: z.number().int(),
  error: z.string().optional().describe('400 only: every item was rejected (the first reason)'),
});
export type IngestResponse = z.infer<typeof IngestResponse>;

const FormatParams = z.object({
  format: z.enum(ALERT_FORMATS, { error: () => `unknown format: use one of ${ALERT_FORMATS.join(', ')}` }),
});

/** Documented only: the body is read as raw bytes and validated item by item by the ingest service. */
const AlertDoc = Alert.meta({ id: 'Alert', description: "autosoc's own alert format; ECS, Wazuh and OCSF documents are mapped onto it" });
const AlertBodyDoc = z.union([AlertDoc, z.array(AlertDoc)]);

const SignatureHeaders = z.looseObject({
  [SIGNATURE_HEADER]: z
    .string()
    .max(256)
    .optional()
    .describe(
      'v1=<hex HMAC-SHA256 of method, path, query, timestamp, nonce and body sha256>; required when the token has a signing secret (README: Send an alert)',
    ),
  [TIMESTAMP_HEADER]: z.string().max(32).optional().describe('Signing time, unix seconds; within 5 minutes of the server clock'),
  [NONCE_HEADER]: z.string().max(256).optional().describe('16-128 of [A-Za-z0-9_-], never reused'),
});

const RAW_BODY_MEDIA = {
  'application/x-ndjson': 'One JSON document per line; each line succeeds or fails on its own',
  'text/plain': 'CEF (one event per line) or NDJSON',
  'message/rfc822': 'One reported email (.eml)',
} as const;

const ingestResponses = {
  202: IngestResponse.describe('At least one item was accepted, a duplicate, correlated or suppressed'),
  400: z.union([IngestResponse, ErrorResponse]).describe('Every item was rejected, or the body is unreadable, or the format is unknown'),
  401: ErrorResponse.describe('Missing, unknown or revoked token; missing or wrong signature'),
  403: ErrorResponse.describe('The token lacks the ingest role, or is an ingest token bound to no source'),
  413: ErrorResponse.describe('The body is larger than the limit, or holds more items than one request may'),
  429: ErrorResponse.describe('The source has sent more alerts per second than it may (Retry-After says when to retry)'),
  415: ErrorResponse,
  500: ErrorResponse,
};

// ---- helpers ----

export function summarize(results: IngestItemResult[]): Omit<IngestResponse, 'results' | 'error'> {
  const count = (s: IngestStatus) => results.filter((r) => r.status === s).length;
  return {
    accepted: count('accepted'),
    duplicates: count('duplicate'),
    correlated: count('correlated'),
    suppressed: count('suppressed'),
    rejected: count('rejected'),
  };
}

function rejectedMessage(results: IngestItemResult[]): string {
  if (results.length === 0) return 'the body holds no alerts';
  const first = results[0];
  if (results.length === 1) return first.error ?? 'the alert was rejected';
  return `all ${results.length} items were rejected; item ${first.index}: ${first.error ?? 'rejected'}`;
}

/** Fixed words for the audit log (never the caller's input). */
const ERROR_REASONS: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'bad_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_content_length',
};

function sendError(request: FastifyRequest, reply: FastifyReply, status: number, reason: string, body: z.infer<typeof ErrorResponse>) {
  request.auditReason ??= reason;
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

// ---- the server ----

export function buildApiServer(deps: ApiDeps): FastifyInstance {
  const limiter = new IngestRateLimiter(deps.ingestLimits ?? DEFAULT_INGEST_LIMITS);
  const app = Fastify({ logger: deps.logger ?? false, bodyLimit: deps.maxBodyBytes });
  activeTracing()?.requests.install(app);

  // Every body, whatever its content type (or none), arrives as the bytes that were sent.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: deps.maxBodyBytes }, (_req, body, done) => done(null, body));

  // Route schemas describe the body for the OpenAPI document; the bytes are validated per item
  // by the ingest service, so the compiled body validator passes them through untouched.
  app.setValidatorCompiler((route) =>
    route.httpPart === 'body' ? (data: unknown) => ({ value: data }) : validatorCompiler(route as Parameters<typeof validatorCompiler>[0]),
  );
  app.setSerializerCompiler(serializerCompiler);

  void app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'autosoc API',
        version: 'v1',
        description:
          'Alerts in: one JSON alert, a JSON array, NDJSON, CEF lines or one .eml per request. Each item is accepted, a duplicate, correlated, suppressed or rejected on its own.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' }, basicAuth: { type: 'http', scheme: 'basic' } } },
    },
    transform: (doc) => {
      const out = jsonSchemaTransform(doc);
      // Raw-bytes routes: the JSON shape for application/json, plain text for the other media types.
      const body = (out.schema as { body?: unknown }).body;
      if (doc.route.config?.rawBody && body) {
        (out.schema as { body?: unknown }).body = {
          content: {
            'application/json': { schema: body },
            ...Object.fromEntries(
              Object.entries(RAW_BODY_MEDIA).map(([type, description]) => [type, { schema: { type: 'string', description } }]),
            ),
          },
        };
      }
      return out;
    },
    transformObject: jsonSchemaTransformObject,
  });

  registerAwaitingAnalyst(deps.db);
  const sessions = new ConsoleSessions({
    db: deps.db,
    adminToken: deps.adminToken,
    idleMs: (deps.console?.idleMinutes ?? DEFAULT_IDLE_MINUTES) * 60_000,
  });
  installAuth(app, { db: deps.db, adminToken: deps.adminToken, secrets: deps.secrets, sessions });

  // Unknown routes are refused before their body is read.
  app.addHook('onRequest', async (request, reply) => {
    if (request.is404)
      return sendError(request, reply, 404, 'no_route', { error: `no route for ${request.method} ${request.url.split('?')[0]}` });
  });

  // Every authenticated call is audited before its response leaves (api/audit.ts).
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.routeOptions.config?.audit !== false) await auditCall(deps.db, request, reply);
    return payload;
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const format = err.validation.find((v) => err.validationContext === 'params' && v.instancePath === '/format');
      if (format)
        return sendError(request, reply, 400, 'unknown_format', {
          error: format.message ?? `unknown format: use one of ${ALERT_FORMATS.join(', ')}`,
          allowed: [...ALERT_FORMATS],
        });
      const problems = err.validation.map(
        (v) => `${err.validationContext ?? 'request'}${v.instancePath === '/' ? '' : v.instancePath}: ${v.message}`,
      );
      return sendError(request, reply, 400, 'invalid_request', { error: problems.join('; ') });
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendError(request, reply, 413, 'body_too_large', {
        error: `request body is larger than the limit of ${deps.maxBodyBytes} bytes`,
        limitBytes: deps.maxBodyBytes,
      });
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // fastify's own client errors (bad content type or length, aborted body): fixed messages.
      return sendError(request, reply, status, ERROR_REASONS[err.code] ?? 'client_error', { error: err.message });
    }
    request.log.error({ err }, 'request failed');
    return sendError(request, reply, 500, 'internal_error', { error: 'internal error' });
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, 404, 'no_route', { error: `no route for ${request.method} ${request.url.split('?')[0]}` }),
  );

  void app.register(async (api) => {
    const r = api.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/healthz',
      {
        config: { audit: false },
        schema: { summary: 'Liveness', tags: ['health'], response: { 200: z.object({ ok: z.literal(true) }) } },
      },
      async () => ({ ok: true as const }),
    );

    // Prometheus scrapes without a token, as it does /healthz: aggregate counts only, no alert
    // content (docs: README "Metrics"; keep the API on loopback or filter /metrics at the proxy).
    r.get(
      '/metrics',
      {
        config: { audit: false },
        schema: { summary: 'Prometheus metrics (text exposition format)', tags: ['health'], produces: ['text/plain'] },
      },
      async (_request, reply) => reply.type(metricsContentType).send(await metricsText()),
    );

    r.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

    const ingest = async (request: FastifyRequest, reply: FastifyReply, format: AlertFormat | undefined) => {
      let results: IngestItemResult[];
      const scope = sourceScope(request.principal!);
      if (scope.kind === 'none') return sendError(request, reply, 403, 'unbound_token', { error: UNBOUND_TOKEN_ERROR });
      try {
        const principal = request.principal!; // the route's auth hook refused anyone else
        // In the request's span (when tracing): the workflows this starts join its trace.
        results = await inRequestSpan(request, () =>
          deps.ingest.ingest({
            body: rawBody(request),
            format,
            requiredSource: scope.kind === 'source' ? scope.source : null,
            maxItems: limiter.limits.maxItemsPerRequest,
            admit: (items) => limiter.admit(IngestRateLimiter.keyOf(principal), items),
          }),
        );
      } catch (err) {
        if (err instanceof ItemLimitError)
          return sendError(request, reply, 413, 'too_many_items', { error: err.message, limitItems: err.limit });
        if (err instanceof IngestRateLimitedError) {
          const retryAfterSeconds = Math.ceil(err.retryAfterMs / 1000);
          reply.header('retry-after', String(retryAfterSeconds));
          return sendError(request, reply, 429, 'rate_limited', { error: err.message, retryAfterSeconds });
        }
        if (err instanceof BodyError) return sendError(request, reply, 400, 'bad_body', { error: err.message });
        throw err;
      }
      const counts = summarize(results);
      request.auditDetail = { format: format ?? 'detect', items: results.length, ...counts };
      const allRejected = counts.rejected === results.length;
      if (allRejected) request.auditReason = 'all_rejected';
      const response: IngestResponse = allRejected ? { results, ...counts, error: rejectedMessage(results) } : { results, ...counts };
      return reply
        .code(allRejected ? 400 : 202)
        .type('application/json; charset=utf-8')
        .send(response);
    };

    const common = {
      tags: ['alerts'],
      security: [{ bearerAuth: [] }],
      headers: SignatureHeaders,
      body: AlertBodyDoc,
      response: ingestResponses,
    };
    const description =
      'Body: one alert (JSON), a JSON array, NDJSON, CEF lines or one .eml. Needs a token with the ingest or admin role; ' +
      'a token bound to a source only sends alerts from it; a token with a signing secret needs X-Autosoc-Signature.';

    r.post(
      '/v1/alerts',
      {
        config: { auth: { roles: INGEST_ROLES }, rawBody: true },
        schema: { ...common, summary: 'Ingest alerts (format detected)', description },
      },
      (request, reply) => ingest(request, reply, undefined),
    );

    r.post(
      '/v1/alerts/:format',
      {
        config: { auth: { roles: INGEST_ROLES }, rawBody: true },
        schema: { ...common, params: FormatParams, summary: 'Ingest alerts of a named format', description },
      },
      (request, reply) => ingest(request, reply, request.params.format),
    );
  });

  void app.register(analystRoutes, { db: deps.db, client: deps.client, signer: deps.signer, pager: deps.pager });
  if (deps.codec) void app.register(codecRoutes, deps.codec);
  void app.register(tuningRoutes, { db: deps.db, suppressionTtlDays: deps.policy?.suppressionTtlDays });
  void app.register(evidenceRoutes, { db: deps.db, maxBodyBytes: deps.maxBodyBytes });
  const consoleOptions: ConsoleOptions = {
    db: deps.db,
    sessions,
    client: deps.client,
    policy: deps.policy,
    temporalUiLink: deps.console?.temporalUiLink,
  };
  void app.register(consoleSessionRoutes, consoleOptions);
  void app.register(consolePageRoutes, consoleOptions);
  void app.register(consolePollRoutes, consoleOptions);
  if (deps.tickets)
    void app.register(ticketRoutes, { db: deps.db, client: deps.client, signer: deps.signer, pager: deps.pager, ...deps.tickets });
  if (deps.slack)
    void app.register(slackRoutes, { db: deps.db, client: deps.client, signer: deps.signer, pager: deps.pager, ...deps.slack });
  void app.register(taxiiRoutes, { db: deps.db, sharing: deps.policy?.sharing });
  void app.register(contentRoutes, {
    db: deps.db,
    acceptedYaraDir: deps.acceptedYaraDir,
    client: deps.client,
    taskQueue: deps.taskQueue,
    sharing: deps.policy?.sharing,
  });
  void app.register(reportRoutes, { db: deps.db, client: deps.client, workflowLink: deps.workflowLink });
  void app.register(runsRoutes, { client: deps.client, workflowLink: deps.workflowLink });
  void app.register(blocklistRoutes, { db: deps.db });

  return app;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route reads its body as raw bytes (documented per media type in OpenAPI). */
    rawBody?: boolean;
  }
}
