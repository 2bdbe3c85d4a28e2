// Runs the Temporal dev server (with its Web UI) on a SQLite file in the data folder, with
// autosoc's search attributes registered, and waits until it answers.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { DEFAULT_SQLITE_PRAGMAS } from '../config';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { temporalCliPath } from './binaries';

// SearchAttributeType values are the CLI's type names in upper case (KEYWORD_LIST → KeywordList).
const cliTypeName = (t: string) => t.toLowerCase().replace(/(^|_)(\w)/g, (_m, _u, c: string) => c.toUpperCase());

export function searchAttributeFlags(): string[] {
  return ALL_SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=${cliTypeName(k.type)}`]);
}

export interface DevServerOptions { dataDir: string; port: number; uiPort: number; namespace: string; sqlitePragmas?: string[] }

export function devServerArgs(o: DevServerOptions): string[] {
  return [
    'server', 'start-dev',
    '--ip', '127.0.0.1', '--port', String(o.port), '--ui-port', String(o.uiPort),
    '--namespace', o.namespace,
    '--db-filename', join(o.dataDir, 'temporal.sqlite'),
    ...(o.sqlitePragmas ?? DEFAULT_SQLITE_PRAGMAS.split(',')).flatMap((p) => ['--sqlite-pragma', p]),
    '--log-level', 'warn',
    ...searchAttributeFlags(),
  ];
}

export interface DevServer { address: string; process: ChildProcess; stop(): Promise<void> }

export async function startDevServer(o: DevServerOptions, readyTimeoutMs = 60_000): Promise<DevServer> {
  mkdirSync(o.dataDir, { recursive: true });
  const log = openSync(join(o.dataDir, 'temporal-server.log'), 'a');
  const child = spawn(temporalCliPath(), devServerArgs(o), { stdio: ['ignore', log, log] });
  const address = `127.0.0.1:${o.port}`;
  let exited: string | undefined;
  child.once('exit', (code, signal) => { exited = `exited with ${signal ?? code}`; });

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) throw new Error(`Temporal dev server ${exited}; see ${join(o.dataDir, 'temporal-server.log')}`);
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1_000 });
      await conn.workflowService.getSystemInfo({});
      await conn.close();
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGTERM');
        throw new Error(`Temporal dev server did not answer on ${address} within ${readyTimeoutMs} ms: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    address,
    process: child,
    stop: () => new Promise<void>((resolveStop) => {
      if (exited) return resolveStop();
      child.once('exit', () => resolveStop());
      child.kill('SIGTERM');
    }),
  };
}
