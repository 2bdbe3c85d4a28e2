// Who is calling and may they: bearer tokens (api_tokens, plus an optional bootstrap admin
// token from the configuration), a role per route, the source an ingest token speaks for, and
// signed requests (request-signature.ts) for principals that have a signing secret. Tokens,
// secrets and signatures are compared in constant time and never written to responses, logs
// or the audit log. The console's session cookie (console/sessions.ts) stands for the token it
// was exchanged for: the same roles, checked by the same hook, plus a CSRF token on every call
// that changes state.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { type ApiPrincipal, findPrincipal, findPrincipalByTokenHash, type Role, tokenSha256 } from '../store/api-tokens';
import { claimNonce } from '../store/request-nonces';
import type { SecretBox } from '../store/secret-box';
import { checkSignature, REPLAY_WINDOW_SECONDS } from './request-signature';

/**
 * What a route demands of its caller; routes without it (health, OpenAPI) are public. `basic`:
 * the token may also come as the password of HTTP Basic authentication (RFC 7617), the one
 * scheme every firewall's list fetcher speaks (the blocklist routes).
 */
export interface RouteAuth {
  roles: readonly Role[];
  basic?: boolean;
}

/** The principal the bootstrap admin token (AUTOSOC_ADMIN_TOKEN) stands for. */
export const BOOTSTRAP_ADMIN: ApiPrincipal = {
  name: 'bootstrap-admin',
  roles: ['admin'],
  source: null,
  anySource: true,
  hmacSecretSealed: null,
};

/**
 * Which alerts a caller may send or attach evidence to: those of its one source, of any source
 * (tokens made with --any-source; tokens without the ingest role, i.e. analysts and admins), or
 * none (an ingest token bound to nothing: refused rather than given every source).
 */
export type SourceScope = { kind: 'source'; source: string } | { kind: 'any' } | { kind: 'none' };

export function sourceScope(p: ApiPrincipal): SourceScope {
  if (p.source) return { kind: 'source', source: p.source };
  if (p.anySource || !p.roles.includes('ingest')) return { kind: 'any' };
  return { kind: 'none' };
}

export const UNBOUND_TOKEN_ERROR = 'this ingest token is bound to no source: re-create it with --source <source> (or --any-source)';

/** Tokens longer than this cannot be ours; they are refused without touching the database. */
const MAX_TOKEN_CHARS = 512;

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
    /** false: the route is not written to the audit log (liveness probes). */
    audit?: boolean;
    /** A console page: a caller without a session is sent to the sign-in page, not answered 401. */
    page?: boolean;
  }
  interface FastifyRequest {
    principal: ApiPrincipal | null;
    /** Why a call was refused, for the audit log: a fixed word, never caller input. */
    auditReason: string | null;
    /** What the audit log records about the call's result (counts, format). */
    auditDetail: Record<string, unknown> | null;
    /** Set when the caller came with a console session: the token its pages send back. */
    consoleCsrf: string | null;
  }
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** The principal a token stands for (the bootstrap admin token, else a stored token), if any. */
export async function principalOfToken(deps: { db: Pool; adminToken?: string }, token: string): Promise<ApiPrincipal | undefined> {
  if (deps.adminToken && secretsEqual(token, deps.adminToken)) return BOOTSTRAP_ADMIN;
  if (token.length > MAX_TOKEN_CHARS) return undefined;
  return findPrincipal(deps.db, token);
}

/** The same, from the token's stored hash: what a console session keeps. */
export async function principalOfTokenHash(deps: { db: Pool; adminToken?: string }, hash: string): Promise<ApiPrincipal | undefined> {
  if (deps.adminToken && secretsEqual(hash, tokenSha256(deps.adminToken))) return BOOTSTRAP_ADMIN;
  return findPrincipalByTokenHash(deps.db, hash);
}

/** Methods that change nothing: the only ones a session may call without its CSRF token. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'x-csrf-token';

/** Constant-time equality of two secrets of any length (their digests are compared). */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

export function csrfMatches(sent: string | string[] | undefined, expected: string): boolean {
  return typeof sent === 'string' && sent.length > 0 && secretsEqual(sent, expected);
}

