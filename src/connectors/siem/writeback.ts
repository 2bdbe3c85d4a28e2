// SIEM write-back at an alert's final disposition (issue 13): the source SIEM learns what
// autosoc decided. Auto-closed and analyst-closed alerts are closed at the source with the
// reasons; escalated ones (contained, responded, recorded for an operator) acknowledged.
import type { Outcome } from '../../domain/alert-status';

export type SiemStatus = 'closed' | 'acknowledged';

export interface WriteBack {
  /** The alert's id in the SIEM (autosoc's sourceId): Elastic's alert _id, Splunk's notable event_id. */
  sourceId: string;
  status: SiemStatus;
  /** Why, in words an analyst reads at the source (reasons, decision, outcome). */
  note: string;
  signal?: AbortSignal;
}

export interface SiemWriteback {
  readonly name: 'elastic' | 'splunk';
  /** Sets the alert's status and leaves the note; throws ConnectorError ('unavailable' is retried). */
  write(w: WriteBack): Promise<string>;
}

/** What the source should show for an outcome: a closing outcome closes, anything a human took on is acknowledged. */
export function siemStatusFor(outcome: Outcome): SiemStatus {
  return outcome === 'auto_closed' || outcome === 'closed_by_analyst' || outcome === 'released_as_false_positive'
    ? 'closed'
    : 'acknowledged';
}
