// The workflow's observable state, returned by the `status` Query and as the result.
import type { Decision } from '../domain/decision';
import type { ObservableSet } from '../domain/observables';
import type { Disposition, Verdict } from '../domain/scoring';
import type { Severity } from '../domain/alert';

export type Stage =
  | 'collecting' | 'investigating' | 'triaging' | 'awaiting_analyst' | 'responding' | 'reporting' | 'done';

export type Outcome = 'auto_closed' | 'auto_responded' | 'closed_by_analyst' | 'approved_and_responded' | 'contained_by_sla_fallback';

/** An SLA breach, or an analyst's escalation (`by`). */
export interface Escalation { fromTier: string; toTier: string | null; afterMs: number; by?: string }

export interface AlertStatus {
  workflowId: string;
  stage: Stage;
  severity: Severity;
  observables?: ObservableSet;
  score?: number;
  verdict?: Verdict;
  disposition?: Disposition;
  confidence?: number;
  reasons: string[];
  caseId?: string;
  tier?: string;
  escalations: Escalation[];
  decision?: Decision;
  /** Approvals so far, and how many the proposed containment needs (quorum). */
  approvals?: string[];
  approvalsNeeded?: number;
  /** The analyst who asked for containment (four eyes: may not approve it). */
  requestedBy?: string;
  /** Set when the SLA fallback, not an analyst, decided. */
  fallback?: boolean;
  responseActions: string[];
  reportId?: string;
  outcome?: Outcome;
  /** Set when the alert is the investigation of an incident. */
  incidentId?: string;
  /** Alerts that joined the incident after this one, and how many re-triages they caused. */
  relatedAlerts: number;
  /** The latest assessment's author (llm:model or deterministic) and summary. */
  assessment?: { author: string; summary: string };
  retriages: number;
  /** The playbook (workflow type) a routing rule chose for the alert; absent: the built-in alertWorkflow. */
  playbook?: string;
}
