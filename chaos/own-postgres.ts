// A PostgreSQL server of this test's own (temp data dir, free port), so stopping it disturbs
// nobody else's tests. Runs as the postgres user when we are root (initdb refuses root).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

const BIN = (() => {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b));
  if (!versions.length) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql: run scripts/test-postgres.sh once');
  return join('/usr/lib/postgresql', versions[versions.length - 1], 'bin');
})();
const asOwner = (cmd: string, args: string[]) =>
  process.getuid?.() === 0
    ? execFileSync('runuser', ['-u', 'postgres', '--', join(BIN, cmd), ...args], { stdio: ['ignore', 'ignore', 'inherit'] })
    : execFileSync(join(BIN, cmd), args, { stdio: ['ignore', 'ignore', 'inherit'] });

export interface OwnPostgres {
  url: string;
  start(): void;
  stop(): void;
  destroy(): void;
}

export async function ownPostgres(): Promise<OwnPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'autosoc-chaos-pg-'));
  chmodSync(dir, 0o777); // the postgres user writes here
  const data = join(dir, 'data');
  const port = await freePort();
  asOwner('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  const pg: OwnPostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: () =>
      asOwner('pg_ctl', [
        '-D',
        data,
        '-l',
        join(dir, 'server.log'),
        '-w',
        '-t',
        '60',
        '-o',
        `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c max_connections=200`,
        'start',
      ]),
    stop: () => asOwner('pg_ctl', ['-D', data, '-w', 'stop', '-m', 'fast']),
    destroy: () => {
      try {
        pg.stop();
      } catch {
        /* already stopped */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  pg.start();
  return pg;
}
