// One incident: alerts that share a correlation key (or a storm of look-alikes). The first
// alert is investigated by its own alertWorkflow (a child that outlives the incident); the
// rest join without a full investigation: they are recorded, counted, and sent to that
// investigation as new evidence so it re-triages. Since 'incident-triage-v1' no alert can hide
// behind that primary: an alert more severe than it, or one arriving once its run has ended,
// gets an investigation of its own, which becomes the primary for the alerts after it.
// Workflow code here never scans alert text: the ingest service sends each alert's observables.
import {
  allHandlersFinished, ApplicationFailure, condition, continueAsNew, getExternalWorkflowHandle, log, ParentClosePolicy,
  patched, setHandler, startChild, upsertSearchAttributes, workflowInfo, WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { type Alert, alertWorkflowId } from '../domain/alert';
import {
  capObservables, checkAlertEnvelope, checkObservableSet, compareSeverity, OBSERVABLES_PER_KIND,
} from '../domain/bounded-input';
import { chunkByJsonLength } from '../domain/payload-chunks';
import { extractObservables, mergeObservables, type ObservableSet, searchableObservables } from '../domain/observables';
import type { AddAlertResult, IncidentInput, IncidentState } from '../domain/incident-state';
import type { alertWorkflow } from './alert-workflow';
import { BUILT_IN_PLAYBOOK } from '../domain/playbook-routing';
import { databaseSteps as store } from './sdk/activity-options';
import { type AddAlertInput, addAlertUpdate, incidentStatusQuery, relatedAlertsSignal } from './messages';
import * as SA from './search-attributes';
import { alertUiMetadata } from './ui-metadata';

/** How many alert ids an incident remembers for dedup across continue-as-new. */
const SEEN_LIMIT = 20_000;

interface Joined { workflowId: string; alert: Alert; observables: ObservableSet }
const EMPTY: ObservableSet = { hosts: [], users: [], hashes: [], domains: [], ips: [], urls: [], emails: [], commandLines: [] };

export async function incidentWorkflow(input: IncidentInput): Promise<IncidentState> {
  const incidentId = workflowInfo().workflowId;
  const state: IncidentState = input.carried ?? { key: input.key, storm: input.storm, alertCount: 0, seen: [] };
  const seen = new Set(state.seen);
  const joined: Joined[] = [];
  let changed = input.carried === undefined;
  let closing = false;

  const result = (outcome: AddAlertResult['outcome'], alertWorkflowId: string): AddAlertResult =>
    ({ incidentId, outcome, alertWorkflowId, alertCount: state.alertCount, storm: state.storm });
  /** The primary cannot speak for this alert: it is more severe, or the primary's run has ended. */
  const needsOwnInvestigation = (alert: Alert) => state.primaryOpen === false
    || (state.primarySeverity !== undefined && compareSeverity(alert.severity, state.primarySeverity) > 0);

  setHandler(incidentStatusQuery, () => ({ ...state, seen: [] }));
  setHandler(addAlertUpdate, async ({ alert, storm, observables, route }) => {
    const id = alertWorkflowId(alert);
    if (seen.has(id)) return result('duplicate', id);
    seen.add(id);
    state.alertCount += 1;
    state.observables = mergeObservables(state.observables ?? EMPTY, [observablesOf(alert, observables)], OBSERVABLES_PER_KIND).merged;
    state.storm ||= storm;
    changed = true;
    if (state.primary && !(needsOwnInvestigation(alert) && patched('incident-triage-v1'))) {
      joined.push({ workflowId: id, alert, observables: observablesOf(alert, observables) });
      return result('joined', id);
    }
    if (!(await investigate(id, alert, route))) {
      // Investigated before, by an earlier run of this incident: a redelivery.
      state.alertCount -= 1;
      return result('duplicate', id);
    }
    return result('investigating', id);
  }, {
    // Cheap and bounded: the alert was validated at ingest; this only refuses what the
    // handler could not route (a caller other than the ingest service, e.g. the Temporal CLI).
    validator: ({ alert, observables }) => {
      if (closing) throw ApplicationFailure.retryable('incident is closing; retry to open a new one', 'IncidentClosing');
      checkAlertEnvelope(alert);
      if (observables !== undefined) checkObservableSet(observables);
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

  /**
   * Starts an alertWorkflow for the alert, which becomes the incident's primary. False when a
   * workflow of that id ran before (a redelivery); the previous primary then stays. A routed
   * alert starts the playbook its route chose (same workflow type as before when none did).
   */
  async function investigate(workflowId: string, alert: Alert, route?: AddAlertInput['route']): Promise<boolean> {
    const previous = { primary: state.primary, primarySeverity: state.primarySeverity, primaryOpen: state.primaryOpen };
    // Set before the start: alerts arriving meanwhile join this investigation.
    Object.assign(state, { primary: workflowId, primarySeverity: alert.severity, primaryOpen: true });
    try {
      const child = await startChild<typeof alertWorkflow>(route?.playbook ?? BUILT_IN_PLAYBOOK, {
        workflowId,
        args: [{ alert, policy: input.policy, incidentId, ...(route ? { route } : {}) }],
        parentClosePolicy: ParentClosePolicy.ABANDON, // the investigation outlives the quiet window
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        workflowTaskTimeout: '30s',
        typedSearchAttributes: SA.alertStartAttributes(alert),
        ...alertUiMetadata(alert), // user metadata, not a command: the sequence is unchanged
      });
      // Its end arrives as an event either way; noting it issues no command.
      void child.result().catch(() => undefined).then(() => {
        if (state.primary === workflowId) state.primaryOpen = false;
      });
      return true;
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      Object.assign(state, previous);
      return false;
    }
  }

  async function flush(): Promise<void> {
    if (!changed && joined.length === 0) return;
    changed = false;
    const batch = joined.splice(0);
    const records = batch.map(({ workflowId, alert }) => ({ workflowId, alert }));
    // A storm's batch of full alerts can pass Temporal's 2 MB payload limit: since
    // 'storm-chunks-v1' it is recorded in chunks under it, one activity each, in order.
    const chunks = patched('storm-chunks-v1') ? chunkByJsonLength(records) : [records];
    // No joined alerts (only the count or the primary changed): one call records the row.
    for (const chunk of chunks.length > 0 ? chunks : [[]]) {
      await store.recordIncident({
        incidentId, key: state.key, alertCount: state.alertCount, storm: state.storm, primary: state.primary, joined: chunk,
      });
    }
    upsertSearchAttributes([
      { key: SA.AlertCount, value: state.alertCount }, { key: SA.Storm, value: state.storm },
      // Runs started before replay their upsert without it (the patch marker is the only new command).
      ...(state.observables && patched('outcome-attribute-v1') ? [{ key: SA.Observables, value: searchableObservables(state.observables) }] : []),
    ]);
    if (!state.primary || batch.length === 0) return;
    if (await relate(state.primary, batch)) return;
    // The primary's run ended before these alerts reached it: the most severe of them is
    // investigated on its own and the others join that investigation.
    if (!patched('incident-triage-v1')) return;
    state.primaryOpen = false;
    const lead = batch.reduce((a, b) => (compareSeverity(b.alert.severity, a.alert.severity) > 0 ? b : a));
    if (await investigate(lead.workflowId, lead.alert)) {
      const rest = batch.filter((j) => j !== lead);
      if (rest.length > 0) await relate(state.primary, rest);
    }
  }

  /** Sends joined alerts' observables to an investigation; false when its run has ended. */
  async function relate(primary: string, batch: Joined[]): Promise<boolean> {
    try {
      await getExternalWorkflowHandle(primary).signal(relatedAlertsSignal, {
        incidentId, alertCount: state.alertCount,
        // One set for the whole batch, capped: a storm cannot grow the signal without bound.
        observables: [mergeObservables(EMPTY, batch.map((j) => j.observables), OBSERVABLES_PER_KIND).merged],
      });
      return true;
    } catch (err) {
      log.info('primary investigation no longer running', { primary, error: (err as Error).message });
      return false;
    }
  }
}

/**
 * A joined alert's observables: as the ingest service extracted them, or (from a caller that
 * sent none) the alert's structured fields only, never a scan of its free text.
 */
function observablesOf(alert: Alert, sent: ObservableSet | undefined): ObservableSet {
  if (sent) return capObservables(sent);
  try {
    return capObservables(extractObservables(alert, { freeText: false }));
  } catch {
    return EMPTY; // an alert without the structure ingest gives it: nothing to relate
  }
}
