// A connector plugin is a response connector like the built-in ones: it serves the actions it
// declared, behind the policy's routes, and each call is bounded by its declared time limit.
import { join } from 'node:path';
import { respondersFor } from '../../src/connectors/response/config';
import { loadPlugins } from '../../src/plugins/load-plugins';
import { pluginConnector } from '../../src/plugins/plugin-connectors';

const FIXTURES = join(__dirname, '..', 'fixtures', 'plugins');
const [loaded] = loadPlugins({ dirs: [join(FIXTURES, 'good')], packages: [] }, { analyzers: [], connectors: [] }).connectors;
const connector = pluginConnector(loaded);
const ctx = { workflowId: 'alert:t:1', approvedBy: 'alice', idempotencyKey: 'alert:t:1:disable_user:kim' };
const done = () => (globalThis as { ticketDeskDone?: unknown[] }).ticketDeskDone ?? [];

test('it serves only the actions it declared', () => {
  expect(connector.supports({ kind: 'disable_user', target: 'kim@corp.example' })).toBe(true);
  expect(connector.supports({ kind: 'isolate_host', target: 'ws-1' })).toBe(false);
});

test("it carries out an action with the call's context", async () => {
  const before = done().length;
  await expect(connector.execute({ kind: 'disable_user', target: 'kim@corp.example' }, ctx)).resolves.toEqual({
    status: 'executed',
    detail: 'ticket opened for disable_user kim@corp.example',
  });
  expect(done().slice(before)).toEqual([
    { action: { kind: 'disable_user', target: 'kim@corp.example' }, approvedBy: 'alice', key: ctx.idempotencyKey },
  ]);
});

test('a call past the declared time limit is aborted and fails, naming the plugin', async () => {
  await expect(connector.execute({ kind: 'disable_user', target: 'slow@corp.example' }, ctx)).rejects.toThrow(
    'connector ticket-desk: no answer within its 500 ms time limit',
  );
});

test('the worker tries plugin connectors after the routed vendors and before manual', () => {
  const responders = respondersFor(undefined, {}, undefined, [connector]);
  expect(responders.map((r) => r.name)).toEqual(['ticket-desk', 'manual']);
  const first = responders.find((r) => r.supports({ kind: 'disable_user', target: 'kim' }));
  expect(first?.name).toBe('ticket-desk');
  expect(responders.find((r) => r.supports({ kind: 'isolate_host', target: 'ws-1' }))?.name).toBe('manual');
});
