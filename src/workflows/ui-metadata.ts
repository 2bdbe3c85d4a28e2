// What an operator reads in the Temporal Web UI beside the search attributes: a static summary
// and details given at start (title, severity, source, host), and the run's current details
// (stage, score, verdict), which the UI shows from the SDK's metadata query. Texts are
// Temporal markdown built from untrusted alert fields, so every field is escaped and clipped.
// Pure and deterministic: used by the client (startAlert, ingest) and in workflow code.
import { setCurrentDetails } from '@temporalio/workflow';
import type { Alert } from '../domain/alert';
import { escapeMarkdown } from '../reports/escape';
import type { AlertStatus } from '../domain/alert-status';

const md = (text: string, max = 200) => escapeMarkdown(text, max);
const hostsOf = (alert: Alert) => alert.observables.hosts.map((h) => h.hostname ?? h.ip ?? h.uid).filter((h): h is string => !!h);
const usersOf = (alert: Alert) => alert.observables.users.map((u) => u.name).filter((u): u is string => !!u);

/** One line: severity, title, source and the first host. */
export function alertSummary(alert: Alert): string {
  const host = hostsOf(alert)[0];
  return `[${alert.severity}] ${md(alert.title, 160)} · ${md(alert.source, 64)}${host ? ` · ${md(host, 64)}` : ''}`;
}

export function alertDetails(alert: Alert): string {
  const list = (values: string[]) =>
    values.length
      ? values
          .slice(0, 5)
          .map((v) => md(v, 80))
          .join(', ')
      : '–';
  return [
    `**${md(alert.title, 500)}**`,
    '',
    `- Severity: ${alert.severity}`,
    `- Source: ${md(alert.source, 64)} (${md(alert.sourceId, 128)})`,
    ...(alert.rule?.name ? [`- Rule: ${md(alert.rule.name, 200)}`] : []),
    `- Hosts: ${list(hostsOf(alert))}`,
    `- Users: ${list(usersOf(alert))}`,
    `- Time: ${md(alert.time, 40)}`,
  ].join('\n');
}

/** The start options that carry them (client start and child start take the same two fields). */
export const alertUiMetadata = (alert: Alert) => ({ staticSummary: alertSummary(alert), staticDetails: alertDetails(alert) });

export function incidentSummary(key: string, alert: Alert): string {
  return `Incident ${md(key, 160)} · first: [${alert.severity}] ${md(alert.title, 120)}`;
}

/** The run as it progresses: what the UI's "current details" show. */
export function progressDetails(s: AlertStatus): string {
  const lines = [`**Stage:** ${s.stage}`];
  if (s.score !== undefined) lines.push(`**Score:** ${s.score}`);
  if (s.verdict) lines.push(`**Verdict:** ${s.verdict}`);
  if (s.disposition) lines.push(`**Disposition:** ${s.disposition}`);
  if (s.tier) lines.push(`**Tier:** ${s.tier}`);
  if (s.approvalsNeeded !== undefined && s.stage === 'awaiting_analyst')
    lines.push(`**Approvals:** ${s.approvals?.length ?? 0}/${s.approvalsNeeded}`);
  if (s.outcome) lines.push(`**Outcome:** ${s.outcome}`);
  return lines.join('  \n');
}

/**
 * The status object, with the run's current details kept in step with it: every assignment to
 * a status field republishes them. Current details are not a command (the SDK answers them
 * from memory), so this changes no history.
 */
export function publishingProgress(status: AlertStatus): AlertStatus {
  setCurrentDetails(progressDetails(status));
  return new Proxy(status, {
    set(target, key, value) {
      (target as unknown as Record<string | symbol, unknown>)[key] = value;
      setCurrentDetails(progressDetails(target));
      return true;
    },
  });
}
