import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConnectorError } from '../../../src/connectors/connector-http';
import { FalconRtrClient, rtrArgument, type FalconSettings } from '../../../src/connectors/edr/falcon';
import type { FetchedFile } from '../../../src/connectors/edr/types';
import { FalconServer } from '../../servers/falcon-server';
import { sevenZipArchive } from '../../servers/seven-zip-archive';

const CLIENT_ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const SECRET = 'FalconSecret-Do-Not-Log-0123456789abcd';
const HOST = '4f1c0a2b3d4e5f60718293a4b5c6d7e8';
const EXE = readFileSync('/usr/bin/env');
const PS = [
  'Name                Id Start Time (UTC-0)   WorkingMemory(kb)    CPU(s) HandleCount Path',
  '----                -- ------------------   -----------------    ------ ----------- ----',
  'explorer          4120 3/14/2025 8:02:11 AM            98,312     12.50        2231 C:\\Windows\\explorer.exe',
  'invoice viewer    6644 3/14/2025 9:15:40 AM            12,008      0.31         188 C:\\Users\\jdoe\\AppData\\Local\\Temp\\inv view.exe',
  'System               4 3/14/2025 8:00:01 AM               144    310.02        5120',
].join('\r\n');

const server = new FalconServer({
  clientId: CLIENT_ID,
  clientSecret: SECRET,
  hosts: {
    [HOST]: {
      files: { 'C:\\Users\\jdoe\\Downloads\\inv 2025.exe': EXE, 'C:\\Windows\\Temp\\a.ps1': Buffer.from('Write-Host hi') },
      psOutput: PS,
    },
  },
});
let baseUrl: string;
const settings = (over: Partial<FalconSettings> = {}): FalconSettings => ({
  baseUrl,
  clientId: CLIENT_ID,
  clientSecret: SECRET,
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
  server.commands.length = 0;
  server.deletedSessions.length = 0;
  server.pollsUntilComplete = 2;
  server.listsUntilUploaded = 1;
  server.wrapDownload = undefined;
  server.chunkChars = 64 * 1024;
  server.manualClock = undefined;
  server.advancePerStatusMs = 0;
  server.pulses.length = 0;
  server.throttleNext = 0;
  server.throttled = 0;
});

const rejection = async (p: Promise<unknown>): Promise<ConnectorError> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConnectorError);
  return err as ConnectorError;
};

