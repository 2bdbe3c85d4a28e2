// The alert workflow's public surface: what analysts, the API and the CLI may send and read.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Decision, DecisionArgs } from '../domain/decision';
import type { Alert } from '../domain/alert';
import type { ObservableSet } from '../domain/observables';
import type { AddAlertResult, IncidentState } from './incident-workflow';
import type { AlertStatus } from './status';

/** Approve the response the triage proposed (containment runs only after this). */
export const approveSignal = defineSignal<[DecisionArgs]>('approve');
/** Close the alert without response. */
export const closeSignal = defineSignal<[DecisionArgs]>('close');
/** The validated way to decide: rejected before it enters history when malformed or late. */
export const decideUpdate = defineUpdate<AlertStatus, [Decision]>('decide');
export const statusQuery = defineQuery<AlertStatus>('status');

/** Alerts that joined this alert's incident: new evidence to re-triage on. */
export interface RelatedAlerts { incidentId: string; alertCount: number; observables: ObservableSet[] }
export const relatedAlertsSignal = defineSignal<[RelatedAlerts]>('relatedAlerts');

/**
 * Adds an alert to an incident (sent with update-with-start by the ingest service). The
 * ingest service extracts `observables` once; the workflow never scans the alert's text.
 */
export interface AddAlertInput { alert: Alert; storm: boolean; observables?: ObservableSet }
export const addAlertUpdate = defineUpdate<AddAlertResult, [AddAlertInput]>('addAlert');
export const incidentStatusQuery = defineQuery<IncidentState>('incidentStatus');
