// Nonces of signed requests, remembered for the replay window: a second request with the same
// token and nonce is a replay. Expired ones are pruned as new ones arrive.
import type { Pool } from 'pg';

/** True the first time (token, nonce) is seen within its lifetime; false for a replay. */
export async function claimNonce(db: Pool, tokenName: string, nonce: string, lifetimeSeconds: number): Promise<boolean> {
  await db.query('DELETE FROM request_nonces WHERE expires_at < now()');
  const { rowCount } = await db.query(
    `INSERT INTO request_nonces (token_name, nonce, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
     ON CONFLICT (token_name, nonce) DO NOTHING`,
    [tokenName, nonce, lifetimeSeconds],
  );
  return rowCount === 1;
}
