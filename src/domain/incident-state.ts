// An incident workflow's input, its state (the incidentStatus Query's answer, carried across
// continue-as-new) and what adding an alert to it returns: shared by the workflow, its
// messages and the ingest service that starts it.
import type { Severity } from './alert';
import type { CorrelationPolicy } from './correlation';
import type { ObservableSet } from './observables';
import type { TriagePolicy } from './policy';

export interface IncidentState {
  key: string;
  storm: boolean;
  alertCount: number;
  primary?: string;
  /** The primary's severity, and false once its run has ended (both since 'incident-triage-v1'). */
  primarySeverity?: Severity;
  primaryOpen?: boolean;
  seen: string[];
  /** Every alert's observables, capped per kind (since 'outcome-attribute-v1'): the Observables attribute. */
  observables?: ObservableSet;
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
