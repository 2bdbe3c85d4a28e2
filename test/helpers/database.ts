// The database tests run on: the PostgreSQL server in DATABASE_URL (CI and scripts/test.sh
// start one), else the embedded PGlite that test/global-setup.ts serves over the wire. On a
// server, DATABASE_URL is the application role; ownerUrl the schema owner (global setup).
import { Pool } from 'pg';
import { migrate } from '../../src/store/migrate';

export interface TestDatabase {
  pool: Pool;
  url: string;
  ownerUrl: string;
  close(): Promise<void>;
}

export async function openTestDatabase(): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run tests through jest (global setup) or scripts/test.sh');
  const pool = new Pool({ connectionString: url, max: process.env.AUTOSOC_TEST_EMBEDDED_PG ? 1 : 4 });
  pool.on('error', () => undefined); // an idle client losing the server must not crash the test run
  await migrate(pool);
  return { pool, url, ownerUrl: process.env.AUTOSOC_MIGRATION_DATABASE_URL ?? url, close: () => pool.end() };
}
