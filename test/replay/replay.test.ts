// Replays the histories the e2e test recorded against today's workflow code: a change that
// would break running workflows (non-determinism) fails here, with no server.
import { Worker } from '@temporalio/worker';
import { workflowSource } from '../../src/worker';
import { loadHistories } from '../helpers/histories';
import { testDataConverter } from '../helpers/security';

const histories = loadHistories();

test('recorded histories exist for every path the e2e test covers', () => {
  expect(histories.map((h) => h.name)).toEqual([
    'auto-closed',
    // The response saga at the local Falcon server and the firewall lists, undone on a false-positive close (test/e2e/containment-undo).
    'containment-released-as-false-positive',
    'escalated-approved-by-update',
    'escalated-closed-by-signal',
    'escalated-retriaged-by-related-alerts',
    'incident-three-alerts',
    // Recorded with patched('outcome-attribute-v1'): Outcome on the alert, Observables on the incident.
    'outcome-attribute-closed-by-update',
    'outcome-attribute-incident-two-alerts',
    'poller-worker-killed-mid-page',
    // Recorded before the assessment step existed (patched('assessment-v1')): must keep replaying.
    'pre-assessment-auto-closed',
    'pre-assessment-escalated-approved-by-update',
    'pre-assessment-escalated-closed-by-signal',
    'pre-assessment-escalated-retriaged-by-related-alerts',
    // Recorded before the response saga (patched('containment-v1')): respond in one activity.
    'pre-containment-auto-closed',
    'pre-containment-escalated-approved-by-update',
    'pre-containment-escalated-closed-by-signal',
    // Recorded before the store steps became local activities (patched('local-store-v1')).
    'pre-local-store-auto-closed',
    'pre-local-store-escalated-approved-by-update',
    'pre-local-store-escalated-closed-by-signal',
    'pre-local-store-escalated-retriaged-by-related-alerts',
    // Recorded before decisions were signed (patched('signed-decisions-v1')): bare decisions.
    'pre-signed-decisions-auto-closed',
    'pre-signed-decisions-escalated-approved-by-update',
    'pre-signed-decisions-escalated-closed-by-signal',
    // Recorded before triage v2 and the incident/related-alert fixes (patched('triage-context-v1'),
    // 'related-triage-v1', 'incident-triage-v1'), some with signed decisions already.
    'pre-triage-v2-auto-closed',
    'pre-triage-v2-escalated-approved-by-update',
    'pre-triage-v2-escalated-closed-by-signal',
    'pre-triage-v2-escalated-retriaged-by-related-alerts',
    'pre-triage-v2-incident-three-alerts',
    'pre-triage-v2-poller-worker-killed-mid-page',
  ]);
});

// Through the payload codec every worker runs with: payloads recorded before it (plaintext)
// pass through its decode unchanged.
test.each(histories.map((h) => [h.name, h] as const))('replays %s deterministically', async (_name, { workflowId, history }) => {
  await Worker.runReplayHistory(
    { ...workflowSource(false, process.env.AUTOSOC_WORKFLOW_BUNDLE), dataConverter: testDataConverter },
    history,
    workflowId,
  );
});
