// One incident: alerts that share a correlation key (or a storm of look-alikes). The first
// alert is investigated by its own alertWorkflow (a child that outlives the incident); the
// rest join without a full investigation: they are recorded, counted, and sent to that
// investigation as new evidence so it re-triages. The incident closes after a quiet window.
import {
  allHandlersFinished, ApplicationFailure, condition, continueAsNew, getExternalWorkflowHandle, log, ParentClosePolicy,
  proxyActivities, setHandler, startChild, upsertSearchAttributes, workflowInfo, WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { createActivities } from '../activities';
import { type Alert, alertWorkflowId, parseAlert } from '../domain/alert';
import type { CorrelationPolicy } from '../domain/correlation';
import { extractObservables } from '../domain/observables';
import type { TriagePolicy } from '../domain/policy';
import { alertWorkflow } from './alert-workflow';
import { addAlertUpdate, incidentStatusQuery, relatedAlertsSignal } from './messages';
import * as SA from './search-attributes';

type Activities = ReturnType<typeof createActivities>;

const store = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 50, nonRetryableErrorTypes: ['BadInput'] },
});

/** How many alert ids an incident remembers for dedup across continue-as-new. */
const SEEN_LIMIT = 20_000;

export interface IncidentState {
  key: string;
  storm: boolean;
  alertCount: number;
  primary?: string;
  seen: string[];
}
export interface IncidentInput {
  key: string;
  storm: boolean;
  policy: TriagePolicy;
  correlation: CorrelationPolicy;
  carried?: IncidentState;
}
export interface AddAlertResult {
  incidentId: string;
  outcome: 'investigating' | 'joined' | 'duplicate';
  alertWorkflowId: string;
  alertCount: number;
  storm: boolean;
}

export async function incidentWorkflow(input: IncidentInput): Promise<IncidentState> {
  const incidentId = workflowInfo().workflowId;
  const state: IncidentState = input.carried ?? { key: input.key, storm: input.storm, alertCount: 0, seen: [] };
  const seen = new Set(state.seen);
  const joined: { workflowId: string; alert: Alert }[] = [];
  let changed = input.carried === undefined;
  let closing = false;

  const result = (outcome: AddAlertResult['outcome'], alertWorkflowId: string): AddAlertResult =>
    ({ incidentId, outcome, alertWorkflowId, alertCount: state.alertCount, storm: state.storm });

  setHandler(incidentStatusQuery, () => ({ ...state, seen: [] }));
  setHandler(addAlertUpdate, async ({ alert, storm }) => {
    const id = alertWorkflowId(alert);
    if (seen.has(id)) return result('duplicate', id);
    seen.add(id);
    state.alertCount += 1;
    state.storm ||= storm;
    changed = true;
    if (state.primary) {
      joined.push({ workflowId: id, alert });
      return result('joined', id);
    }
    state.primary = id;
    try {
      await startChild(alertWorkflow, {
        workflowId: id,
        args: [{ alert, policy: input.policy, incidentId }],
        parentClosePolicy: ParentClosePolicy.ABANDON, // the investigation outlives the quiet window
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        workflowTaskTimeout: '30s',
        typedSearchAttributes: SA.alertStartAttributes(alert),
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      // Investigated before, by an earlier run of this incident: a redelivery.
      state.primary = undefined;
      state.alertCount -= 1;
      return result('duplicate', id);
    }
    return result('investigating', id);
  }, {
    validator: ({ alert }) => {
      if (closing) throw ApplicationFailure.retryable('incident is closing; retry to open a new one', 'IncidentClosing');
      parseAlert(alert);
    },
  });

  for (;;) {
    // Sliding window: every alert restarts the quiet period.
    const active = await condition(() => changed || joined.length > 0, input.correlation.windowMs);
    if (!active) break;
    await flush();
    // Every alert so far was a redelivery of one investigated before: nothing to hold open.
    if (state.alertCount === 0 && allHandlersFinished()) break;
    if (workflowInfo().continueAsNewSuggested) {
      closing = true;
      await condition(allHandlersFinished);
      await flush();
      await continueAsNew<typeof incidentWorkflow>({ ...input, carried: { ...state, seen: [...seen].slice(-SEEN_LIMIT) } });
    }
  }
  closing = true;
  await condition(allHandlersFinished);
  await flush();
  return { ...state, seen: [] };

  async function flush(): Promise<void> {
    if (!changed && joined.length === 0) return;
    changed = false;
    const batch = joined.splice(0);
    await store.recordIncident({ incidentId, key: state.key, alertCount: state.alertCount, storm: state.storm, primary: state.primary, joined: batch });
    upsertSearchAttributes([{ key: SA.AlertCount, value: state.alertCount }, { key: SA.Storm, value: state.storm }]);
    if (state.primary && batch.length > 0) {
      try {
        await getExternalWorkflowHandle(state.primary).signal(relatedAlertsSignal, {
          incidentId, alertCount: state.alertCount, observables: batch.map((j) => extractObservables(j.alert)),
        });
      } catch (err) {
        // The investigation already ended; the alerts are recorded on the incident regardless.
        log.info('primary investigation no longer running', { primary: state.primary, error: (err as Error).message });
      }
    }
  }
}
