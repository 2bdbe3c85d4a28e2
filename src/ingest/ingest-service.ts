// Everything an accepted alert goes through before its workflow runs, whatever the channel
// (HTTP, syslog, poller, CLI): normalize → store evidence → suppression → storm/correlation
// routing → start. Every item gets its own outcome; a rejected item starts nothing.
import type { Client } from '@temporalio/client';
import { WithStartWorkflowOperation } from '@temporalio/client';
import type { Pool } from 'pg';
import { type Alert, alertWorkflowId } from '../domain/alert';
import { type CorrelationPolicy, correlationKey, incidentWorkflowId, similarityKey } from '../domain/correlation';
import { capObservables } from '../domain/bounded-input';
import { extractObservables, type ObservableSet } from '../domain/observables';
import { choosePlaybook, type PlaybookChoice } from '../domain/playbook-routing';
import type { TriagePolicy } from '../domain/policy';
import { matchesSuppression } from '../domain/suppression';
import { boundedLabel, ingestedAlerts } from '../metrics/metrics';
import { storeEvidence } from '../store/evidence';
import { countSimilar } from '../store/incidents';
import { activeSuppressions, recordSuppressedAlert, type SuppressionRow } from '../store/suppressions';
import { incidentWorkflow } from '../workflows';
import { incidentSummary } from '../workflows/ui-metadata';
import { addAlertUpdate } from '../workflows/messages';
import * as SA from '../workflows/search-attributes';
import type { PendingEvidence } from './formats/types';
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
  constructor(private readonly deps: IngestDeps) {
    checkRoutedPlaybooks(deps.policy.playbooks); // a routing typo stops the start, not an alert
  }

  /** Throws BodyError when nothing in the body can be read; otherwise one result per item. */
  async ingest(req: IngestRequest): Promise<IngestItemResult[]> {
    const items = await normalizeBody(req.body, { format: req.format, receivedAt: new Date().toISOString(), maxItems: req.maxItems, admit: req.admit });
    const suppressions = await activeSuppressions(this.deps.db);
    const results: IngestItemResult[] = [];
    for (const item of items) {
      const result = await this.route(item, suppressions, req.requiredSource ?? null);
      ingestedAlerts.inc({ source: boundedLabel('source', item.ok ? item.alert.source : undefined), format: result.format ?? 'unknown', result: result.status });
      results.push(result);
    }
    return results;
  }

  private async route(item: NormalizedItem, suppressions: SuppressionRow[], requiredSource: string | null): Promise<IngestItemResult> {
    if (!item.ok) return { index: item.index, status: 'rejected', format: item.format, error: item.error };
    const { index, format } = item;
    if (requiredSource && item.alert.source !== requiredSource) {
      return { index, format, status: 'rejected', error: `source: this token sends alerts for "${requiredSource}", not "${item.alert.source}"` };
    }
    const alert = await this.withEvidence(item.alert, item.evidence);
    const workflowId = alertWorkflowId(alert);
    const observables = extractObservables(alert);

    const rule = suppressions.find((s) => matchesSuppression(s.match, alert, observables));
    if (rule) {
      const fresh = await recordSuppressedAlert(this.deps.db, {
        workflowId, source: alert.source, sourceId: alert.sourceId, severity: alert.severity, title: alert.title, time: alert.time,
        alert: { ...alert, raw: undefined }, suppressionId: rule.id, reason: `suppressed by rule ${rule.id}: ${rule.reason}`,
      });
      return { index, format, workflowId, status: fresh ? 'suppressed' : 'duplicate' };
    }

    const choice = choosePlaybook(this.deps.policy.playbooks, { alert, format, observables });
    const routed = { playbook: choice.playbook, playbookReason: choice.reason };
    const { correlation } = this.deps;
    const similar = await countSimilar(this.deps.db, similarityKey(alert), workflowId, correlation.stormWindowMs);
    const storm = similar > correlation.stormThreshold;
    const key = storm ? `storm:${similarityKey(alert)}` : correlationKey(alert, observables, correlation.keys);
    if (!key) {
      const started = await startAlert(this.deps.client, { taskQueue: this.deps.taskQueue, policy: this.deps.policy, choice }, alert);
      return { index, format, workflowId, ...routed, status: started.duplicate ? 'duplicate' : 'accepted' };
    }
    const joined = await this.joinIncident(key, storm, alert, observables, choice);
    return {
      index, format, workflowId, incidentId: joined.incidentId, storm: joined.storm, ...routed,
      status: joined.outcome === 'duplicate' ? 'duplicate' : joined.outcome === 'joined' ? 'correlated' : 'accepted',
    };
  }

  private async withEvidence(alert: Alert, pending: PendingEvidence[]): Promise<Alert> {
    if (pending.length === 0) return alert;
    const refs = [];
    for (const blob of pending) refs.push(await storeEvidence(this.deps.db, blob));
    return { ...alert, evidence: [...alert.evidence, ...refs] };
  }

  /** Update-with-start: adds the alert to the key's running incident, or opens one. */
  private async joinIncident(key: string, storm: boolean, alert: Alert, observables: ObservableSet, choice: PlaybookChoice) {
    const { client, taskQueue, policy, correlation } = this.deps;
    for (let attempt = 1; ; attempt++) {
      const startWorkflowOperation = new WithStartWorkflowOperation(incidentWorkflow, {
        workflowId: incidentWorkflowId(key),
        taskQueue,
        args: [{ key, storm, policy, correlation }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowTaskTimeout: '30s',
        typedSearchAttributes: [
          { key: SA.AlertSource, value: alert.source },
          { key: SA.AlertSeverity, value: alert.severity },
          { key: SA.Storm, value: storm },
        ],
        staticSummary: incidentSummary(key, alert),
      });
      try {
        return await client.workflow.executeUpdateWithStart(addAlertUpdate, {
          // Observables go with the alert: the incident workflow relays them, never extracts them.
          // The routed playbook rides along only when a route chose it: the incident starts that type.
          args: [{ alert, storm, observables: capObservables(observables), ...(choice.route ? { route: { playbook: choice.playbook, reason: choice.reason } } : {}) }],
          startWorkflowOperation,
        });
      } catch (err) {
        // An incident finishing its quiet window refuses new alerts; the retry opens a new one.
        if (attempt < INCIDENT_RETRIES && /IncidentClosing|incident is closing/.test(String((err as Error).message) + String((err as { cause?: Error }).cause?.message))) continue;
        throw err;
      }
    }
  }
}