function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return m?.[1];
}

/** The password of `Authorization: Basic base64(user:password)`; the user name is the firewall's label, not checked. */
function basicPassword(header: string | undefined): string | undefined {
  const m = /^Basic[ \t]+([A-Za-z0-9+/=]{1,1024})[ \t]*$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && colon < decoded.length - 1 ? decoded.slice(colon + 1) : undefined;
}

function refuse(request: FastifyRequest, reply: FastifyReply, status: 401 | 403, reason: string, error: string) {
  request.auditReason = reason;
  if (status === 401 && request.routeOptions.config.page) {
    return reply
      .code(303)
      .header('location', `/sign-in?next=${encodeURIComponent(request.url)}`)
      .send();
  }
  if (status === 401)
    reply.header(
      'www-authenticate',
      request.routeOptions.config.auth?.basic ? 'Basic realm="autosoc", charset="UTF-8"' : 'Bearer realm="autosoc"',
    );
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
/** What auth needs of the console's sessions (console/sessions.ts): the cookie's holder, if signed in. */
export interface SessionResolver {
  resolve(cookieHeader: string | undefined): Promise<{ principal: ApiPrincipal; csrf: string } | undefined>;
}

export function installAuth(
  app: FastifyInstance,
  deps: {
    db: Pool;
    adminToken?: string;
    secrets?: SecretBox;
    nowMs?: () => number;
    sessions?: SessionResolver;
  },
): void {
  const nowMs = deps.nowMs ?? Date.now;
  app.decorateRequest('principal', null);
  app.decorateRequest('auditReason', null);
  app.decorateRequest('auditDetail', null);
  app.decorateRequest('consoleCsrf', null);

  app.addHook('onRequest', async (request, reply) => {
    const auth = request.routeOptions.config.auth;
    if (!auth) return;
    // Firewalls pulling blocklists may send the token as an HTTP Basic password (what they support).
    const token = bearerToken(request.headers.authorization) ?? (auth.basic ? basicPassword(request.headers.authorization) : undefined);
    let principal: ApiPrincipal | undefined;
    if (token) {
      principal = await principalOfToken(deps, token);
      if (!principal) return refuse(request, reply, 401, 'unknown_token', 'unknown or revoked token');
    } else {
      const session = await deps.sessions?.resolve(request.headers.cookie);
      if (!session) return refuse(request, reply, 401, 'missing_token', 'authentication required: send Authorization: Bearer <token>');
      principal = session.principal;
      request.principal = principal; // audited as its holder, refused or not
      request.consoleCsrf = session.csrf;
      if (!SAFE_METHODS.has(request.method) && !csrfMatches(request.headers[CSRF_HEADER], session.csrf)) {
        return refuse(request, reply, 403, 'csrf', `this call changes state: send the session's CSRF token in ${CSRF_HEADER}`);
      }
    }
    request.principal = principal;
    if (!principal.roles.some((r) => auth.roles.includes(r))) {
      return refuse(
        request,
        reply,
        403,
        'forbidden',
        `this route needs one of the roles ${auth.roles.join(', ')}; the token has ${principal.roles.join(', ') || 'none'}`,
      );
    }
  });

  app.addHook('preHandler', async (request, reply) => {
    const principal = request.principal;
    if (!request.routeOptions.config.auth || !principal?.hmacSecretSealed) return;
    if (!deps.secrets) throw new Error('a signed token called, but the API was built without its SecretBox');
    const check = checkSignature(deps.secrets.open(principal.hmacSecretSealed, principal.name), {
      method: request.method,
      url: request.raw.url ?? request.url,
      headers: request.headers,
      body: rawBody(request),
      nowSeconds: Math.floor(nowMs() / 1000),
    });
    if (!check.ok) return refuse(request, reply, 401, check.reason, check.error);
    // Remembered past both edges of the window, so no timestamp still accepted can reuse it.
    if (!(await claimNonce(deps.db, principal.name, check.nonce, 2 * REPLAY_WINDOW_SECONDS))) {
      return refuse(request, reply, 401, 'replayed_nonce', 'X-Autosoc-Nonce was already used: a replayed request is refused');
    }
  });
}
