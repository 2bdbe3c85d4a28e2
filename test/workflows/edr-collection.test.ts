// EDR collection in the alert workflow, against a local server that speaks the CrowdStrike
// Falcon Real Time Response API: the process image is fetched from the host, stored as
// evidence and analyzed; a file the host no longer has is missing evidence, not a failure.
import { FalconRtrClient } from '../../src/connectors/edr/falcon';
import { DEFAULT_POLICY, type TriagePolicy } from '../../src/domain/policy';
import { statusQuery } from '../../src/workflows/messages';
import { signedDecision } from '../helpers/security';
import { uniqueSuffix } from '../helpers/temporal';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflow-harness';
import { FalconServer } from '../servers/falcon-server';

const HOST = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const PATH = 'C:\\Users\\jdoe\\AppData\\Local\\Temp\\upd.exe';
const EICAR = Buffer.concat([Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$'), Buffer.from('EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*')]);
const falcon = new FalconServer({ clientId: 'falcon-id', clientSecret: 'falcon-secret', hosts: { [HOST]: { files: { [PATH]: EICAR } } } });
let h: WorkflowHarness;

beforeAll(async () => {
  const baseUrl = await falcon.start();
  h = await workflowHarness({
    // The worker's policy allows user temp folders on this host: lsass.exe below is never asked for.
    edrAllow: { hosts: [HOST], paths: ['C:\\Users\\*\\AppData\\Local\\Temp\\*.exe', 'C:\\Temp\\*'] },
    edr: {
      falcon: new FalconRtrClient({
        baseUrl,
        clientId: 'falcon-id',
        clientSecret: 'falcon-secret',
        timeoutMs: 5_000,
        pollIntervalMs: 1,
        maxPollIntervalMs: 5,
        maxWaitMs: 30_000,
        maxFileBytes: 1024 * 1024,
      }),
    },
  });
});
afterAll(async () => {
  await h?.close();
  await falcon.stop();
});

test('the process image is fetched through Falcon RTR, stored, and the investigation finds it', async () => {
  const policy: TriagePolicy = { ...DEFAULT_POLICY, edrCollection: { connector: 'falcon', maxFiles: 3 } };
  const handle = await h.start(
    {
      source: 'crowdstrike',
      sourceId: uniqueSuffix(),
      time: '2026-11-20T10:00:00Z',
      title: 'Suspicious binary in Temp',
      severity: 'medium',
      observables: {
        hosts: [{ hostname: 'fin-ws-7', uid: HOST }],
        processes: [
          { name: 'upd.exe', path: PATH },
          { name: 'gone.exe', path: 'C:\\Temp\\gone.exe' },
          { name: 'lsass.exe', path: 'C:\\Windows\\System32\\lsass.exe' },
        ],
      },
    },
    policy,
  );
  await h.untilStage(handle, 'awaiting_analyst');
  const evidence = await h.db.pool.query<{ kind: string }>('SELECT kind FROM alert_evidence WHERE workflow_id = $1', [handle.workflowId]);
  expect(evidence.rows.map((r) => r.kind)).toEqual(['file']);
  expect(falcon.commands.map((c) => c.commandString).join('\n')).not.toMatch(/lsass/i); // refused before the EDR
  const status = await handle.query(statusQuery);
  expect(status.verdict).toBe('malicious'); // the fetched file is the EICAR test file
  expect(status.reasons.join(' ')).toMatch(/EICAR/i);
  await handle.signal(
    'close',
    signedDecision(handle.workflowId, { action: 'close', actor: 'bob', reason: 'test file' }, await h.env.currentTimeMs()),
  );
  await handle.result();
});
