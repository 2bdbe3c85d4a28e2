// One incident: alerts that share a correlation key (or a storm of look-alikes). The first
// alert is investigated by its own alertWorkflow (a child that outlives the incident); the
// rest join without a full investigation: they are recorded, counted, and sent to that
// investigation as new evidence so it re-triages. Since 'incident-triage-v1' no alert can hide
// behind that primary: an alert more severe than it, or one arriving once its run has ended,
// gets an investigation of its own, which becomes the primary for the alerts after it.
// Workflow code here never scans alert text: the ingest service sends each alert's observables.
// Since 'incident-alert-refs-v1' alerts arrive by reference (addAlerts: the ingest service
// stored them first), in batches; the incident loads an alert only to start its investigation,
// and before it ends it takes up any alert stored for its key that never reached it (ingest
// stopped between the store and the update).
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  ParentClosePolicy,
  patched,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { type Alert, alertWorkflowId, type Severity } from '../domain/alert';
import { type AlertRef, checkAlertRefs, REF_BATCH_LIMIT } from '../domain/alert-ref';
import { capObservables, checkAlertEnvelope, checkObservableSet, compareSeverity, OBSERVABLES_PER_KIND } from '../domain/bounded-input';
import { chunkByJsonLength } from '../domain/payload-chunks';
import { extractObservables, mergeObservables, type ObservableSet, searchableObservables } from '../domain/observables';
import type { AddAlertResult, IncidentInput, IncidentState } from '../domain/incident-state';
import type { alertWorkflow } from './alert-workflow';
import { BUILT_IN_PLAYBOOK } from '../domain/playbook-routing';
import { databaseSteps as store, localDatabaseSteps } from './sdk/activity-options';
import { addAlertsUpdate, addAlertUpdate, incidentStatusQuery, relatedAlertsSignal } from './messages';
import * as SA from './search-attributes';
import { alertUiMetadata } from './ui-metadata';

/** How many alert ids an incident remembers for dedup across continue-as-new. */
const SEEN_LIMIT = 20_000;

/** An alert on its way into the incident: by reference, or whole (updates sent before 'incident-alert-refs-v1'). */
interface Incoming {
  workflowId: string;
  severity: Severity;
  observables: ObservableSet;
  alert?: Alert;
  route?: AlertRef['route'];
}
type Joined = Omit<Incoming, 'route'>;
const EMPTY: ObservableSet = { hosts: [], users: [], hashes: [], domains: [], ips: [], urls: [], emails: [], commandLines: [] };

