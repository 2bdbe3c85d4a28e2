// Privilege separation between the role that owns the schema (migrations) and the role the
// application runs as. The application may read and write its working tables, but on the
// audit trail it may only INSERT and SELECT: it owns nothing, so it cannot ALTER, DISABLE
// TRIGGER, TRUNCATE, UPDATE or DELETE there, whatever code or injected SQL it runs.
import type { Pool, PoolClient } from 'pg';
import ConnectionParameters from 'pg/lib/connection-parameters';

/** Tables that are an audit trail: append-only for the application role. */
export const AUDIT_TABLES = ['decisions', 'audit_log'] as const;

/** How the running process is held to the audit trail's rules. */
export type PrivilegeSeparation = { mode: 'app-role'; appRole: string } | { mode: 'none'; reason: string };

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The login role a postgres:// URL connects as: the pg driver's own answer, so a URL naming
 * no user gets the driver's default (PGUSER, then the OS user) from the driver, not from us.
 */
export function urlRole(url: string): string {
  return new ConnectionParameters(url).user || 'postgres';
}

/**
 * Grants the application role what it needs, re-run after every migration so new tables are
 * covered. Run by the schema owner. Idempotent.
 */
export async function grantApplicationRole(db: Pool | PoolClient, role: string): Promise<void> {
  const r = ident(role);
  const audit = AUDIT_TABLES.join(', ');
  await db.query(`GRANT USAGE ON SCHEMA public TO ${r}`);
  await db.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r}`);
  await db.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r}`);
  await db.query(`REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON ${audit} FROM ${r}`);
  // Migrations are the owner's business: the application may only see which ran.
  await db.query(`REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM ${r}`);
}

/**
 * What the connected role could do to the audit trail beyond INSERT and SELECT: ownership
 * (ALTER, DISABLE TRIGGER, DROP) or the UPDATE/DELETE/TRUNCATE privileges. Empty when sound.
 */
export async function auditTamperRights(db: Pool): Promise<string[]> {
  const { rows } = await db.query<{ tbl: string; owner: boolean; upd: boolean; del: boolean; trunc: boolean }>(
    `SELECT t AS tbl,
            pg_get_userbyid(c.relowner) = current_user OR pg_has_role(current_user, c.relowner, 'USAGE') AS owner,
            has_table_privilege(current_user, c.oid, 'UPDATE') AS upd,
            has_table_privilege(current_user, c.oid, 'DELETE') AS del,
            has_table_privilege(current_user, c.oid, 'TRUNCATE') AS trunc
       FROM unnest($1::text[]) AS t JOIN pg_class c ON c.oid = to_regclass(t)`,
    [[...AUDIT_TABLES]],
  );
  return rows.flatMap((r) => [
    ...(r.owner ? [`${r.tbl}: owner`] : []),
    ...(r.upd ? [`${r.tbl}: UPDATE`] : []),
    ...(r.del ? [`${r.tbl}: DELETE`] : []),
    ...(r.trunc ? [`${r.tbl}: TRUNCATE`] : []),
  ]);
}
