import { readFileSync } from 'node:fs';
import { DefenderLiveResponseClient, type DefenderSettings } from '../../../src/connectors/edr/defender';
import { ConnectorError } from '../../../src/connectors/connector-http';
import { DefenderServer } from '../../servers/defender-server';

const TENANT = '11111111-2222-4333-8444-555555555555';
const CLIENT_ID = '66666666-7777-4888-9999-000000000000';
const SECRET = 'Mde~Secret.Never-Logged_0123456789';
const SCOPE = 'https://api.securitycenter.microsoft.com/.default';
const MACHINE = '1e5bc9d7e413ddd7902c2932e418702b84d0cc07';
const DLL = readFileSync('/usr/bin/ls');
const PATH = 'C:\\Windows\\Temp\\payload.dll';

const server = new DefenderServer({
  tenant: TENANT,
  clientId: CLIENT_ID,
  clientSecret: SECRET,
  scope: SCOPE,
  machines: { [MACHINE]: { files: { [PATH]: DLL } } },
});
let baseUrl: string;
const settings = (over: Partial<DefenderSettings> = {}): DefenderSettings => ({
  baseUrl,
  tokenUrl: `${baseUrl}/${TENANT}/oauth2/v2.0/token`,
  clientId: CLIENT_ID,
  clientSecret: SECRET,
  scope: SCOPE,
  timeoutMs: 30_000,
  pollIntervalMs: 1,
  maxPollIntervalMs: 3,
  maxWaitMs: 10_000,
  maxFileBytes: 1024 * 1024,
  ...over,
});

beforeAll(async () => {
  baseUrl = await server.start();
});
afterAll(() => server.stop());
beforeEach(() => {
  server.mode = 'normal';
  server.requests.length = 0;
  server.actions.length = 0;
  server.downloads.length = 0;
  server.tokenRequests.length = 0;
  server.pollsUntilDone = 2;
});

const rejection = async (p: Promise<unknown>): Promise<ConnectorError> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConnectorError);
  return err as ConnectorError;
};

describe('Defender for Endpoint Live Response client against a local MDE API server', () => {
  it('runs GetFile, polls the machine action, fetches the result link and downloads it without our token', async () => {
    const steps: string[] = [];
    const file = await new DefenderLiveResponseClient(settings()).fetchFile(MACHINE, PATH, '["wf-1","defender","m","p"]', {
      onProgress: (p) => steps.push(p.step),
    });
    expect(file.bytes.equals(DLL)).toBe(true);
    expect({ name: file.name, mediaType: file.mediaType, note: file.note }).toEqual({
      name: 'payload.dll',
      mediaType: 'application/octet-stream',
      note: undefined,
    });
    expect(server.tokenRequests).toEqual([{ client_id: CLIENT_ID, client_secret: SECRET, grant_type: 'client_credentials', scope: SCOPE }]);
    expect(server.actions).toEqual([
      expect.objectContaining({
        machineId: MACHINE,
        path: PATH,
        comment: 'autosoc evidence collection ["wf-1","defender","m","p"]',
        status: 'Succeeded',
      }),
    ]);
    expect(steps).toEqual(['live response started', 'live response InProgress', 'live response Succeeded']);
    const id = server.actions[0].id;
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /${TENANT}/oauth2/v2.0/token`,
      `POST /api/machines/${MACHINE}/runliveresponse`,
      `GET /api/machineactions/${id}`,
      `GET /api/machineactions/${id}`,
      `GET /api/machineactions/${id}/GetLiveResponseResultDownloadLink(index=0)`,
      `GET /storage/${server.actions[0].blob}`,
    ]);
    expect(server.downloads).toEqual([undefined]); // the pre-signed link never sees the bearer token
    expect(server.requests.slice(1, 5).every((r) => /^Bearer [0-9a-f-]{36}$/.test(r.authorization ?? ''))).toBe(true);
  });

  it('the server refuses API calls without a bearer token (401), and the client renews a revoked one once', async () => {
    const res = await fetch(`${baseUrl}/api/machineactions/x`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'Unauthorized' } });
    const client = new DefenderLiveResponseClient(settings());
    const action = await client.runGetFile(MACHINE, PATH, 'c');
    server.revokeTokens();
    expect((await client.getAction(action.id)).id).toBe(action.id);
    expect(server.tokenRequests).toHaveLength(2);
  });

  it('reports refused client credentials as auth without repeating the secret', async () => {
    const err = await rejection(new DefenderLiveResponseClient(settings({ clientSecret: 'not-the-secret' })).fetchFile(MACHINE, PATH, 'k'));
    expect(err).toMatchObject({ kind: 'auth', status: 401 });
    expect(err.message).toContain('AADSTS7000215');
    expect(err.message).not.toMatch(/not-the-secret|Mde~Secret/);
  });

  it('turns a failed action into rejected with the command errors, an unknown machine into not-found', async () => {
    const client = new DefenderLiveResponseClient(settings());
    const failed = await rejection(client.fetchFile(MACHINE, 'C:\\missing.exe', 'k'));
    expect(failed.kind).toBe('rejected');
    expect(failed.message).toBe(`defender live response ${server.actions[0].id} Failed: File not found`);
    expect(await rejection(client.fetchFile('f'.repeat(40), PATH, 'k'))).toMatchObject({ kind: 'not-found', status: 404 });
  });

  it('treats another live response on the machine as unavailable (retry later), and 500 and silence too', async () => {
    const client = new DefenderLiveResponseClient(settings());
    await client.runGetFile(MACHINE, PATH, 'first');
    const busy = await rejection(client.runGetFile(MACHINE, PATH, 'second'));
    expect(busy).toMatchObject({ kind: 'unavailable', status: 400, message: expect.stringContaining('ActiveRequestAlreadyExists') });
    server.mode = 'server-error';
    expect(await rejection(client.getAction(server.actions[0].id))).toMatchObject({ kind: 'unavailable', status: 500 });
    server.mode = 'hang';
    expect(await rejection(new DefenderLiveResponseClient(settings({ timeoutMs: 150 })).getAction('x'))).toMatchObject({
      kind: 'unavailable',
      message: 'no answer within 150 ms',
    });
  });

  it('resumes the recorded machine action instead of starting another', async () => {
    const client = new DefenderLiveResponseClient(settings());
    let saved: Record<string, unknown> | undefined;
    const controller = new AbortController();
    await expect(
      client.fetchFile(MACHINE, PATH, 'k', {
        signal: controller.signal,
        checkpoint: {
          save: async (ref) => {
            saved = ref;
            controller.abort(new Error('worker died'));
          },
        },
      }),
    ).rejects.toThrow('worker died');
    expect(saved).toEqual({ actionId: server.actions[0].id });
    const file = await client.fetchFile(MACHINE, PATH, 'k', { checkpoint: { saved, save: async () => undefined } });
    expect(file.bytes.equals(DLL)).toBe(true);
    expect(server.actions).toHaveLength(1);
  });

  it('cancels the action and gives up past the maximum wait', async () => {
    server.pollsUntilDone = 1_000_000;
    const err = await rejection(new DefenderLiveResponseClient(settings({ maxWaitMs: 30 })).fetchFile(MACHINE, PATH, 'k'));
    expect(err.message).toBe(`defender live response ${server.actions[0].id}: not finished within 30 ms (cancelled)`);
    expect(server.actions[0].status).toBe('Cancelled');
  });
});
