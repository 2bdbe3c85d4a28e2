// Opens the database autosoc runs on: the server DATABASE_URL names, else embedded PGlite.
// With AUTOSOC_MIGRATION_DATABASE_URL (the schema owner) migrations run there and the
// application connects as DATABASE_URL's role, which may only append to the audit trail.
import { join } from 'node:path';
import { Pool } from 'pg';
import type { Config } from '../config';
import { startEmbeddedPostgres } from './embedded-postgres';
import { migrate } from './migrate';
import { auditTamperRights, type PrivilegeSeparation, urlRole } from './privileges';

export interface Database {
  pool: Pool;
  url: string;
  embedded: boolean;
  /** Whether the application role is held to the audit trail's rules, and if not why not. */
  privileges: PrivilegeSeparation;
  close(): Promise<void>;
}

/** Pool size against a PostgreSQL server when AUTOSOC_DB_POOL_MAX is unset. */
export const DEFAULT_POOL_MAX = 10;

export async function openDatabase(opts: {
  databaseUrl?: string;
  migrationDatabaseUrl?: string;
  embeddedDataDir: string;
  embeddedPort: number;
  poolMax?: number;
}): Promise<Database> {
  if (opts.migrationDatabaseUrl && !opts.databaseUrl)
    throw new Error('AUTOSOC_MIGRATION_DATABASE_URL needs DATABASE_URL (the application role)');
  const embedded = opts.databaseUrl ? undefined : await startEmbeddedPostgres({ dataDir: opts.embeddedDataDir, port: opts.embeddedPort });
  const url = opts.databaseUrl ?? embedded!.url;
  // PGlite is one session behind a multiplexer: two connections interleaving extended-protocol
  // messages clobber each other's unnamed portal ("portal does not exist"), so embedded runs
  // on a single connection and queries queue in the pool.
  const pool = new Pool({ connectionString: url, max: embedded ? 1 : (opts.poolMax ?? DEFAULT_POOL_MAX) });
  // An idle client that loses its server must not crash the process; the next query retries.
  pool.on('error', () => undefined);
  let privileges: PrivilegeSeparation;
  try {
    privileges = opts.migrationDatabaseUrl
      ? await migrateAsOwner(opts.migrationDatabaseUrl, pool, urlRole(url))
      : await migrateAsOnlyRole(pool, !!embedded);
  } catch (err) {
    await pool.end();
    await embedded?.stop();
    throw err;
  }
  return {
    pool,
    url,
    embedded: !!embedded,
    privileges,
    async close() {
      await pool.end();
      await embedded?.stop();
    },
  };
}

/** Migrates as the owner, then proves the application role cannot tamper with the audit trail. */
async function migrateAsOwner(ownerUrl: string, appPool: Pool, appRole: string): Promise<PrivilegeSeparation> {
  const owner = new Pool({ connectionString: ownerUrl, max: 1 });
  owner.on('error', () => undefined);
  try {
    if (urlRole(ownerUrl) === appRole)
      throw new Error('AUTOSOC_MIGRATION_DATABASE_URL and DATABASE_URL name the same role: the application role must not own the schema');
    await migrate(owner, { appRole });
  } finally {
    await owner.end();
  }
  const excess = await auditTamperRights(appPool);
  if (excess.length)
    throw new Error(
      `DATABASE_URL's role "${appRole}" can alter the audit trail (${excess.join(', ')}): it must not own the schema nor be a superuser`,
    );
  return { mode: 'app-role', appRole };
}

/**
 * No owner URL: migrate as DATABASE_URL's role (a no-op when the owner already did) and report
 * what that role can really do. Triggers still refuse UPDATE/DELETE/TRUNCATE, but an owner
 * could drop them.
 */
async function migrateAsOnlyRole(pool: Pool, embedded: boolean): Promise<PrivilegeSeparation> {
  await migrate(pool);
  if (embedded) {
    return {
      mode: 'none',
      reason:
        'embedded PGlite is one unauthenticated session, so it has no privilege separation (set DATABASE_URL and AUTOSOC_MIGRATION_DATABASE_URL for it)',
    };
  }
  const excess = await auditTamperRights(pool);
  if (!excess.length) return { mode: 'app-role', appRole: (await pool.query<{ u: string }>('SELECT current_user AS u')).rows[0].u };
  return {
    mode: 'none',
    reason: `DATABASE_URL's role can alter the audit trail (${excess.join(', ')}): set AUTOSOC_MIGRATION_DATABASE_URL to the schema owner and DATABASE_URL to an application role`,
  };
}

/** Says at start-up, once, how the audit trail is protected in this process. */
export function describePrivileges(p: PrivilegeSeparation): string {
  return p.mode === 'app-role'
    ? `audit trail: append-only by privilege (application role "${p.appRole}" may only INSERT/SELECT)`
    : `WARNING audit trail: append-only by trigger only; ${p.reason}`;
}

/** The database the configuration names: DATABASE_URL, else the embedded one in the data folder. */
export const openConfiguredDatabase = (config: Config): Promise<Database> =>
  openDatabase({
    databaseUrl: config.databaseUrl,
    migrationDatabaseUrl: config.migrationDatabaseUrl,
    embeddedDataDir: join(config.dataDir, 'pglite'),
    embeddedPort: config.pglitePort,
    poolMax: config.dbPoolMax,
  });