describe('Falcon RTR client against a local Falcon API server', () => {
  it('gets a file: token, session, `get`, polls, waits for the upload, downloads, closes the session', async () => {
    const client = new FalconRtrClient(settings());
    const steps: string[] = [];
    const file = await client.fetchFile(HOST, 'C:\\Users\\jdoe\\Downloads\\inv 2025.exe', 'key-1', {
      onProgress: (p) => steps.push(p.step),
    });
    expect(file.bytes.equals(EXE)).toBe(true);
    expect(file).toMatchObject({ name: 'inv 2025.exe', mediaType: 'application/octet-stream' });
    expect(server.commands).toEqual([
      expect.objectContaining({ deviceId: HOST, baseCommand: 'get', commandString: 'get "C:\\Users\\jdoe\\Downloads\\inv 2025.exe"' }),
    ]);
    expect(steps).toEqual(['session open', 'get: running', 'get: complete', 'get: waiting for upload']);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /oauth2/token',
      'POST /real-time-response/entities/sessions/v1',
      'POST /real-time-response/entities/active-responder-command/v1',
      'GET /real-time-response/entities/active-responder-command/v1',
      'GET /real-time-response/entities/active-responder-command/v1',
      'GET /real-time-response/entities/file/v2',
      'GET /real-time-response/entities/file/v2',
      'GET /real-time-response/entities/extracted-file-contents/v1',
      'DELETE /real-time-response/entities/sessions/v1',
    ]);
    expect(server.requests.slice(1).every((r) => /^Bearer [0-9a-f]{32}$/.test(r.authorization ?? ''))).toBe(true);
    expect(server.deletedSessions).toHaveLength(1);
  });

  it('the server refuses RTR calls without a bearer token (401), and the client renews an expired one once', async () => {
    const res = await fetch(`${baseUrl}/real-time-response/entities/sessions/v1`, {
      method: 'POST',
      body: JSON.stringify({ device_id: HOST }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ errors: [{ code: 401, message: 'access denied, authorization failed' }] });

    const client = new FalconRtrClient(settings());
    await client.initSession(HOST);
    const issued = server.tokensIssued;
    server.revokeTokens();
    await client.initSession(HOST);
    expect(server.tokensIssued).toBe(issued + 1);
  });

  it('reports refused client credentials as auth without repeating the secret', async () => {
    const client = new FalconRtrClient(settings({ clientSecret: 'wrong-secret-value' }));
    const err = await rejection(client.fetchFile(HOST, 'C:\\Windows\\Temp\\a.ps1', 'k'));
    expect(err).toMatchObject({ kind: 'auth', status: 401 });
    expect(err.message).not.toMatch(/wrong-secret-value|FalconSecret/);
  });

  it('passes on what the host says when the file is missing, and not-found for an unknown host', async () => {
    const client = new FalconRtrClient(settings());
    expect(await rejection(client.fetchFile(HOST, 'C:\\nope.exe', 'k'))).toMatchObject({
      kind: 'rejected',
      message: 'falcon get: Could not find file C:\\nope.exe',
    });
    expect(await rejection(client.fetchFile('0'.repeat(32), 'C:\\x', 'k'))).toMatchObject({ kind: 'not-found', status: 404 });
  });

  it("is unavailable on 500 and on silence, and throws the caller's abort reason", async () => {
    server.mode = 'server-error';
    expect(await rejection(new FalconRtrClient(settings()).initSession(HOST))).toMatchObject({ kind: 'unavailable', status: 500 });
    server.mode = 'hang';
    expect(await rejection(new FalconRtrClient(settings({ timeoutMs: 150 })).initSession(HOST))).toMatchObject({
      kind: 'unavailable',
      message: 'no answer within 150 ms',
    });
    const controller = new AbortController();
    const reason = new Error('cancelled by the workflow');
    const pending = new FalconRtrClient(settings()).initSession(HOST, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 30);
    await expect(pending).rejects.toBe(reason);
  });

  describe('the 7z the real API answers (password "infected", written by 7-Zip)', () => {
    const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const fetchPs1 = (over: Partial<FalconSettings> = {}) =>
      new FalconRtrClient(settings(over)).fetchFile(HOST, 'C:\\Windows\\Temp\\a.ps1', 'k');
    const keptAsContainer = (file: FetchedFile, archive: Buffer, why: RegExp) => {
      expect(file).toMatchObject({ name: 'a.ps1.7z', mediaType: 'application/x-7z-compressed' });
      expect(file.container).toBeUndefined();
      expect(file.bytes.equals(archive)).toBe(true);
      expect(file.note).toMatch(
        /^7z archive as Falcon RTR returns it \(password "infected"\), holding a\.ps1 \(sha256 [0-9a-f]{64}\); not unpacked: /,
      );
      expect(file.note).toMatch(why);
    };

    it('unpacks the one file inside as the evidence, the archive kept as its container', async () => {
      let archive: Buffer = Buffer.alloc(0);
      server.wrapDownload = async (content) => (archive = await sevenZipArchive({ 'a.ps1': content }));
      const file = await fetchPs1();
      expect(file).toMatchObject({ name: 'a.ps1', mediaType: 'application/octet-stream' });
      expect(file.note).toBeUndefined();
      expect(sha256(file.bytes)).toBe(sha256(Buffer.from('Write-Host hi')));
      expect(file.container).toEqual({
        bytes: archive,
        name: 'a.ps1.7z',
        mediaType: 'application/x-7z-compressed',
        note: '7z (password "infected") as Falcon RTR returns a collected file, holding a.ps1',
      });
      expect(archive.subarray(0, 6).equals(Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]))).toBe(true);
      expect(archive.includes(Buffer.from('Write-Host'))).toBe(false); // encrypted, not stored
    });

    it('keeps a corrupt archive as it came, with a note', async () => {
      const archive = await sevenZipArchive({ 'a.ps1': Buffer.from('Write-Host hi') });
      archive.fill(0x41, 32, archive.length - 8);
      server.wrapDownload = () => archive;
      keptAsContainer(await fetchPs1(), archive, /unreadable archive|extraction failed/);
    });

    it('keeps an archive with a wrong password as it came', async () => {
      const archive = await sevenZipArchive({ 'a.ps1': Buffer.from('Write-Host hi') }, 'not-infected');
      server.wrapDownload = () => archive;
      keptAsContainer(await fetchPs1(), archive, /unreadable archive/);
    });

    it('keeps an archive holding two files, saying so', async () => {
      const archive = await sevenZipArchive({ 'a.ps1': Buffer.from('Write-Host hi'), 'b.ps1': Buffer.from('Write-Host ho') });
      server.wrapDownload = () => archive;
      keptAsContainer(await fetchPs1(), archive, /2 files inside, expected exactly one$/);
    });

    it('does not unpack a file over maxFileBytes (from the size the headers declare)', async () => {
      const archive = await sevenZipArchive({ 'a.ps1': Buffer.alloc(64 * 1024, 0x20) });
      expect(archive.length).toBeLessThan(4096);
      server.wrapDownload = () => archive;
      keptAsContainer(await fetchPs1({ maxFileBytes: 4096 }), archive, /a\.ps1 is 65536 bytes, over the 4096-byte limit$/);
    });

    it('keeps the archive when the file inside is not the one Falcon reported', async () => {
      const archive = await sevenZipArchive({ 'a.ps1': Buffer.from('Write-Host swapped') });
      server.wrapDownload = () => archive;
      keptAsContainer(await fetchPs1(), archive, /the file inside has sha256 [0-9a-f]{64}, not the one Falcon reported$/);
    });
  });

  it('resumes a recorded command instead of running `get` again; starts over if its session expired', async () => {
    const client = new FalconRtrClient(settings());
    let saved: Record<string, unknown> | undefined;
    const controller = new AbortController();
    const first = client.fetchFile(HOST, 'C:\\Windows\\Temp\\a.ps1', 'k', {
      signal: controller.signal,
      checkpoint: {
        save: async (ref) => {
          saved = ref;
          controller.abort(new Error('worker died'));
        },
      },
    });
    await expect(first).rejects.toThrow('worker died');
    expect(saved).toEqual({ sessionId: expect.any(String), cloudRequestId: server.commands[0].cloudRequestId });

    const resumed = await client.fetchFile(HOST, 'C:\\Windows\\Temp\\a.ps1', 'k', { checkpoint: { saved, save: async () => undefined } });
    expect(resumed.bytes.toString()).toBe('Write-Host hi');
    expect(server.commands).toHaveLength(1);

    server.expireSessions();
    const again = await client.fetchFile(HOST, 'C:\\Windows\\Temp\\a.ps1', 'k', { checkpoint: { saved, save: async () => undefined } });
    expect(again.bytes.toString()).toBe('Write-Host hi');
    expect(server.commands).toHaveLength(2);
  });

  it('gives up past the maximum wait', async () => {
    server.pollsUntilComplete = 1_000_000;
    const err = await rejection(new FalconRtrClient(settings({ maxWaitMs: 30 })).fetchFile(HOST, 'C:\\Windows\\Temp\\a.ps1', 'k'));
    expect(err).toMatchObject({ kind: 'rejected', message: 'falcon get: not complete within 30 ms' });
  });

  it('lists processes with `ps` (no parent ids in RTR ps, so a flat snapshot)', async () => {
    const snap = await new FalconRtrClient(settings()).processTree(HOST, 6644);
    expect(snap).toMatchObject({
      hostId: HOST,
      pid: 6644,
      source: 'rtr ps',
      parentsKnown: false,
      children: [],
      target: {
        pid: 6644,
        name: 'invoice viewer',
        startTime: '3/14/2025 9:15:40 AM',
        path: 'C:\\Users\\jdoe\\AppData\\Local\\Temp\\inv view.exe',
      },
    });
    expect(snap.processes.map((p) => [p.name, p.pid, p.path])).toEqual([
      ['explorer', 4120, 'C:\\Windows\\explorer.exe'],
      ['invoice viewer', 6644, 'C:\\Users\\jdoe\\AppData\\Local\\Temp\\inv view.exe'],
      ['System', 4, undefined],
    ]);
    expect(server.commands[0]).toMatchObject({ baseCommand: 'ps', commandString: 'ps' });
    expect(server.deletedSessions).toHaveLength(1);
  });

  it('reads every sequence_id chunk of a long `ps` answer, not only the first', async () => {
    server.chunkChars = 100; // the PS table is over 500 characters: six chunks
    const snap = await new FalconRtrClient(settings()).processTree(HOST, 6644);
    expect(snap.processes.map((p) => p.pid)).toEqual([4120, 6644, 4]);
    const sequences = server.requests
      .filter((r) => r.method === 'GET' && r.path.endsWith('/active-responder-command/v1'))
      .map((r) => r.query.sequence_id);
    expect(sequences).toEqual(['0', '0', ...Array.from({ length: Math.ceil(PS.length / 100) - 1 }, (_, i) => String(i + 1))]);
    expect(sequences.length).toBeGreaterThan(4);
  });

  it('pulses the session while a long command runs (sessions expire after 10 idle minutes)', async () => {
    const clock = { now: 1_800_000_000_000 };
    Object.assign(server, { manualClock: clock, advancePerStatusMs: 60_000, pollsUntilComplete: 15 }); // 15 minutes of polls
    const file = await new FalconRtrClient(settings({ now: () => clock.now })).fetchFile(HOST, 'C:\\Windows\\Temp\\a.ps1', 'k');
    expect(file.bytes.toString()).toBe('Write-Host hi');
    expect(server.pulses.length).toBeGreaterThanOrEqual(2);

    // Without pulses the session is gone by minute 11.
    server.commands.length = 0;
    const err = await rejection(
      new FalconRtrClient(settings({ now: () => clock.now, pulseEveryMs: Number.MAX_SAFE_INTEGER })).fetchFile(
        HOST,
        'C:\\Windows\\Temp\\a.ps1',
        'k',
      ),
    );
    expect(err).toMatchObject({ kind: 'not-found', message: expect.stringContaining('Could not find command or its session') });
    expect(server.commands[0].polls).toBe(10);
  });

  it('waits out a 429 for as long as X-RateLimit-RetryAfter says, then carries on', async () => {
    server.throttleNext = 1;
    const snap = await new FalconRtrClient(settings()).processTree(HOST, 6644);
    expect(snap.target?.pid).toBe(6644);
    expect(server.throttled).toBe(1);
    expect(server.requests.filter((r) => r.path === '/real-time-response/entities/sessions/v1' && r.method === 'POST')).toHaveLength(2); // the throttled one, then its retry
  });

  it('quotes RTR arguments with spaces and refuses ones it cannot quote', () => {
    expect(rtrArgument('C:\\a.exe')).toBe('C:\\a.exe');
    expect(rtrArgument('C:\\Program Files\\a.exe')).toBe('"C:\\Program Files\\a.exe"');
    for (const bad of ['', 'C:\\a".exe', 'C:\\a\nb', 'x'.repeat(1025)]) expect(() => rtrArgument(bad)).toThrow(ConnectorError);
  });
});
