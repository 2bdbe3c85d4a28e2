// Tests on a PostgreSQL server run as an application role, like production should: the URL
// jest was given becomes the schema owner (AUTOSOC_MIGRATION_DATABASE_URL) and DATABASE_URL
// becomes a login role "<database>_app" that may only INSERT/SELECT on the audit trail.
import { Pool } from 'pg';

export async function ensureTestAppRole(ownerUrl: string): Promise<{ appUrl: string; appRole: string }> {
  const url = new URL(ownerUrl);
  const appRole = `${decodeURIComponent(url.pathname.slice(1)) || 'postgres'}_app`;
  const owner = new Pool({ connectionString: ownerUrl, max: 1 });
  try {
    const exists = await owner.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [appRole]);
    if (!exists.rowCount) {
      await owner
        .query(`CREATE ROLE "${appRole.replace(/"/g, '""')}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE`)
        .catch((err: { code?: string }) => {
          if (err.code !== '42710') throw err;
        }); // created meanwhile
    }
  } finally {
    await owner.end();
  }
  url.username = encodeURIComponent(appRole);
  url.password = '';
  return { appUrl: url.toString(), appRole };
}
