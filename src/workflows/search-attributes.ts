// autosoc's custom search attributes: what an operator filters by in the Temporal Web UI,
// e.g. `Observables = "ws-042" AND AwaitingAnalyst = true`.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { Alert } from '../domain/alert';

export const AlertSeverity = defineSearchAttributeKey('AlertSeverity', SearchAttributeType.KEYWORD);
export const AlertSource = defineSearchAttributeKey('AlertSource', SearchAttributeType.KEYWORD);
export const Verdict = defineSearchAttributeKey('Verdict', SearchAttributeType.KEYWORD);
export const Disposition = defineSearchAttributeKey('Disposition', SearchAttributeType.KEYWORD);
export const RiskScore = defineSearchAttributeKey('RiskScore', SearchAttributeType.INT);
export const AwaitingAnalyst = defineSearchAttributeKey('AwaitingAnalyst', SearchAttributeType.BOOL);
export const Assignee = defineSearchAttributeKey('Assignee', SearchAttributeType.KEYWORD);
export const Observables = defineSearchAttributeKey('Observables', SearchAttributeType.KEYWORD_LIST);
/** How the alert ended (AlertStatus.outcome), set once it is settled. */
export const Outcome = defineSearchAttributeKey('Outcome', SearchAttributeType.KEYWORD);
/** Incidents: how many alerts joined, and whether they came as a storm. */
export const AlertCount = defineSearchAttributeKey('AlertCount', SearchAttributeType.INT);
export const Storm = defineSearchAttributeKey('Storm', SearchAttributeType.BOOL);

export const ALL_SEARCH_ATTRIBUTES = [
  AlertSeverity,
  AlertSource,
  Verdict,
  Disposition,
  RiskScore,
  AwaitingAnalyst,
  Assignee,
  Observables,
  Outcome,
  AlertCount,
  Storm,
] as const;

/** What an alert workflow carries from its start, however it was started (ingest or incident). */
export const alertStartAttributes = (alert: Pick<Alert, 'severity' | 'source'>) => [
  { key: AlertSeverity, value: alert.severity },
  { key: AlertSource, value: alert.source },
  { key: AwaitingAnalyst, value: false },
];
