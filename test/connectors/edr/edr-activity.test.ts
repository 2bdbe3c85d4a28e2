// The real edrFetchFile activity in Temporal's own activity harness (MockActivityEnvironment)
// against local Falcon and Defender servers and the test database.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { edrFetchFile, type EdrActivityDeps, type EdrFetchFileInput } from '../../../src/activities/edr';
import { DefenderLiveResponseClient } from '../../../src/connectors/edr/defender';
import { FalconRtrClient } from '../../../src/connectors/edr/falcon';
import { edrIdempotencyKey } from '../../../src/store/edr-fetches';
import { ConnectorError } from '../../../src/connectors/connector-http';
import type { EdrProgress } from '../../../src/connectors/edr/types';
import { extractObservables } from '../../../src/domain/observables';
import { upsertAlert } from '../../../src/store/alerts';
import { getEvidence, type EvidenceRef } from '../../../src/store/evidence';
import { sampleAlert } from '../../helpers/alerts';
import { openTestDatabase, type TestDatabase } from '../../helpers/database';
import { uniqueSuffix } from '../../helpers/temporal';
import { DefenderServer } from '../../servers/defender-server';
import { FalconServer } from '../../servers/falcon-server';
import { sevenZipArchive } from '../../servers/seven-zip-archive';

const HOST = '4f1c0a2b3d4e5f60718293a4b5c6d7e8';
const MACHINE = '1e5bc9d7e413ddd7902c2932e418702b84d0cc07';
const PATH = 'C:\\Users\\jdoe\\Downloads\\invoice.exe';
const EXE = readFileSync('/usr/bin/env');
const falcon = new FalconServer({ clientId: 'falcon-id', clientSecret: 'falcon-secret', hosts: { [HOST]: { files: { [PATH]: EXE } } } });
// As the real extracted-file-contents answers: the file in a 7z with password "infected".
falcon.wrapDownload = (content) => sevenZipArchive({ 'invoice.exe': content });
const defender = new DefenderServer({
  tenant: 'tenant-1',
  clientId: 'mde-id',
  clientSecret: 'mde-secret',
  scope: 'https://api.securitycenter.microsoft.com/.default',
  machines: { [MACHINE]: { files: { [PATH]: EXE } } },
});
let db: TestDatabase;
let deps: EdrActivityDeps;

interface Outcome {
  value?: EvidenceRef;
  error?: unknown;
  beats: EdrProgress[];
}

async function run(input: EdrFetchFileInput, cancelWhen?: (p: EdrProgress) => boolean, using: EdrActivityDeps = deps): Promise<Outcome> {
  const env = new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') });
  const beats: EdrProgress[] = [];
  env.on('heartbeat', (p: EdrProgress) => {
    beats.push(p);
    if (cancelWhen?.(p)) env.cancel();
  });
  const outcome = await env.run(edrFetchFile, using, input).then(
    (value) => ({ value: value as EvidenceRef }),
    (error: unknown) => ({ error }),
  );
  return { ...outcome, beats };
}

const row = async (input: EdrFetchFileInput) =>
  (await db.pool.query('SELECT state, remote_ref, evidence, error FROM edr_fetches WHERE idempotency_key = $1', [edrIdempotencyKey(input)]))
    .rows[0];

beforeAll(async () => {
  const [database, falconUrl, defenderUrl] = await Promise.all([openTestDatabase(), falcon.start(), defender.start()]);
  db = database;
  const poll = { timeoutMs: 30_000, pollIntervalMs: 1, maxPollIntervalMs: 3, maxWaitMs: 10_000, maxFileBytes: 1024 * 1024 };
  deps = {
    db: db.pool,
    edrAllow: { hosts: [HOST, MACHINE], paths: ['C:\\Users\\*\\Downloads\\**'] },
    edr: {
      falcon: new FalconRtrClient({ ...poll, baseUrl: falconUrl, clientId: 'falcon-id', clientSecret: 'falcon-secret' }),
      defender: new DefenderLiveResponseClient({
        ...poll,
        baseUrl: defenderUrl,
        tokenUrl: `${defenderUrl}/tenant-1/oauth2/v2.0/token`,
        clientId: 'mde-id',
        clientSecret: 'mde-secret',
        scope: 'https://api.securitycenter.microsoft.com/.default',
      }),
    },
  };
});
afterAll(async () => {
  await Promise.all([falcon.stop(), defender.stop()]);
  await db.close();
});
beforeEach(() => {
  for (const s of [falcon, defender]) {
    s.mode = 'normal';
    s.requests.length = 0;
  }
  falcon.commands.length = 0;
  defender.actions.length = 0;
});

