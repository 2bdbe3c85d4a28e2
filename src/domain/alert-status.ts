// An alert workflow's observable state, returned by the `status` Query and as the result;
// the API, CLI, console and reports read it too, so it lives with the domain, not the workflow.
import type { AddedAction } from './action-approvals';
import type { Decision } from './decision';
import type { ObservableSet } from './observables';
import type { Disposition, Verdict } from './scoring';
import type { Severity } from './alert';

export type Stage =
  'collecting' | 'investigating' | 'triaging' | 'awaiting_analyst' | 'responding' | 'contained' | 'undoing' | 'reporting' | 'done';

/**
 * Since containment-v1 an approval whose actions no connector executed ends
 * `recorded_for_manual_action` (or `response_failed`), never "responded"; a close as false
 * positive inside the review window ends `released_as_false_positive`.
 */
export type Outcome =
  | 'auto_closed'
  | 'auto_responded'
  | 'closed_by_analyst'
  | 'approved_and_responded'
  | 'contained_by_sla_fallback'
  | 'recorded_for_manual_action'
  | 'response_failed'
  | 'released_as_false_positive';

/** One action of the response saga: what it came to, and its compensation's outcome. */
export interface ContainedAction {
  id: string;
  /** executed | recorded for manual action | failed | unknown | undone | undo recorded for manual action */
  status: string;
  detail?: string;
  approvedBy: string;
}

/** The response saga's state (containment-v1). */
export interface ContainmentStatus {
  /** responding → contained (review window open) → released (undone) | closed (window over, or closed as a true positive). */
  state: 'responding' | 'contained' | 'undoing' | 'released' | 'closed';
  actions: ContainedAction[];
  /** When the review window closes (ISO, workflow time); absent when the policy sets none. */
  reviewUntil?: string;
  /** Who closed the alert as a false positive, and undo escalations (action ids whose undo exceeded its attempt bound). */
  releasedBy?: string;
  undoEscalated: string[];
}

/** An SLA breach, or an analyst's escalation (`by`). */
export interface Escalation {
  fromTier: string;
  toTier: string | null;
  afterMs: number;
  by?: string;
}

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
  /** Actions analysts added to the proposal: who added each, and the connector the policy routes it to. */
  addedActions?: AddedAction[];
  /** Set when the SLA fallback, not an analyst, decided. */
  fallback?: boolean;
  responseActions: string[];
  containment?: ContainmentStatus;
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
