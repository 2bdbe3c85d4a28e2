// Sandbox detonation in the alert workflow, against a local server that speaks the CAPEv2
// REST API: the policy asks for it, the sample is submitted once, and the sandbox's
// verdict is part of the triage.
import { DEFAULT_POLICY, type TriagePolicy } from '../../src/domain/policy';
import { sandboxFromConfig } from '../../src/connectors/sandbox/config';
import { storeEvidence } from '../../src/store/evidence';
import { signedDecision } from '../helpers/security';
import { uniqueSuffix } from '../helpers/temporal';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflow-harness';
import { CapeServer } from '../servers/cape-server';
import { capeReport } from '../connectors/sandbox/cape-report-fixture';

const cape = new CapeServer({ token: 'cape-token', report: (s) => capeReport(s.taskId, s.sha256, s.filename ?? 'sample') });
let h: WorkflowHarness;
beforeAll(async () => {
  const baseUrl = await cape.start();
  h = await workflowHarness({
    sandbox: sandboxFromConfig({
      cape: { baseUrl, token: 'cape-token', timeoutMs: 5_000, transferTimeoutMs: 5_000, maxReportBytes: 10_000_000 },
      submit: {},
      polling: { pollIntervalMs: 10, maxPollIntervalMs: 20, maxWaitMs: 60_000 },
    }),
  });
});
afterAll(async () => {
  await h?.close();
  await cape.stop();
});

test('a file the policy wants detonated is submitted once and the sandbox verdict drives the triage', async () => {
  const ref = await storeEvidence(h.db.pool, {
    kind: 'file',
    mediaType: 'application/octet-stream',
    name: 'update.exe',
    content: Buffer.from(`MZ sample ${uniqueSuffix()}`),
  });
  const policy: TriagePolicy = { ...DEFAULT_POLICY, sandbox: { detonate: 'always', maxSamples: 3 } };
  const handle = await h.start(
    {
      source: 'edr-test',
      sourceId: uniqueSuffix(),
      time: '2026-11-20T10:00:00Z',
      title: 'Unknown binary executed',
      severity: 'low',
      evidence: [ref],
    },
    policy,
  );
  await h.untilStage(handle, 'awaiting_analyst');
  expect(cape.submissions.filter((s) => s.sha256 === ref.sha256)).toHaveLength(1);
  const status = (await handle.query('status' as never)) as { reasons: string[]; verdict: string; disposition: string };
  expect(status.reasons.join(' ')).toMatch(/sandbox/);
  expect(status.disposition).toBe('escalate');
  await handle.signal(
    'close',
    signedDecision(handle.workflowId, { action: 'close', actor: 'bob', reason: 'test done' }, await h.env.currentTimeMs()),
  );
  await handle.result();
});
