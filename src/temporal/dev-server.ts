// Runs the Temporal dev server (with its Web UI) on a SQLite file in the data folder, with
// autosoc's search attributes registered, and waits until it answers.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { createConnection } from 'node:net';
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

export interface DevServerOptions {
  dataDir: string;
  port: number;
  uiPort: number;
  namespace: string;
  sqlitePragmas?: string[];
  /** Where the Web UI decrypts payloads (the API's codec endpoint). */
  uiCodecEndpoint?: string;
}

export function devServerArgs(o: DevServerOptions): string[] {
  return [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(o.port),
    '--ui-port',
    String(o.uiPort),
    '--namespace',
    o.namespace,
    '--db-filename',
    join(o.dataDir, 'temporal.sqlite'),
    ...(o.sqlitePragmas ?? DEFAULT_SQLITE_PRAGMAS.split(',')).flatMap((p) => ['--sqlite-pragma', p]),
    '--log-level',
    'warn',
    ...(o.uiCodecEndpoint ? ['--ui-codec-endpoint', o.uiCodecEndpoint] : []),
    ...searchAttributeFlags(),
  ];
}

export interface DevServer {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startDevServer(o: DevServerOptions, readyTimeoutMs = 60_000): Promise<DevServer> {
  // Otherwise our server would fail to bind and the readiness check below would find the
  // other one (a leftover from a crashed run, say) and carry on against it.
  for (const port of [o.port, o.uiPort]) {
    if (await portAnswers(port))
      throw new Error(`port ${port} is already in use on 127.0.0.1: another Temporal dev server? Stop it or choose other ports`);
  }
  mkdirSync(o.dataDir, { recursive: true });
  const log = openSync(join(o.dataDir, 'temporal-server.log'), 'a');
  const child = spawn(temporalCliPath(), devServerArgs(o), { stdio: ['ignore', log, log] });
  const address = `127.0.0.1:${o.port}`;
  let exited: string | undefined;
  // The server belongs to this process: if it exits without stop(), take the server along.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? code}`;
    process.removeListener('exit', killOnExit);
  });

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
    stop: () =>
      new Promise<void>((resolveStop) => {
        if (exited) return resolveStop();
        child.once('exit', () => resolveStop());
        child.kill('SIGTERM');
      }),
  };
}
