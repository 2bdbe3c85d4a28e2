// The codec endpoint the Temporal Web UI (and `temporal --codec-endpoint`) calls to show
// decrypted payloads: POST {payloads:[{metadata,data}]} (protobuf JSON, bytes in base64) to
// /encode or /decode. Two ways in:
// - /codec/encode|decode with a bearer token of a role that may read alerts (CLI, scripts,
//   a UI deployment that passes the caller's token);
// - /codec/ui/<capability>/encode|decode for a Web UI that sends no token (the dev server's):
//   the capability is derived from the current payload key, and the request must come from the
//   UI's origin. Anyone who can open that UI can learn the URL from its settings, so it grants
//   what the UI already grants: protect the UI (README, Security).
// CORS preflight is answered for the UI's origin only.
import { createHmac } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../store/api-tokens';
import { ApiErrorBody, fail, readJsonBody } from './analyst-routes';
import { secretsEqual } from './auth';

export interface CodecRouteOptions {
  codec: PayloadCodec;
  /** The Temporal Web UI's origin (scheme://host:port): the only one CORS allows. */
  uiOrigin: string;
  /** Secret behind the UI's capability URL (the current payload key). */
  uiSecret: Buffer;
}

const READ_ROLES: readonly Role[] = ['analyst', 'engineer', 'admin'];
const MAX_PAYLOADS = 1_000;

/** The path segment that stands for "the Temporal Web UI" (see the header). */
export const codecUiCapability = (secret: Buffer) =>
  createHmac('sha256', secret).update('autosoc codec endpoint for the Temporal Web UI').digest('hex');

/** `--ui-codec-endpoint` for the dev server: where the UI finds this endpoint. */
export const codecUiEndpoint = (apiUrl: string, secret: Buffer) => `${apiUrl}/codec/ui/${codecUiCapability(secret)}`;

type JsonPayload = { metadata?: Record<string, string>; data?: string };
const b64 = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array(0)).toString('base64');

function payloadsFromJson(body: Record<string, unknown>): Payload[] | string {
  const list = body.payloads;
  if (!Array.isArray(list)) return 'body must be {"payloads": [...]}';
  if (list.length > MAX_PAYLOADS) return `at most ${MAX_PAYLOADS} payloads per call`;
  const out: Payload[] = [];
  for (const p of list as JsonPayload[]) {
    if (typeof p !== 'object' || p === null) return 'each payload is an object with metadata and data';
    const metadata: Record<string, Uint8Array> = {};
    for (const [k, v] of Object.entries(p.metadata ?? {})) {
      if (typeof v !== 'string') return `payload metadata ${k} must be base64`;
      metadata[k] = Buffer.from(v, 'base64');
    }
    if (p.data !== undefined && typeof p.data !== 'string') return 'payload data must be base64';
    out.push({ metadata, data: Buffer.from(p.data ?? '', 'base64') });
  }
  return out;
}

const payloadsToJson = (payloads: Payload[]) => ({
  payloads: payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v)])),
    data: b64(p.data),
  })),
});

export const codecRoutes: FastifyPluginAsync<CodecRouteOptions> = async (api, { codec, uiOrigin, uiSecret }) => {
  const capability = codecUiCapability(uiSecret);
  const allowOrigin = (request: FastifyRequest, reply: FastifyReply) => {
    if (request.headers.origin !== uiOrigin) return false;
    reply.header('access-control-allow-origin', uiOrigin).header('vary', 'origin').header('access-control-allow-credentials', 'true');
    return true;
  };

  const run = async (request: FastifyRequest, reply: FastifyReply, op: 'encode' | 'decode') => {
    allowOrigin(request, reply);
    const body = readJsonBody(request, reply);
    if (!body) return reply;
    const payloads = payloadsFromJson(body);
    if (typeof payloads === 'string') return fail(request, reply, 400, 'bad_body', payloads);
    try {
      return payloadsToJson(await (op === 'encode' ? codec.encode(payloads) : codec.decode(payloads)));
    } catch (err) {
      // Unknown key id or a tampered payload: the caller's data, not our fault.
      return fail(request, reply, 422, 'codec_failed', (err as Error).message);
    }
  };
  const uiCall = (op: 'encode' | 'decode') => async (request: FastifyRequest<{ Params: { capability: string } }>, reply: FastifyReply) => {
    if (!secretsEqual(request.params.capability, capability) || request.headers.origin !== uiOrigin) {
      return fail(
        request,
        reply,
        403,
        'codec_forbidden',
        'the codec endpoint answers the Temporal Web UI (its origin and URL) or a bearer token',
      );
    }
    return run(request, reply, op);
  };
  const schema = (summary: string) => ({
    summary,
    tags: ['codec'],
    response: { 400: ApiErrorBody, 401: ApiErrorBody, 403: ApiErrorBody, 422: ApiErrorBody },
  });

  for (const op of ['encode', 'decode'] as const) {
    api.post(
      `/codec/${op}`,
      {
        config: { auth: { roles: READ_ROLES } },
        schema: { ...schema(`Payload codec: ${op} (bearer token)`), security: [{ bearerAuth: [] }] },
      },
      (request, reply) => run(request, reply, op),
    );
    // The capability is a secret in the path: these calls are not written to the audit log.
    api.post<{ Params: { capability: string } }>(
      `/codec/ui/:capability/${op}`,
      { config: { audit: false }, schema: { ...schema(`Payload codec: ${op} (Temporal Web UI)`), hide: true } },
      uiCall(op),
    );
  }
  // CORS preflight: the UI's origin only.
  api.options('/codec/*', { config: { audit: false }, schema: { hide: true } }, async (request, reply) => {
    if (!allowOrigin(request, reply)) return reply.code(403).send();
    return reply
      .code(204)
      .header('access-control-allow-methods', 'POST')
      .header('access-control-allow-headers', 'content-type, x-namespace, authorization')
      .header('access-control-max-age', '600')
      .send();
  });
};
