// Opens the database autosoc runs on: the server DATABASE_URL names, else embedded PGlite.
import { Pool } from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres';
import { migrate } from './migrate';

export interface Database {
  pool: Pool;
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

export async function openDatabase(opts: { databaseUrl?: string; embeddedDataDir: string; embeddedPort: number }): Promise<Database> {
  const embedded = opts.databaseUrl ? undefined
    : await startEmbeddedPostgres({ dataDir: opts.embeddedDataDir, port: opts.embeddedPort });
  const url = opts.databaseUrl ?? embedded!.url;
  // PGlite is one session behind a multiplexer: two connections interleaving extended-protocol
  // messages clobber each other's unnamed portal ("portal does not exist"), so embedded runs
  // on a single connection and queries queue in the pool.
  const pool = new Pool({ connectionString: url, max: embedded ? 1 : 10 });
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
