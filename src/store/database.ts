// Opens the database autosoc runs on: the server DATABASE_URL names, else embedded PGlite.
import { join } from 'node:path';
import { Pool } from 'pg';
import type { Config } from '../config';
import { startEmbeddedPostgres } from './embedded-postgres';
import { migrate } from './migrate';

export interface Database {
  pool: Pool;
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

/** Pool size against a PostgreSQL server when AUTOSOC_DB_POOL_MAX is unset. */
export const DEFAULT_POOL_MAX = 10;

export async function openDatabase(opts: { databaseUrl?: string; embeddedDataDir: string; embeddedPort: number; poolMax?: number }): Promise<Database> {
  const embedded = opts.databaseUrl ? undefined
    : await startEmbeddedPostgres({ dataDir: opts.embeddedDataDir, port: opts.embeddedPort });
  const url = opts.databaseUrl ?? embedded!.url;
  // PGlite is one session behind a multiplexer: two connections interleaving extended-protocol
  // messages clobber each other's unnamed portal ("portal does not exist"), so embedded runs
  // on a single connection and queries queue in the pool.
  const pool = new Pool({ connectionString: url, max: embedded ? 1 : opts.poolMax ?? DEFAULT_POOL_MAX });
  // An idle client that loses its server must not crash the process; the next query retries.
  pool.on('error', () => undefined);
  try {
    await migrate(pool);
  } catch (err) {
    await pool.end();
    await embedded?.stop();
    throw err;
  }
  return {
    pool, url, embedded: !!embedded,
    async close() {
      await pool.end();
      await embedded?.stop();
    },
  };
}

/** The database the configuration names: DATABASE_URL, else the embedded one in the data folder. */
export const openConfiguredDatabase = (config: Config): Promise<Database> => openDatabase({
  databaseUrl: config.databaseUrl, embeddedDataDir: join(config.dataDir, 'pglite'), embeddedPort: config.pglitePort, poolMax: config.dbPoolMax,
});
