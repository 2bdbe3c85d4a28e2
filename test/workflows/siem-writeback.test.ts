// The source SIEM learns the final disposition (siem-writeback-v1) on the time-skipping
// server, through the real connectors against the local Kibana and Splunk ES servers: an
// auto-closed alert is closed at the source with its reason; an approved one acknowledged.
import { ElasticWriteback } from '../../src/connectors/siem/elastic';
import { SplunkWriteback } from '../../src/connectors/siem/splunk';
import type { AlertInput } from '../../src/domain/alert';
import { DEFAULT_POLICY, type TriagePolicy } from '../../src/domain/policy';
import { decideUpdate } from '../../src/workflows/messages';
import { signedDecision } from '../helpers/security';
import { uniqueSuffix } from '../helpers/temporal';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflow-harness';
import { KibanaServer, SplunkEsServer } from '../servers/siem-writeback-servers';

const ids = { benign: `benign-${uniqueSuffix()}`, notable: `notable-${uniqueSuffix()}` };
const kibana = new KibanaServer('kibana-key', [ids.benign]);
const splunk = new SplunkEsServer('splunk-token', [ids.notable]);
const policy: TriagePolicy = { ...DEFAULT_POLICY, siemWriteback: { 'elastic-test': 'elastic', 'splunk-test': 'splunk' } };
let h: WorkflowHarness;
beforeAll(async () => {
  const [kibanaUrl, splunkUrl] = [await kibana.start(), await splunk.start()];
  h = await workflowHarness({
    siems: [
      new ElasticWriteback({ kibanaUrl, apiKey: 'kibana-key', timeoutMs: 5_000 }),
      new SplunkWriteback({ url: splunkUrl, token: 'splunk-token', timeoutMs: 5_000 }),
    ],
  });
});
afterAll(async () => {
  await h?.close();
  await kibana.stop();
  await splunk.stop();
});

test('an auto-closed alert is closed in Elastic Security with the reason', async () => {
  const alert: AlertInput = {
    source: 'elastic-test',
    sourceId: ids.benign,
    time: '2026-11-20T10:00:00Z',
    title: 'Scheduled task ran',
    severity: 'low',
    observables: {},
  };
  const result = await (await h.start(alert, policy)).result();
  expect(result.outcome).toBe('auto_closed');
  expect(kibana.alerts.get(ids.benign)).toMatchObject({ status: 'closed', notes: [expect.stringMatching(/^autosoc auto_closed: /)] });
  expect(kibana.statusWrites).toEqual([ids.benign]);
});

test('an escalated alert an analyst approved is acknowledged in Splunk ES with the decision', async () => {
  const alert: AlertInput = {
    source: 'splunk-test',
    sourceId: ids.notable,
    time: '2026-11-20T10:00:00Z',
    title: 'LSASS access by an unsigned binary',
    severity: 'high',
    observables: {
      hosts: [{ hostname: `ws-${uniqueSuffix()}` }],
      processes: [{ name: 'dump.exe', commandLine: 'procdump64.exe -ma lsass.exe out.dmp' }],
    },
  };
  const handle = await h.start(alert, policy);
  await h.untilStage(handle, 'awaiting_analyst');
  await handle.executeUpdate(decideUpdate, {
    args: [
      await signedDecision(
        handle.workflowId,
        { action: 'approve', actor: 'bob', reason: 'confirmed credential theft' },
        await h.env.currentTimeMs(),
      ),
    ],
  });
  const result = await handle.result();
  expect(result.outcome).toBe('recorded_for_manual_action');
  expect(splunk.notables.get(ids.notable)).toEqual({
    status: '2',
    comments: ['autosoc recorded_for_manual_action: confirmed credential theft'],
  });
});
