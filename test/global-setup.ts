// Runs once before every test file: provides the database and applies the migrations, so
// parallel jest workers never race on them. Without DATABASE_URL, tests share one embedded
// PGlite started here, outside jest's module sandbox (PGlite loads its WASM through a dynamic
// import the sandbox does not allow; its connections share one session, so advisory locks
// cannot serialize concurrent migrations there).
import { Pool } from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/store/embedded-postgres';
import { migrate } from '../src/store/migrate';

export default async function globalSetup(): Promise<void> {
  if (!process.env.DATABASE_URL) {
    const pg: EmbeddedPostgres = await startEmbeddedPostgres({ port: 0 });
    process.env.DATABASE_URL = pg.url; // jest workers inherit it
    process.env.AUTOSOC_TEST_EMBEDDED_PG = '1'; // one connection per pool: see src/store/database.ts
    (globalThis as { __autosocPg?: EmbeddedPostgres }).__autosocPg = pg;
  }
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
  try {
    await migrate(pool);
  } finally {
    await pool.end();
  }
}
