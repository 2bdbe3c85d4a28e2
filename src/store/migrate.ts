// Applies the plain SQL files in ./migrations in name order, once each, under an advisory
// lock so concurrent starters (worker, tests) never race. Run by the schema owner; with an
// application role named, its grants are renewed afterwards (src/store/privileges.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { grantApplicationRole } from './privileges';

const MIGRATION_LOCK = 0x6175746f; // "auto"
export const MIGRATIONS_DIR = join(__dirname, 'migrations');

export async function migrate(pool: Pool, opts: { dir?: string; appRole?: string } = {}): Promise<string[]> {
  const dir = opts.dir ?? MIGRATIONS_DIR;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    // Checked first: an application role without CREATE on the schema may still confirm that
    // the owner has applied every migration.
    const exists = (await client.query<{ t: string | null }>(`SELECT to_regclass('schema_migrations')::text AS t`)).rows[0].t;
    if (!exists) {
      await client.query(`CREATE TABLE schema_migrations (
        id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    }
    const done = new Set((await client.query<{ id: string }>('SELECT id FROM schema_migrations')).rows.map((r) => r.id));
    for (const file of files.filter((f) => !done.has(f))) {
      await client.query('BEGIN');
      try {
        await client.query(readFileSync(join(dir, file), 'utf8'));
        await client.query('INSERT INTO schema_migrations (id) VALUES ($1)', [file]);
        await client.query('COMMIT');
        applied.push(file);
      } catch (err) {
        await client.query('ROLLBACK');
        const hint =
          (err as { code?: string }).code === '42501' ? ' (run migrations as the schema owner: AUTOSOC_MIGRATION_DATABASE_URL)' : '';
        throw new Error(`migration ${file} failed: ${(err as Error).message}${hint}`);
      }
    }
    if (opts.appRole) await grantApplicationRole(client, opts.appRole);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
  return applied;
}
