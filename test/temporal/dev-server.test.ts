// The dev server refuses ports someone else holds: before this, a leftover server from a
// crashed run answered the readiness check and the new run silently used it.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevServer } from '../../src/temporal/dev-server';

let holder: Server;
let port: number;
let dataDir: string;

beforeAll(async () => {
  holder = createServer((s) => s.destroy());
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  port = (holder.address() as { port: number }).port;
  dataDir = mkdtempSync(join(tmpdir(), 'autosoc-devserver-'));
});

afterAll(async () => {
  await new Promise((r) => holder.close(r));
  rmSync(dataDir, { recursive: true, force: true });
});

test.each(['port', 'uiPort'] as const)('refuses to start when its %s is taken, and starts nothing', async (which) => {
  const ports = { port: 1, uiPort: 1, [which]: port }; // port 1: nothing listens there
  await expect(startDevServer({ dataDir, namespace: 'default', ...ports }, 2_000)).rejects.toThrow(`port ${port} is already in use`);
  expect(readdirSync(dataDir)).toEqual([]); // no log file: no process was spawned
});
