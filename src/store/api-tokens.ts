// API tokens: random secrets shown once at creation, stored only as their sha256. A signed
// token's HMAC key is sealed with the configured key (secret-box.ts): the server must read it
// back to verify signatures, so it cannot be hashed.
import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';

import type { Role } from '../domain/roles';
import type { SecretBox } from './secret-box';

export { ROLES, type Role } from '../domain/roles';

export interface ApiPrincipal {
  name: string;
  roles: Role[];
  /** The one source this token speaks for; null when anySource or for a token without the ingest role. */
  source: string | null;
  /** Created with --any-source: may send and attach evidence for every source. */
  anySource: boolean;
  /** The HMAC key as stored (sealed); open it with the SecretBox. */
  hmacSecretSealed: string | null;
}

/** How a token is stored and looked up: its sha256, hex. */
export const tokenSha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export async function createApiToken(
  db: Pool,
  opts: { name: string; roles: Role[]; source?: string; anySource?: boolean; hmacSecret?: string; box?: SecretBox },
): Promise<string> {
  if (opts.source && opts.anySource) throw new Error('a token is bound to one source or to any source, not both');
  if (opts.hmacSecret && !opts.box) throw new Error('sealing an HMAC secret needs the secret box');
  const token = `asoc_${randomBytes(32).toString('base64url')}`;
  await db.query(
    'INSERT INTO api_tokens (name, token_sha256, roles, source, any_source, hmac_secret_sealed) VALUES ($1, $2, $3, $4, $5, $6)',
    [
      opts.name,
      tokenSha256(token),
      opts.roles,
      opts.source ?? null,
      opts.anySource ?? false,
      opts.hmacSecret ? opts.box!.seal(opts.hmacSecret, opts.name) : null,
    ],
  );
  return token;
}

/** The principal a bearer token stands for, or undefined for an unknown or revoked token. */
export async function findPrincipal(db: Pool, token: string): Promise<ApiPrincipal | undefined> {
  return findPrincipalByTokenHash(db, tokenSha256(token));
}

/** The principal of a stored token hash (a console session keeps only the hash). */
export async function findPrincipalByTokenHash(db: Pool, hash: string): Promise<ApiPrincipal | undefined> {
  const { rows } = await db.query<{
    name: string;
    roles: Role[];
    source: string | null;
    any_source: boolean;
    hmac_secret_sealed: string | null;
  }>('SELECT name, roles, source, any_source, hmac_secret_sealed FROM api_tokens WHERE token_sha256 = $1 AND revoked_at IS NULL', [hash]);
  const r = rows[0];
  return r && { name: r.name, roles: r.roles, source: r.source, anySource: r.any_source, hmacSecretSealed: r.hmac_secret_sealed };
}

/** Seals HMAC keys that earlier versions kept in clear, and clears them. Returns how many. */
export async function sealPlaintextHmacSecrets(db: Pool, box: SecretBox): Promise<number> {
  const { rows } = await db.query<{ name: string; hmac_secret: string }>(
    'SELECT name, hmac_secret FROM api_tokens WHERE hmac_secret IS NOT NULL',
  );
  for (const r of rows) {
    await db.query('UPDATE api_tokens SET hmac_secret_sealed = $2, hmac_secret = NULL WHERE name = $1 AND hmac_secret = $3', [
      r.name,
      box.seal(r.hmac_secret, r.name),
      r.hmac_secret,
    ]);
  }
  return rows.length;
}

/** Revoked names stay taken, so an audit trail's name always means one token. */
export async function apiTokenNameTaken(db: Pool, name: string): Promise<boolean> {
  return ((await db.query('SELECT 1 FROM api_tokens WHERE name = $1', [name])).rowCount ?? 0) > 0;
}

export async function revokeApiToken(db: Pool, name: string): Promise<boolean> {
  return ((await db.query('UPDATE api_tokens SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL', [name])).rowCount ?? 0) > 0;
}
