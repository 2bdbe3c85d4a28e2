// The alert workflow's public surface: what analysts, the API and the CLI may send and read.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { SignedDecision } from '../domain/signed-decision';
import type { Alert } from '../domain/alert';
import type { AlertRef } from '../domain/alert-ref';
import type { ObservableSet } from '../domain/observables';
import type { AddAlertResult, IncidentState } from '../domain/incident-state';
import type { AlertStatus } from '../domain/alert-status';

// Decisions are envelopes autosoc signed (`autosoc decision sign` prints one for the Temporal
// CLI); the workflow refuses (Update) or ignores (Signal) anything else. Runs started before
// signed decisions took a bare Decision here.
/** Approve the response the triage proposed (containment runs only after this). */
export const approveSignal = defineSignal<[SignedDecision]>('approve');
/** Close the alert without response. */
export const closeSignal = defineSignal<[SignedDecision]>('close');
/** The validated way to decide: rejected before it enters history when unsigned, malformed or late. */
export const decideUpdate = defineUpdate<AlertStatus, [SignedDecision]>('decide');
export const statusQuery = defineQuery<AlertStatus>('status');

/** Alerts that joined this alert's incident: new evidence to re-triage on. */
export interface RelatedAlerts {
  incidentId: string;
  alertCount: number;
  observables: ObservableSet[];
}
export const relatedAlertsSignal = defineSignal<[RelatedAlerts]>('relatedAlerts');

/**
 * Adds an alert to an incident (sent with update-with-start by the ingest service). The
 * ingest service extracts `observables` once; the workflow never scans the alert's text.
 */
export interface AddAlertInput {
  alert: Alert;
  storm: boolean;
  observables?: ObservableSet;
  /** The playbook a routing rule chose (src/domain/playbook-routing.ts); absent: the built-in alertWorkflow. */
  route?: { playbook: string; reason: string };
}
export const addAlertUpdate = defineUpdate<AddAlertResult, [AddAlertInput]>('addAlert');

/**
 * Adds stored alerts to an incident by reference, a batch of look-alikes at a time (the ingest
 * service's per-key coalescing): one result per reference, in order.
 */
export interface AddAlertsInput {
  alerts: AlertRef[];
  storm: boolean;
}
export const addAlertsUpdate = defineUpdate<AddAlertResult[], [AddAlertsInput]>('addAlerts');
export const incidentStatusQuery = defineQuery<IncidentState>('incidentStatus');
