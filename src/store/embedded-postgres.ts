// Zero-setup PostgreSQL: PGlite (Postgres compiled to WASM) persisted in the data folder and
// served over the Postgres wire protocol, so the same `pg` code runs here and on a server.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(opts: { dataDir?: string; port: number; host?: string }): Promise<EmbeddedPostgres> {
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const db = await PGlite.create(opts.dataDir);
  const host = opts.host ?? '127.0.0.1';
  // PGlite runs one query at a time; the server multiplexes connections onto it.
  const server = new PGLiteSocketServer({ db, host, port: opts.port, maxConnections: 32 });
  await server.start();
  return {
    // getServerConn() reports the bound host:port, which matters when port 0 was asked for.
    url: `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
