// scaffoldFlowLt09w on the time-skipping server with the real activities and database: start it,
// let an SLA tier pass in milliseconds, approve as an analyst, check what it did.
import { statusQuery } from '../../src/workflows/messages';
import { sampleAlert } from '../helpers/alerts';
import { uniqueSuffix } from '../helpers/temporal';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflow-harness';

let h: WorkflowHarness;
beforeAll(async () => { h = await workflowHarness(); });
afterAll(() => h?.close());

test('scaffoldFlowLt09w escalates a malicious alert, moves tiers on the SLA, and responds once approved', async () => {
  const handle = await h.startPlaybook('scaffoldFlowLt09w', sampleAlert('01-encoded-powershell.json', `scaffold-flow-lt09w-${uniqueSuffix()}`));
  await h.untilStage(handle, 'awaiting_analyst');
  await h.advance(16 * 60_000); // the default policy gives tier1 15 minutes
  expect((await handle.query(statusQuery)).tier).toBe('tier2');
  await h.decide(handle, { action: 'approve', actor: 'alice', reason: 'contain the host' });
  const result = await handle.result();
  expect(result.outcome).toBe('approved_and_responded');
  expect(result.responseActions).toContain('isolate_host:fin-ws-042=recorded for manual action');
});
