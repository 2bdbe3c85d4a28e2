// The audit trail is append-only by privilege: the application role (DATABASE_URL in tests
// on a server) may only INSERT and SELECT on decisions and audit_log, and even the schema
// owner is stopped by triggers from UPDATE, DELETE and TRUNCATE.
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { openDatabase } from '../../src/store/database';
import { appendAudit } from '../../src/store/decisions';
import { auditApiCall } from '../../src/store/audit-log';
import { upsertAlert } from '../../src/store/alerts';
import { extractObservables } from '../../src/domain/observables';
import { AUDIT_TABLES, auditTamperRights, urlRole } from '../../src/store/privileges';
import { sampleAlert } from '../helpers/alerts';
import { openTestDatabase, type TestDatabase } from '../helpers/database';

const onServer = !process.env.AUTOSOC_TEST_EMBEDDED_PG;
let db: TestDatabase;
let owner: Pool;
const workflowId = `audit-priv-${randomUUID()}`;

beforeAll(async () => {
  db = await openTestDatabase();
  owner = new Pool({ connectionString: db.ownerUrl, max: 1 });
  const alert = sampleAlert('03-phishing-link.json', workflowId);
  await upsertAlert(db.pool, workflowId, alert, extractObservables(alert));
  await appendAudit(db.pool, { workflowId, step: 'triage', action: 'close', actor: 'system', reason: 'test' });
  await auditApiCall(db.pool, { actor: 'tester', action: 'test', target: workflowId, outcome: 'ok' });
});
afterAll(async () => {
  await owner.end();
  await db.close();
});

/** Runs sql inside a transaction that is always rolled back. */
async function rolledBack(pool: Pool, sql: string): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await c.query(sql);
  } finally {
    await c.query('ROLLBACK');
    c.release();
  }
}

describe.each(AUDIT_TABLES)('%s: triggers stop even the owner', (table) => {
  it.each([
    ['UPDATE', `UPDATE ${table} SET actor = 'mallory'`],
    ['DELETE', `DELETE FROM ${table}`],
    ['TRUNCATE', `TRUNCATE ${table} CASCADE`],
  ])('%s is refused as an append-only audit trail', async (op, sql) => {
    await expect(rolledBack(owner, sql)).rejects.toThrow(new RegExp(`${table} is an append-only audit trail: ${op} refused`));
  });
});

describe('the application role', () => {
  // Embedded PGlite is one superuser session: the separation exists only on a server.
  const it_ = onServer ? it : it.failing;
  it_('holds no right to alter the audit trail', async () => {
    expect(await auditTamperRights(db.pool)).toEqual([]);
  });

  it.each(
    AUDIT_TABLES.flatMap((t) => [
      [t, `UPDATE ${t} SET actor = 'mallory'`, /permission denied|append-only/],
      [t, `DELETE FROM ${t}`, /permission denied|append-only/],
      [t, `TRUNCATE ${t}`, /permission denied|append-only/],
    ]),
  )('%s: %s is refused', async (_t, sql, message) => {
    await expect(rolledBack(db.pool, sql)).rejects.toThrow(message);
  });

  const tamper = AUDIT_TABLES.flatMap((t) => [
    [t, `ALTER TABLE ${t} DISABLE TRIGGER ALL`],
    [t, `ALTER TABLE ${t} DISABLE TRIGGER USER`],
    [t, `DROP TRIGGER IF EXISTS ${t === 'decisions' ? 'decisions_append_only' : 'audit_log_append_only'} ON ${t}`],
    [t, `ALTER TABLE ${t} OWNER TO CURRENT_USER`],
  ]);
  (onServer ? it.each(tamper) : it.failing.each(tamper))('%s: %s needs ownership it does not have', async (_t, sql) => {
    await expect(rolledBack(db.pool, sql)).rejects.toThrow(/must be owner|permission denied/);
  });

  it('still appends to and reads the audit trail', async () => {
    await appendAudit(db.pool, { workflowId, step: 'respond', action: 'approve', actor: 'analyst', reason: 'ok' });
    const { rows } = await db.pool.query('SELECT step FROM decisions WHERE workflow_id = $1 ORDER BY id', [workflowId]);
    expect(rows.map((r) => r.step)).toEqual(['triage', 'respond']);
    const log = await db.pool.query('SELECT count(*)::int AS n FROM audit_log WHERE target = $1', [workflowId]);
    expect(log.rows[0].n).toBe(1);
  });

  it_('cannot record a migration of its own', async () => {
    await expect(rolledBack(db.pool, `INSERT INTO schema_migrations (id) VALUES ('999_evil.sql')`)).rejects.toThrow(/permission denied/);
  });
});

describe('openDatabase says how the audit trail is protected', () => {
  const open = (databaseUrl: string, migrationDatabaseUrl?: string) =>
    openDatabase({ databaseUrl, migrationDatabaseUrl, embeddedDataDir: '', embeddedPort: 0, poolMax: 1 });

  it('a role that can alter the audit trail is reported as no separation, with the way out', async () => {
    const d = await open(db.ownerUrl);
    try {
      expect(d.privileges).toEqual({
        mode: 'none',
        reason: expect.stringMatching(/can alter the audit trail .*AUTOSOC_MIGRATION_DATABASE_URL/),
      });
    } finally {
      await d.close();
    }
  });

  it('refuses an owner URL and an application URL of the same role', async () => {
    await expect(open(db.ownerUrl, db.ownerUrl)).rejects.toThrow(/name the same role/);
  });

  (onServer ? it : it.failing)('migrates as the owner and runs as the application role', async () => {
    const d = await open(db.url, db.ownerUrl);
    try {
      expect(d.privileges).toEqual({ mode: 'app-role', appRole: urlRole(db.url) });
      expect((await d.pool.query('SELECT current_user AS u')).rows[0].u).toBe(urlRole(db.url));
    } finally {
      await d.close();
    }
  });

  (onServer ? it : it.failing)('refuses to run when the application role is a superuser', async () => {
    const c = await owner.query('SELECT rolsuper FROM pg_roles WHERE rolname = current_user');
    expect(c.rows[0].rolsuper).toBe(true); // the test server's owner is the superuser "postgres"
    const ownerAsApp = new URL(db.ownerUrl);
    const someoneElse = new URL(db.url);
    // The app URL is the superuser; the owner URL a different role: the check must refuse it.
    await expect(open(ownerAsApp.toString(), someoneElse.toString())).rejects.toThrow(/can alter the audit trail/);
  });
});
