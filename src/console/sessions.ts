// Console sign-in: an API token exchanged for a session. The cookie holds a random id; the
// database keeps its hash, the token's hash and a CSRF token. Every request re-reads the
// token's principal, so revoking the token (or removing a role) applies at once.
import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { principalOfToken, principalOfTokenHash } from '../api/auth';
import { type ApiPrincipal, tokenSha256 } from '../store/api-tokens';
import { deleteSession, insertSession, touchSession } from '../store/console-sessions';
import { readCookie } from './cookies';

export const SESSION_COOKIE = 'autosoc_session';
export const DEFAULT_IDLE_MINUTES = 30;
/** However busy, a session ends after this long: the token is asked for again. */
export const SESSION_MAX_AGE_MS = 12 * 3600_000;

export interface ConsoleSession {
  principal: ApiPrincipal;
  csrf: string;
}

const randomId = () => randomBytes(32).toString('base64url');
/** Cookie ids we issue are 43 base64url characters; anything else is not looked up. */
const COOKIE_ID = /^[A-Za-z0-9_-]{43}$/;

export class SignInRefused extends Error {}

export class ConsoleSessions {
  constructor(private readonly deps: { db: Pool; adminToken?: string; idleMs: number }) {}

  get idleMs(): number {
    return this.deps.idleMs;
  }

  /** A new session for the token's holder: the cookie's value and the session's CSRF token. */
  async signIn(token: string): Promise<{ cookieId: string; principal: ApiPrincipal }> {
    const principal = await principalOfToken(this.deps, token.trim());
    if (!principal) throw new SignInRefused('unknown or revoked token');
    // A signed token proves each request with its secret; a cookie would bypass that.
    if (principal.hmacSecretSealed)
      throw new SignInRefused('this token signs its requests (HMAC) and cannot open a console session; use an analyst token');
    const cookieId = randomId();
    await insertSession(
      this.deps.db,
      { idSha256: tokenSha256(cookieId), tokenSha256: tokenSha256(token.trim()), csrf: randomId() },
      this.deps.idleMs,
      SESSION_MAX_AGE_MS,
    );
    return { cookieId, principal };
  }

  /** The session a Cookie header names, if it is live and its token still valid. */
  async resolve(cookieHeader: string | undefined): Promise<ConsoleSession | undefined> {
    const id = readCookie(cookieHeader, SESSION_COOKIE);
    if (!id || !COOKIE_ID.test(id)) return undefined;
    const row = await touchSession(this.deps.db, tokenSha256(id), this.deps.idleMs, SESSION_MAX_AGE_MS);
    if (!row) return undefined;
    const principal = await principalOfTokenHash(this.deps, row.token_sha256);
    return principal && { principal, csrf: row.csrf };
  }

  async signOut(cookieHeader: string | undefined): Promise<void> {
    const id = readCookie(cookieHeader, SESSION_COOKIE);
    if (id && COOKIE_ID.test(id)) await deleteSession(this.deps.db, tokenSha256(id));
  }
}
