// Who is calling and may they: bearer tokens (api_tokens, plus an optional bootstrap admin
// token from the configuration), a role per route, and an HMAC-SHA256 signature over the
// exact body for principals that have a signing secret. Tokens, secrets and signatures are
// compared in constant time and never written to responses, logs or the audit log.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { type ApiPrincipal, findPrincipal, type Role } from '../store/api-tokens';

/** What a route demands of its caller; routes without it (health, OpenAPI) are public. */
export interface RouteAuth { roles: readonly Role[] }

export const SIGNATURE_HEADER = 'x-autosoc-signature';

/** The principal the bootstrap admin token (AUTOSOC_ADMIN_TOKEN) stands for. */
export const BOOTSTRAP_ADMIN: ApiPrincipal = { name: 'bootstrap-admin', roles: ['admin'], source: null, hmacSecret: null };

/** Tokens longer than this cannot be ours; they are refused without touching the database. */
const MAX_TOKEN_CHARS = 512;

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
    /** false: the route is not written to the audit log (liveness probes). */
    audit?: boolean;
  }
  interface FastifyRequest {
    principal: ApiPrincipal | null;
    /** Why a call was refused, for the audit log: a fixed word, never caller input. */
    auditReason: string | null;
    /** What the audit log records about the call's result (counts, format). */
    auditDetail: Record<string, unknown> | null;
  }
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time equality of two secrets of any length (their digests are compared). */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

/** `sha256=<hex>` as the X-Autosoc-Signature header carries it. */
export function signBody(secret: string, body: Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** True when the header holds the HMAC-SHA256 of body under secret (constant time). */
export function verifySignature(secret: string, body: Uint8Array, header: string): boolean {
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!m) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(m[1], 'hex'));
}

function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return m?.[1];
}

function refuse(request: FastifyRequest, reply: FastifyReply, status: 401 | 403, reason: string, error: string) {
  request.auditReason = reason;
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="autosoc"');
  return reply.code(status).send({ error });
}

/** The raw body as fastify's buffer parser left it (undefined when the request had none). */
export function rawBody(request: FastifyRequest): Uint8Array {
  const body: unknown = request.body;
  return ArrayBuffer.isView(body) ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength) : new Uint8Array(0);
}

/**
 * Installs authentication (onRequest: before the body is read, so strangers cannot make us
 * buffer megabytes) and signature checks (preHandler: after the body is read, over its bytes).
 */
export function installAuth(app: FastifyInstance, deps: { db: Pool; adminToken?: string }): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('auditReason', null);
  app.decorateRequest('auditDetail', null);

  app.addHook('onRequest', async (request, reply) => {
    const auth = request.routeOptions.config.auth;
    if (!auth) return;
    const token = bearerToken(request.headers.authorization);
    if (!token) return refuse(request, reply, 401, 'missing_token', 'authentication required: send Authorization: Bearer <token>');
    let principal: ApiPrincipal | undefined;
    if (deps.adminToken && secretsEqual(token, deps.adminToken)) principal = BOOTSTRAP_ADMIN;
    else if (token.length <= MAX_TOKEN_CHARS) principal = await findPrincipal(deps.db, token);
    if (!principal) return refuse(request, reply, 401, 'unknown_token', 'unknown or revoked token');
    request.principal = principal;
    if (!principal.roles.some((r) => auth.roles.includes(r))) {
      return refuse(request, reply, 403, 'forbidden', `this route needs one of the roles ${auth.roles.join(', ')}; the token has ${principal.roles.join(', ') || 'none'}`);
    }
  });

  app.addHook('preHandler', async (request, reply) => {
    const secret = request.principal?.hmacSecret;
    if (!request.routeOptions.config.auth || !secret) return;
    const header = request.headers[SIGNATURE_HEADER];
    if (typeof header !== 'string' || header === '') {
      return refuse(request, reply, 401, 'missing_signature', 'this token requires a signed body: send X-Autosoc-Signature: sha256=<hex HMAC-SHA256 of the body>');
    }
    if (!verifySignature(secret, rawBody(request), header)) {
      return refuse(request, reply, 401, 'bad_signature', 'X-Autosoc-Signature does not match the body');
    }
  });
}
