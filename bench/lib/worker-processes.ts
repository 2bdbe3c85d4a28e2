// Worker child processes for the benchmarks that scale out: each runs a worker script and is
// counted ready once it prints its "polling" line, so timing starts with every worker polling.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { rssMiB } from './stats';

export interface WorkerProcesses {
  children: ChildProcess[];
  /** Sum of the children's resident memory, MiB. */
  rssMiB(): number;
  stop(): Promise<void>;
}

const exited = (c: ChildProcess) =>
  new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));

export async function spawnWorkers(
  script: string,
  count: number,
  env: Record<string, string>,
  readyTimeoutMs = 120_000,
): Promise<WorkerProcesses> {
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, [script], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    }),
  );
  const stop = async () => {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map(exited));
  };
  try {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`worker ${script} not polling after ${readyTimeoutMs} ms`)), readyTimeoutMs);
            child.once('exit', (code, signal) => reject(new Error(`worker ${script} exited with ${signal ?? code} before polling`)));
            createInterface({ input: child.stdout! }).on('line', (line) => {
              if (/polling/.test(line)) {
                clearTimeout(timer);
                resolve();
              }
            });
          }),
      ),
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { children, rssMiB: () => children.reduce((s, c) => s + rssMiB(c.pid), 0), stop };
}
