// Everything an accepted alert goes through before its workflow runs, whatever the channel
// (HTTP, syslog, poller, CLI): normalize → store evidence → suppression → storm/correlation
// routing → start. Every item gets its own outcome; a rejected item starts nothing. A
// correlated alert is stored, then sent to its incident by reference, batched per key with the
// look-alikes arriving meanwhile (incident-batcher.ts); its answer waits for both.
import type { Client } from '@temporalio/client';
import { WithStartWorkflowOperation, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import type { Pool } from 'pg';
import { type Alert, alertWorkflowId } from '../domain/alert';
import { type CorrelationPolicy, correlationKey, incidentWorkflowId, similarityKey } from '../domain/correlation';
import { alertRef } from '../domain/alert-ref';
import { extractObservables } from '../domain/observables';
import { choosePlaybook } from '../domain/playbook-routing';
import type { TriagePolicy } from '../domain/policy';
import { matchesSuppression } from '../domain/suppression';
import { boundedLabel, ingestedAlerts } from '../metrics/metrics';
import { storeEvidence } from '../store/evidence';
import { countSimilar, storeIncidentAlerts } from '../store/incidents';
import { activeSuppressions, recordSuppressedAlert, type SuppressionRow } from '../store/suppressions';
import { incidentWorkflow } from '../workflows';
import { incidentSummary } from '../workflows/ui-metadata';
import type { AddAlertResult } from '../domain/incident-state';
import { addAlertsUpdate } from '../workflows/messages';
import * as SA from '../workflows/search-attributes';
import type { PendingEvidence } from './formats/types';
import { IncidentBatcher, type IncidentDelivery } from './incident-batcher';
import type { AlertIntake, IngestItemResult, IngestRequest } from './intake';
import { normalizeBody, type NormalizedItem } from './normalize';
import { checkRoutedPlaybooks, startAlert } from './start-alert';

export interface IngestDeps {
  db: Pool;
  client: Client;
  taskQueue: string;
  policy: TriagePolicy;
  correlation: CorrelationPolicy;
}

/** How often an update-with-start is retried when it meets an incident that is closing. */
const INCIDENT_RETRIES = 5;

export class IngestService implements AlertIntake {
  /** Per incident key: alerts that arrive while an update is on its way go in the next one. */
  readonly incidents = new IncidentBatcher((key, batch) => this.deliverToIncident(key, batch));

  constructor(private readonly deps: IngestDeps) {
    checkRoutedPlaybooks(deps.policy.playbooks); // a routing typo stops the start, not an alert
  }

  /** Throws BodyError when nothing in the body can be read; otherwise one result per item. */
  async ingest(req: IngestRequest): Promise<IngestItemResult[]> {
    const items = await normalizeBody(req.body, {
      format: req.format,
      receivedAt: new Date().toISOString(),
      maxItems: req.maxItems,
      admit: req.admit,
    });
    const suppressions = await activeSuppressions(this.deps.db);
    // Items in parallel: a body's look-alikes share their incident's update. Their storm counts
    // run one at a time: concurrent counts each miss the others' rows, so a burst in one body
    // would slip under the storm threshold.
    let counting: Promise<unknown> = Promise.resolve();
    const countInTurn = (count: () => Promise<number>): Promise<number> => {
      const mine = counting.then(count, count);
      counting = mine.catch(() => undefined);
      return mine;
    };
    return Promise.all(
      items.map(async (item) => {
        const result = await this.route(item, suppressions, req.requiredSource ?? null, countInTurn);
        ingestedAlerts.inc({
          source: boundedLabel('source', item.ok ? item.alert.source : undefined),
          format: result.format ?? 'unknown',
          result: result.status,
        });
        return result;
      }),
    );
  }

  private async route(
    item: NormalizedItem,
    suppressions: SuppressionRow[],
    requiredSource: string | null,
    countInTurn: (count: () => Promise<number>) => Promise<number>,
  ): Promise<IngestItemResult> {
    if (!item.ok) return { index: item.index, status: 'rejected', format: item.format, error: item.error };
    const { index, format } = item;
    if (requiredSource && item.alert.source !== requiredSource) {
      return {
        index,
        format,
        status: 'rejected',
        error: `source: this token sends alerts for "${requiredSource}", not "${item.alert.source}"`,
      };
    }
    const alert = await this.withEvidence(item.alert, item.evidence);
    const workflowId = alertWorkflowId(alert);
    const observables = extractObservables(alert);

    const rule = suppressions.find((s) => matchesSuppression(s.match, alert, observables));
    if (rule) {
      const fresh = await recordSuppressedAlert(this.deps.db, {
        workflowId,
        source: alert.source,
        sourceId: alert.sourceId,
        severity: alert.severity,
        title: alert.title,
        time: alert.time,
        alert: { ...alert, raw: undefined },
        suppressionId: rule.id,
        reason: `suppressed by rule ${rule.id}: ${rule.reason}`,
      });
      return { index, format, workflowId, status: fresh ? 'suppressed' : 'duplicate' };
    }

    const choice = choosePlaybook(this.deps.policy.playbooks, { alert, format, observables });
    const routed = { playbook: choice.playbook, playbookReason: choice.reason };
    const { correlation } = this.deps;
    const similar = await countInTurn(() => countSimilar(this.deps.db, similarityKey(alert), workflowId, correlation.stormWindowMs));
    const storm = similar > correlation.stormThreshold;
    const key = storm ? `storm:${similarityKey(alert)}` : correlationKey(alert, observables, correlation.keys);
    if (!key) {
      const started = await startAlert(this.deps.client, { taskQueue: this.deps.taskQueue, policy: this.deps.policy, choice }, alert);
      return { index, format, workflowId, ...routed, status: started.duplicate ? 'duplicate' : 'accepted' };
    }
    const route = choice.route ? { playbook: choice.playbook, reason: choice.reason } : undefined;
    const joined = await this.incidents.add({ key, storm, ref: alertRef(alert, observables, route), alert, observables });
    return {
      index,
      format,
      workflowId,
      incidentId: joined.incidentId,
      storm: joined.storm,
      ...routed,
      status: joined.outcome === 'duplicate' ? 'duplicate' : joined.outcome === 'joined' ? 'correlated' : 'accepted',
    };
  }

  private async withEvidence(alert: Alert, pending: PendingEvidence[]): Promise<Alert> {
    if (pending.length === 0) return alert;
    const refs = [];
    for (const blob of pending) refs.push(await storeEvidence(this.deps.db, blob));
    return { ...alert, evidence: [...alert.evidence, ...refs] };
  }

  /**
   * Stores a key's batch of alerts, then adds them by reference to the key's running incident,
   * or opens one (update-with-start). Stored first: an alert whose update never arrives (the
   * process stopped) is taken up by its incident before it ends.
   */
  private async deliverToIncident(key: string, batch: IncidentDelivery[]): Promise<AddAlertResult[]> {
    const { client, taskQueue, policy, correlation, db } = this.deps;
    await storeIncidentAlerts(
      db,
      batch.map((d) => ({ alert: d.alert, observables: d.observables, incidentKey: key, route: d.ref.route })),
    );
    const storm = batch.some((d) => d.storm);
    const first = batch[0].alert;
    for (let attempt = 1; ; attempt++) {
      const startWorkflowOperation = new WithStartWorkflowOperation(incidentWorkflow, {
        workflowId: incidentWorkflowId(key),
        taskQueue,
        args: [{ key, storm, policy, correlation }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowTaskTimeout: '30s',
        typedSearchAttributes: [
          { key: SA.AlertSource, value: first.source },
          { key: SA.AlertSeverity, value: first.severity },
          { key: SA.Storm, value: storm },
        ],
        staticSummary: incidentSummary(key, first),
      });
      try {
        return await client.workflow.executeUpdateWithStart(addAlertsUpdate, {
          args: [{ alerts: batch.map((d) => d.ref), storm }],
          startWorkflowOperation,
        });
      } catch (err) {
        // An incident finishing its quiet window refuses new alerts; the retry opens a new one.
        // An update the server could not answer in time (a loaded incident) is sent again: the
        // alerts are stored, and the incident answers `duplicate` for any it already took.
        const closingIncident = /IncidentClosing|incident is closing/.test(
          String((err as Error).message) + String((err as { cause?: Error }).cause?.message),
        );
        if (attempt < INCIDENT_RETRIES && (closingIncident || err instanceof WorkflowUpdateRPCTimeoutOrCancelledError)) continue;
        throw err;
      }
    }
  }
}