export async function incidentWorkflow(input: IncidentInput): Promise<IncidentState> {
  const incidentId = workflowInfo().workflowId;
  const state: IncidentState = input.carried ?? { key: input.key, storm: input.storm, alertCount: 0, seen: [] };
  const seen = new Set(state.seen);
  const joined: Joined[] = [];
  let changed = input.carried === undefined;
  let closing = false;

  const result = (outcome: AddAlertResult['outcome'], alertWorkflowId: string): AddAlertResult => ({
    incidentId,
    outcome,
    alertWorkflowId,
    alertCount: state.alertCount,
    storm: state.storm,
  });
  /** The primary cannot speak for this alert: it is more severe, or the primary's run has ended. */
  const needsOwnInvestigation = (severity: Severity) =>
    state.primaryOpen === false || (state.primarySeverity !== undefined && compareSeverity(severity, state.primarySeverity) > 0);

  /** Counts the alert and routes it: it joins the primary's investigation or gets its own. */
  async function add({ workflowId: id, severity, observables, alert, route }: Incoming, storm: boolean): Promise<AddAlertResult> {
    if (seen.has(id)) return result('duplicate', id);
    seen.add(id);
    state.alertCount += 1;
    state.observables = mergeObservables(state.observables ?? EMPTY, [observables], OBSERVABLES_PER_KIND).merged;
    state.storm ||= storm;
    changed = true;
    if (state.primary && !(needsOwnInvestigation(severity) && patched('incident-triage-v1'))) {
      joined.push({ workflowId: id, severity, observables, ...(alert ? { alert } : {}) });
      return result('joined', id);
    }
    if (!(await investigate(id, severity, alert, route))) {
      // Investigated before, by an earlier run of this incident: a redelivery.
      state.alertCount -= 1;
      return result('duplicate', id);
    }
    return result('investigating', id);
  }

  setHandler(incidentStatusQuery, () => ({ ...state, seen: [] }));
  setHandler(
    addAlertUpdate,
    ({ alert, storm, observables, route }) =>
      add(
        {
          workflowId: alertWorkflowId(alert),
          severity: alert.severity,
          observables: observablesOf(alert, observables),
          alert,
          route,
        },
        storm,
      ),
    {
      // Cheap and bounded: the alert was validated at ingest; this only refuses what the
      // handler could not route (a caller other than the ingest service, e.g. the Temporal CLI).
      validator: ({ alert, observables }) => {
        if (closing) throw ApplicationFailure.retryable('incident is closing; retry to open a new one', 'IncidentClosing');
        checkAlertEnvelope(alert);
        if (observables !== undefined) checkObservableSet(observables);
      },
    },
  );
  // A batch of stored alerts by reference, handled in order: one result each.
  setHandler(
    addAlertsUpdate,
    async ({ alerts, storm }) => {
      const results: AddAlertResult[] = [];
      for (const ref of alerts) results.push(await add(ref, storm));
      return results;
    },
    {
      validator: ({ alerts }) => {
        if (closing) throw ApplicationFailure.retryable('incident is closing; retry to open a new one', 'IncidentClosing');
        checkAlertRefs(alerts);
      },
    },
  );

  for (;;) {
    // Sliding window: every alert restarts the quiet period.
    const active = await condition(() => changed || joined.length > 0, input.correlation.windowMs);
    if (!active && !(patched('incident-reconcile-v1') && (await takeUpStoredAlerts()))) break;
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
  async function investigate(workflowId: string, severity: Severity, sent?: Alert, route?: AlertRef['route']): Promise<boolean> {
    const previous = { primary: state.primary, primarySeverity: state.primarySeverity, primaryOpen: state.primaryOpen };
    // Set before the start: alerts arriving meanwhile join this investigation.
    Object.assign(state, { primary: workflowId, primarySeverity: severity, primaryOpen: true });
    try {
      // By reference: the investigation starts with the alert as ingest stored it (only
      // addAlerts sends none, and it exists only in runs with this marker).
      let alert = sent;
      // A local activity: one marker, no round trip through the server, while the batch waits.
      if (!alert && patched('incident-alert-refs-v1')) alert = await localDatabaseSteps.loadStoredAlert(workflowId);
      if (!alert) throw ApplicationFailure.nonRetryable(`alert ${workflowId} came without its body`, 'BadInput');
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
      void child
        .result()
        .catch(() => undefined)
        .then(() => {
          if (state.primary === workflowId) state.primaryOpen = false;
        });
      return true;
    } catch (err) {
      Object.assign(state, previous);
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      return false;
    }
  }

  async function flush(): Promise<void> {
    if (!changed && joined.length === 0) return;
    changed = false;
    const batch = joined.splice(0);
    // Alerts sent by reference are in the store already: their record is the id.
    const records = batch.map(({ workflowId, alert }) => (alert ? { workflowId, alert } : { workflowId }));
    // A storm's batch of full alerts can pass Temporal's 2 MB payload limit: since
    // 'storm-chunks-v1' it is recorded in chunks under it, one activity each, in order.
    const chunks = patched('storm-chunks-v1') ? chunkByJsonLength(records) : [records];
    // No joined alerts (only the count or the primary changed): one call records the row.
    for (const chunk of chunks.length > 0 ? chunks : [[]]) {
      await store.recordIncident({
        incidentId,
        key: state.key,
        alertCount: state.alertCount,
        storm: state.storm,
        primary: state.primary,
        joined: chunk,
      });
    }
    upsertSearchAttributes([
      { key: SA.AlertCount, value: state.alertCount },
      { key: SA.Storm, value: state.storm },
      // Runs started before replay their upsert without it (the patch marker is the only new command).
      ...(state.observables && patched('outcome-attribute-v1')
        ? [{ key: SA.Observables, value: searchableObservables(state.observables) }]
        : []),
    ]);
    if (!state.primary || batch.length === 0) return;
    if (await relate(state.primary, batch)) return;
    // The primary's run ended before these alerts reached it: the most severe of them is
    // investigated on its own and the others join that investigation.
    if (!patched('incident-triage-v1')) return;
    state.primaryOpen = false;
    const lead = batch.reduce((a, b) => (compareSeverity(b.severity, a.severity) > 0 ? b : a));
    if (await investigate(lead.workflowId, lead.severity, lead.alert)) {
      const rest = batch.filter((j) => j !== lead);
      if (rest.length > 0) await relate(state.primary, rest);
    }
  }

  /**
   * Alerts the ingest service stored for this key that never reached the incident (it stopped
   * between the store and the update): added as if they had arrived. True when there were any.
   */
  async function takeUpStoredAlerts(): Promise<boolean> {
    const stored = await localDatabaseSteps.storedIncidentAlerts({ key: state.key, limit: REF_BATCH_LIMIT });
    let added = false;
    for (const ref of stored) added = (await add(ref, state.storm)).outcome !== 'duplicate' || added;
    return added;
  }

  /** Sends joined alerts' observables to an investigation; false when its run has ended. */
  async function relate(primary: string, batch: Joined[]): Promise<boolean> {
    try {
      await getExternalWorkflowHandle(primary).signal(relatedAlertsSignal, {
        incidentId,
        alertCount: state.alertCount,
        // One set for the whole batch, capped: a storm cannot grow the signal without bound.
        observables: [
          mergeObservables(
            EMPTY,
            batch.map((j) => j.observables),
            OBSERVABLES_PER_KIND,
          ).merged,
        ],
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
