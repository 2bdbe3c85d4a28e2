// Incident bookkeeping: the incident row, the alerts that joined it, and the alerts ingest
// stored for it (by reference: the incident loads one only to start its investigation).
import { ApplicationFailure } from '@temporalio/activity';
import { BAD_INPUT } from '../domain/error-types';
import type { Alert } from '../domain/alert';
import type { AlertRef } from '../domain/alert-ref';
import {
  loadStoredAlert as loadAlertRow,
  markIncidentPrimary,
  recordCorrelatedAlerts,
  storedIncidentAlerts as storedForKey,
  upsertIncident,
} from '../store/incidents';
import type { ActivityDeps } from './deps';

export interface RecordIncidentInput {
  incidentId: string;
  key: string;
  alertCount: number;
  storm: boolean;
  primary?: string;
  /** Joined alerts: whole (runs before 'incident-alert-refs-v1'), or the id of one ingest stored. */
  joined: { workflowId: string; alert?: Alert }[];
}

/** The alerts first, then the row's count: a reader never sees a count ahead of the alerts recorded. */
export async function recordIncident(deps: ActivityDeps, i: RecordIncidentInput): Promise<void> {
  await recordCorrelatedAlerts(deps.db, i.incidentId, i.joined);
  if (i.primary) await markIncidentPrimary(deps.db, i.incidentId, i.primary);
  await upsertIncident(deps.db, { id: i.incidentId, key: i.key, alertCount: i.alertCount, storm: i.storm, primary: i.primary });
}

/** The alert an incident investigates, as ingest stored it; its absence is a bad reference. */
export async function loadStoredAlert(deps: ActivityDeps, workflowId: string): Promise<Alert> {
  const alert = await loadAlertRow(deps.db, workflowId);
  if (!alert) throw ApplicationFailure.nonRetryable(`no stored alert ${workflowId}`, BAD_INPUT);
  return alert;
}

/** Alerts stored for the incident's key that never reached it (ingest stopped between store and update). */
export async function storedIncidentAlerts(deps: ActivityDeps, input: { key: string; limit: number }): Promise<AlertRef[]> {
  return storedForKey(deps.db, input.key, input.limit);
}
