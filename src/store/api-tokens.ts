// API tokens: random secrets shown once at creation, stored only as their sha256.
import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';

import type { Role } from '../domain/roles';

export { ROLES, type Role } from '../domain/roles';

export interface ApiPrincipal { name: string; roles: Role[]; source: string | null; hmacSecret: string | null }

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export async function createApiToken(
  db: Pool, opts: { name: string; roles: Role[]; source?: string; hmacSecret?: string },
): Promise<string> {
  const token = `asoc_${randomBytes(32).toString('base64url')}`;
  await db.query(
    'INSERT INTO api_tokens (name, token_sha256, roles, source, hmac_secret) VALUES ($1, $2, $3, $4, $5)',
    [opts.name, sha256(token), opts.roles, opts.source ?? null, opts.hmacSecret ?? null],
  );
  return token;
}

/** The principal a bearer token stands for, or undefined for an unknown or revoked token. */
export async function findPrincipal(db: Pool, token: string): Promise<ApiPrincipal | undefined> {
  const { rows } = await db.query<{ name: string; roles: Role[]; source: string | null; hmac_secret: string | null }>(
    'SELECT name, roles, source, hmac_secret FROM api_tokens WHERE token_sha256 = $1 AND revoked_at IS NULL', [sha256(token)],
  );
  const r = rows[0];
  return r && { name: r.name, roles: r.roles, source: r.source, hmacSecret: r.hmac_secret };
}

export async function revokeApiToken(db: Pool, name: string): Promise<boolean> {
  return ((await db.query('UPDATE api_tokens SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL', [name])).rowCount ?? 0) > 0;
}
