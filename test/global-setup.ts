// Runs once before every test file: provides the database and applies the migrations, so
// parallel jest workers never race on them. Without DATABASE_URL, tests share one embedded
// PGlite started here, outside jest's module sandbox (PGlite loads its WASM through a dynamic
// import the sandbox does not allow; its connections share one session, so advisory locks
// cannot serialize concurrent migrations there). On a server, the tests run as an application
// role and migrations as the owner (test/helpers/app-role.ts).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { Pool } from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/store/embedded-postgres';
import { migrate } from '../src/store/migrate';
import { urlRole } from '../src/store/privileges';
import { ensureTestAppRole } from './helpers/app-role';

export default async function globalSetup(): Promise<void> {
  const bundling = bundleWorkflowsOnce();
  if (!process.env.DATABASE_URL) {
    const pg: EmbeddedPostgres = await startEmbeddedPostgres({ port: 0 });
    process.env.DATABASE_URL = pg.url; // jest workers inherit it
    process.env.AUTOSOC_TEST_EMBEDDED_PG = '1'; // one connection per pool: see src/store/database.ts
    (globalThis as { __autosocPg?: EmbeddedPostgres }).__autosocPg = pg;
  } else if (!process.env.AUTOSOC_MIGRATION_DATABASE_URL) {
    const { appUrl } = await ensureTestAppRole(process.env.DATABASE_URL);
    process.env.AUTOSOC_MIGRATION_DATABASE_URL = process.env.DATABASE_URL;
    process.env.DATABASE_URL = appUrl;
  }
  const ownerUrl = process.env.AUTOSOC_MIGRATION_DATABASE_URL ?? process.env.DATABASE_URL;
  const pool = new Pool({ connectionString: ownerUrl, max: 1 });
  try {
    await migrate(pool, process.env.AUTOSOC_MIGRATION_DATABASE_URL ? { appRole: urlRole(process.env.DATABASE_URL) } : {});
  } finally {
    await pool.end();
  }
  await bundling;
}

/**
 * One workflow bundle for the whole run: every test worker (the real worker, the workflow
 * harness, replay) loads it instead of running webpack again (seconds of CPU each, dozens of
 * times). testConfig() and the harnesses pass it to workflowSource(); global teardown removes it.
 */
async function bundleWorkflowsOnce(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'autosoc-jest-'));
  const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error };
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../src/workflows'), logger: quiet });
  const codePath = join(dir, 'workflow-bundle.js');
  writeFileSync(codePath, code);
  process.env.AUTOSOC_WORKFLOW_BUNDLE = codePath; // jest workers inherit it
}
