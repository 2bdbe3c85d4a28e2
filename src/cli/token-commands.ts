// Admin bootstrap: API tokens are made and revoked in the database directly (DATABASE_URL, else
// the embedded database of a running `npm start`), because the first token cannot come from an
// API that needs one. A token is printed once.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Pool } from 'pg';
import { apiTokenNameTaken, createApiToken, revokeApiToken, ROLES, type Role } from '../store/api-tokens';
import { openDatabase } from '../store/database';
import { readLocalDatabaseUrl } from '../store/local-database-url';
import { loadSecretBox } from '../store/secret-box';
import { CliError, type CliIo, type GlobalOptions, printJson } from './io';

const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@:-]{0,127}$/;

export function parseRoles(value: string): Role[] {
  const roles = [
    ...new Set(
      value
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean),
    ),
  ];
  if (roles.length === 0) throw new CliError(`--roles needs at least one of ${ROLES.join(', ')}`);
  for (const r of roles) if (!(ROLES as readonly string[]).includes(r)) throw new CliError(`unknown role "${r}": use ${ROLES.join(', ')}`);
  return roles as Role[];
}

/** Runs fn on the database of DATABASE_URL (else the embedded one of a running `npm start`). */
export async function withDatabase<T>(io: CliIo, fn: (db: Pool) => Promise<T>): Promise<T> {
  const env = io.env ?? process.env;
  const url = env.DATABASE_URL || readLocalDatabaseUrl(env);
  if (!url) {
    throw new CliError(
      'no database: token and content commands talk to the database directly. Start autosoc with `npm start` ' +
        '(its embedded database is found by itself), or set DATABASE_URL',
    );
  }
  let close = async () => undefined as void;
  try {
    // Migrates as AUTOSOC_MIGRATION_DATABASE_URL's owner role when set, like the services do.
    const db = await openDatabase({
      databaseUrl: url,
      migrationDatabaseUrl: (io.env ?? process.env).AUTOSOC_MIGRATION_DATABASE_URL,
      embeddedDataDir: '',
      embeddedPort: 0,
      poolMax: 1,
    });
    close = db.close;
    return await fn(db.pool);
  } catch (err) {
    if (err instanceof CliError) throw err;
    const e = err as { code?: string; message?: string };
    throw new CliError(`database: ${e.code === 'ECONNREFUSED' ? `cannot connect (${e.message})` : e.message}`);
  } finally {
    await close();
  }
}

export function registerTokenCommands(program: Command, io: CliIo): void {
  const token = program.command('token').description('API tokens (admin; the database of DATABASE_URL or of a running `npm start`)');

  token
    .command('create')
    .description('create a token and print it once')
    .requiredOption('--name <name>', 'who the token stands for (the actor in audits)')
    .requiredOption('--roles <roles>', `comma-separated: ${ROLES.join(', ')}`)
    .option('--source <source>', 'ingest tokens: the only alert source it may send and attach evidence to')
    .option('--any-source', 'ingest tokens: may send alerts of every source (say so explicitly; prefer --source)')
    .option(
      '--hmac-secret <secret>',
      'require signed requests (X-Autosoc-Signature v1) with this secret; stored sealed with AUTOSOC_SECRET_KEY',
    )
    .action(async (o: { name: string; roles: string; source?: string; anySource?: boolean; hmacSecret?: string }, cmd: Command) => {
      if (!TOKEN_NAME.test(o.name))
        throw new CliError('--name: letters, digits and _ . @ : - (at most 128, starting with a letter or digit)');
      const roles = parseRoles(o.roles);
      if (o.source && o.anySource) throw new CliError('--source and --any-source exclude each other');
      if (roles.includes('ingest') && !o.source && !o.anySource) {
        throw new CliError('an ingest token is bound to one source: give --source <source>, or --any-source to let it send every source');
      }
      const env = io.env ?? process.env;
      const box = o.hmacSecret
        ? loadSecretBox({ keyBase64: env.AUTOSOC_SECRET_KEY, dataDir: resolve(env.AUTOSOC_DATA_DIR ?? '.data') })
        : undefined;
      const secret = await withDatabase(io, async (db) => {
        if (await apiTokenNameTaken(db, o.name)) throw new CliError(`a token named "${o.name}" already exists (revoked names stay taken)`);
        return createApiToken(db, { name: o.name, roles, source: o.source, anySource: o.anySource, hmacSecret: o.hmacSecret, box });
      });
      if (cmd.optsWithGlobals<GlobalOptions>().json)
        return printJson(io, { name: o.name, roles, source: o.source ?? null, anySource: !!o.anySource, token: secret });
      io.stderr(
        `token "${o.name}" (${roles.join(', ')}${o.source ? `, source ${o.source}` : o.anySource ? ', any source' : ''}) created; it is shown only this once:\n`,
      );
      io.stdout(`${secret}\n`);
    });

  token
    .command('revoke <name>')
    .description('revoke a token by name')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      const revoked = await withDatabase(io, (db) => revokeApiToken(db, name));
      if (!revoked) throw new CliError(`no active token named "${name}"`);
      if (cmd.optsWithGlobals<GlobalOptions>().json) return printJson(io, { name, revoked: true });
      io.stdout(`revoked "${name}"\n`);
    });
}
