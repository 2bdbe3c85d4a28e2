// `npm start` runs an embedded database on loopback; it writes that database's URL into its
// data folder so the CLI (token commands) finds it without DATABASE_URL, and removes it on stop.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const FILE = 'database-url';

export function writeLocalDatabaseUrl(dataDir: string, url: string): void {
  writeFileSync(join(dataDir, FILE), `${url}\n`, { mode: 0o600 });
}

export function removeLocalDatabaseUrl(dataDir: string): void {
  rmSync(join(dataDir, FILE), { force: true });
}

/** The URL a running `npm start` wrote, for the data folder AUTOSOC_DATA_DIR names (default .data). */
export function readLocalDatabaseUrl(env: NodeJS.ProcessEnv): string | undefined {
  const file = join(resolve(env.AUTOSOC_DATA_DIR || '.data'), FILE);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() || undefined : undefined;
}