describe('edrFetchFile only fetches what the policy allows (nothing reaches the EDR otherwise)', () => {
  it.each([
    [
      'a host not listed',
      'falcon',
      'ffff0000ffff0000ffff0000ffff0000',
      PATH,
      /host ffff0000ffff0000ffff0000ffff0000 is not in edrCollection.allow.hosts/,
    ],
    [
      'a path outside the globs',
      'falcon',
      HOST,
      'C:\\Windows\\System32\\config\\SAM',
      /path C:\\Windows\\System32\\config\\SAM is not in edrCollection.allow.paths/,
    ],
    [
      '".." out of an allowed folder',
      'defender',
      MACHINE,
      'C:\\Users\\jdoe\\Downloads\\..\\..\\..\\Windows\\System32\\config\\SAM',
      /path C:\\Windows\\System32\\config\\SAM is not in/,
    ],
    ['a UNC path', 'defender', MACHINE, '\\\\evil\\share\\Users\\x\\Downloads\\a.exe', /drive letter/],
    ['a short name', 'falcon', HOST, 'C:\\Users\\jdoe\\DOWNLO~1\\invoice.exe', /8.3 short names/],
    ['a stream', 'falcon', HOST, 'C:\\Users\\jdoe\\Downloads\\invoice.exe:secret', /streams/],
  ] as const)('%s is refused without retries', async (_what, connector, hostId, path, message) => {
    const { error } = await run({ workflowId: `wf-${uniqueSuffix()}`, connector, hostId, path });
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error).toMatchObject({ type: 'EdrNotAllowed', nonRetryable: true, message: expect.stringMatching(message) });
    expect(falcon.requests.length + defender.requests.length).toBe(0);
  });

  it('a separator and dot-segment variant of an allowed path is fetched as its resolved form', async () => {
    const { value } = await run({
      workflowId: `wf-${uniqueSuffix()}`,
      connector: 'falcon',
      hostId: HOST,
      path: 'c:/Users/jdoe/./Temp/../Downloads//invoice.exe',
    });
    expect(value).toMatchObject({ kind: 'file', sizeBytes: EXE.length });
    expect(falcon.commands.map((c) => c.commandString)).toEqual([expect.stringContaining(PATH)]);
  });

  it('with no allow-list in the policy nothing is fetched', async () => {
    const { error } = await run({ workflowId: `wf-${uniqueSuffix()}`, connector: 'falcon', hostId: HOST, path: PATH }, undefined, {
      ...deps,
      edrAllow: undefined,
    });
    expect(error).toMatchObject({ type: 'EdrNotAllowed', message: expect.stringMatching(/no edrCollection.allow list/) });
    expect(falcon.requests).toHaveLength(0);
  });
});

