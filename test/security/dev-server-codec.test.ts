// The dev server npm start runs tells its Web UI where to decrypt payloads: the UI's own
// settings (what the browser reads) name the API's codec endpoint.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { freePort } from '../../chaos/free-port';
import { waitFor } from '../helpers/wait';

let server: DevServer | undefined;
const dataDir = mkdtempSync(join(tmpdir(), 'autosoc-codec-ui-'));
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('the Web UI is configured with the codec endpoint it was started with', async () => {
  const [port, uiPort] = [await freePort(), await freePort()];
  const endpoint = `http://127.0.0.1:8080/codec/ui/${'ab'.repeat(32)}`;
  server = await startDevServer({ dataDir, port, uiPort, namespace: 'default', uiCodecEndpoint: endpoint });
  const settings = (await waitFor(
    () =>
      fetch(`http://127.0.0.1:${uiPort}/api/v1/settings`).then(
        (r) => (r.ok ? r.json() : undefined),
        () => undefined,
      ),
    (s: unknown) => s !== undefined,
    'the Web UI to answer',
    60_000,
  )) as { Codec?: { Endpoint?: string } };
  expect(settings.Codec?.Endpoint).toBe(endpoint);
});
