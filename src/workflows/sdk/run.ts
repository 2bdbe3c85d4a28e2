// A playbook run: the state every stage reads and writes (the alert, its policy, evidence,
// observables, findings, the status analysts query), and the handlers every playbook answers.
// Create it first, before any stage: `const run = startPlaybook(input)`.
import { log, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Alert, EvidenceRef } from '../../domain/alert';
import { checkObservableSet } from '../../domain/bounded-input';
import type { Finding } from '../../domain/finding';
import type { ObservableSet } from '../../domain/observables';
import type { TriagePolicy } from '../../domain/policy';
import { proposeResponse, type ResponseAction } from '../../domain/response';
import type { Verdict } from '../../domain/scoring';
import { relatedAlertsSignal, statusQuery } from '../messages';
import type { AlertStatus } from '../../domain/alert-status';
import { publishingProgress } from '../ui-metadata';
import { databaseSteps, localDatabaseSteps } from './activity-options';
import { AnalystWait } from './analyst-wait';

/** What every playbook is started with (ingest, an incident, or a test). */
export interface PlaybookInput {
  alert: Alert;
  policy: TriagePolicy;
  /** Set when this alert is the investigation of an incident (see incidentWorkflow). */
  incidentId?: string;
  /** Which routing rule chose this playbook (src/domain/playbook-routing.ts); absent: the default. */
  route?: { playbook: string; reason: string };
}

/** Observable sets taken from one relatedAlerts signal (the incident sends one per batch). */
const RELATED_SETS_PER_SIGNAL = 16;

export class PlaybookRun {
  readonly workflowId: string;
  readonly alert: Alert;
  readonly policy: TriagePolicy;
  /** The routing rule that chose this playbook, shown first in the triage's reasons. */
  readonly route?: { playbook: string; reason: string };
  /** What the `status` Query answers and the workflow returns. */
  readonly status: AlertStatus;
  /** Steps against our own database (local activities since 'local-store-v1'). */
  readonly store: typeof databaseSteps;
  /** Evidence references collected so far (the alert's, then the EDR's). */
  evidence: EvidenceRef[] = [];
  /** The observables triage judges: the alert's, merged with related alerts' as they arrive. */
  observables: ObservableSet;
  /** Every finding so far, from every investigation pass and the sandbox. */
  findings: Finding[] = [];
  /** Related alerts' observables received and not yet folded in (see foldRelatedAlerts). */
  readonly related: ObservableSet[] = [];
  /** The analyst loop: its Update and Signals are answered from the start (refused until it opens). */
  readonly analyst: AnalystWait;
  /** What the response stage would do for a verdict (triage's disposition weighs it); a playbook may replace it. */
  propose: (observables: ObservableSet, verdict: Verdict) => ResponseAction[] = proposeResponse;

  constructor(input: PlaybookInput) {
    this.workflowId = workflowInfo().workflowId;
    this.alert = input.alert;
    this.policy = input.policy;
    this.route = input.route;
    // Runs started before local store activities replay with the remote ones they recorded.
    this.store = patched('local-store-v1') ? localDatabaseSteps : databaseSteps;
    // Every change to the status is published as the run's current details (Temporal UI).
    this.status = publishingProgress({
      workflowId: this.workflowId,
      stage: 'collecting',
      severity: input.alert.severity,
      reasons: [],
      escalations: [],
      responseActions: [],
      incidentId: input.incidentId,
      relatedAlerts: 0,
      retriages: 0,
      ...(input.route ? { playbook: input.route.playbook } : {}),
    });
    this.observables = { hosts: [], users: [], hashes: [], domains: [], ips: [], urls: [], emails: [], commandLines: [] };
    this.analyst = new AnalystWait(this);
    setHandler(statusQuery, () => this.status);
    setHandler(relatedAlertsSignal, (r) => {
      try {
        // Bounded whatever the sender: a few capped sets per signal, checked by shape only.
        const sets = r.observables.slice(0, RELATED_SETS_PER_SIGNAL).map(checkObservableSet);
        this.status.relatedAlerts = r.alertCount - 1;
        this.related.push(...sets);
      } catch (err) {
        log.warn('ignored malformed related-alerts signal', { error: (err as Error).message });
      }
    });
    this.analyst.listen();
  }
}

/** The first line of every playbook: the run's state and its message handlers. */
export const startPlaybook = (input: PlaybookInput): PlaybookRun => new PlaybookRun(input);