describe('edrFetchFile activity (MockActivityEnvironment, local EDR servers)', () => {
  it.each(['defender', 'falcon'] as const)(
    'stores the file from %s as evidence; a retry after success runs nothing remotely',
    async (connector) => {
      const input = { workflowId: `wf-${uniqueSuffix()}`, connector, hostId: connector === 'falcon' ? HOST : MACHINE, path: PATH };
      const { value } = await run(input);
      // Defender's GetFile answers a ZIP, Falcon's download a 7z: the file inside is the evidence, the archive its recorded container.
      const { container, ...file } = value!;
      expect(file).toEqual({
        sha256: createHash('sha256').update(EXE).digest('hex'),
        kind: 'file',
        mediaType: 'application/octet-stream',
        sizeBytes: EXE.length,
        name: 'invoice.exe',
      });
      expect((await getEvidence(db.pool, value!.sha256))?.equals(EXE)).toBe(true);
      if (connector === 'defender') {
        expect(container).toEqual({
          sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
          name: 'invoice.exe.zip',
          mediaType: 'application/zip',
          note: 'ZIP as Defender Live Response GetFile returns a collected file, holding invoice.exe',
        });
        expect((await getEvidence(db.pool, container!.sha256))?.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
      } else {
        expect(container).toEqual({
          sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
          name: 'invoice.exe.7z',
          mediaType: 'application/x-7z-compressed',
          note: '7z (password "infected") as Falcon RTR returns a collected file, holding invoice.exe',
        });
        expect((await getEvidence(db.pool, container!.sha256))?.subarray(0, 6).toString('latin1')).toBe('7z\xbc\xaf\x27\x1c');
      }
      expect(await row(input)).toMatchObject({ state: 'done', evidence: value, error: null });

      const server = connector === 'falcon' ? falcon : defender;
      const before = server.requests.length;
      expect((await run(input)).value).toEqual(value);
      expect(server.requests.length).toBe(before);
    },
  );

  it('links the file to the alert when the workflow has one', async () => {
    const alert = sampleAlert('02-lsass-dump.json', `edr-${uniqueSuffix()}`);
    const workflowId = `wf-${uniqueSuffix()}`;
    await upsertAlert(db.pool, workflowId, alert, extractObservables(alert));
    const { value } = await run({ workflowId, connector: 'defender', hostId: MACHINE, path: PATH });
    const links = await db.pool.query('SELECT sha256, kind FROM alert_evidence WHERE workflow_id = $1', [workflowId]);
    expect(links.rows).toEqual(
      expect.arrayContaining([
        { sha256: value!.sha256, kind: 'file' },
        { sha256: value!.container!.sha256, kind: 'container' },
      ]),
    );
    expect(links.rows).toHaveLength(2);
  });

  it('resumes the recorded Defender action after a cancelled attempt: one live response in all', async () => {
    const input = { workflowId: `wf-${uniqueSuffix()}`, connector: 'defender' as const, hostId: MACHINE, path: PATH };
    const first = await run(input, (p) => p.step === 'live response started');
    expect(first.error).toBeInstanceOf(CancelledFailure);
    expect(await row(input)).toMatchObject({ state: 'started', remote_ref: { actionId: defender.actions[0].id } });
    const second = await run(input);
    expect(second.value).toMatchObject({ kind: 'file', sizeBytes: EXE.length });
    expect(defender.actions).toHaveLength(1);
  });

  it('resumes the recorded Falcon `get` after a cancelled attempt: one command in all', async () => {
    const input = { workflowId: `wf-${uniqueSuffix()}`, connector: 'falcon' as const, hostId: HOST, path: PATH };
    const first = await run(input, (p) => p.step === 'get: running');
    expect(first.error).toBeInstanceOf(CancelledFailure);
    expect(await row(input)).toMatchObject({ state: 'started', remote_ref: { cloudRequestId: falcon.commands[0].cloudRequestId } });
    expect((await run(input)).value).toMatchObject({ kind: 'file' });
    expect(falcon.commands).toHaveLength(1);
  });

  it('fails without retries when the host reports a failed action, and records why', async () => {
    const input = {
      workflowId: `wf-${uniqueSuffix()}`,
      connector: 'defender' as const,
      hostId: MACHINE,
      path: 'C:\\Users\\jdoe\\Downloads\\gone.exe',
    };
    const { error } = await run(input);
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error).toMatchObject({ type: 'EdrRejected', nonRetryable: true, message: expect.stringContaining('Failed: File not found') });
    expect(await row(input)).toMatchObject({ state: 'failed', remote_ref: null, error: expect.stringContaining('File not found') });
  });

  it('throws a retryable error on a 500 and keeps the fetch open for the retry', async () => {
    falcon.mode = 'server-error';
    const input = { workflowId: `wf-${uniqueSuffix()}`, connector: 'falcon' as const, hostId: HOST, path: PATH };
    const { error } = await run(input);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ kind: 'unavailable', status: 500 });
    expect(await row(input)).toMatchObject({ state: 'started' });
    falcon.mode = 'normal';
    expect((await run(input)).value).toMatchObject({ kind: 'file' });
  });

  it('refuses bad input and unconfigured connectors without retries', async () => {
    const good = { workflowId: 'wf', connector: 'falcon' as const, hostId: HOST, path: PATH };
    for (const bad of [
      { ...good, workflowId: '' },
      { ...good, connector: 'carbonblack' as never },
      { ...good, hostId: 'a b' },
      { ...good, path: 'C:\\a\r\nb' },
    ]) {
      expect((await run(bad)).error).toMatchObject({ type: 'BadInput', nonRetryable: true });
    }
    const saved = deps.edr;
    deps.edr = { falcon: saved!.falcon };
    try {
      expect((await run({ ...good, connector: 'defender', hostId: MACHINE })).error).toMatchObject({
        type: 'NotConfigured',
        nonRetryable: true,
        message: 'EDR connector defender is not configured',
      });
    } finally {
      deps.edr = saved;
    }
  });
});
