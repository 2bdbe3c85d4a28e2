// Without DATABASE_URL, tests share one embedded PGlite started here, outside jest's module
// sandbox (PGlite loads its WASM through a dynamic import the sandbox does not allow).
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/store/embedded-postgres';

export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) return;
  const pg: EmbeddedPostgres = await startEmbeddedPostgres({ port: 0 });
  process.env.DATABASE_URL = pg.url; // jest workers inherit it
  (globalThis as { __autosocPg?: EmbeddedPostgres }).__autosocPg = pg;
}
