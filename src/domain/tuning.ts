// Tuning suggestions: from an alert closed as benign (by policy or by an analyst), the
// pattern a suppression would match. Rule + entity, so one noisy rule on one host is
// suppressed, not the rule everywhere.
import type { Alert } from './alert';
import type { ObservableSet } from './observables';
import type { SuppressionMatch } from './suppression';

export function tuningPattern(alert: Alert, o: ObservableSet): { match: SuppressionMatch; key: string } | undefined {
  const ruleId = alert.rule?.id ?? alert.rule?.name;
  if (!ruleId) return undefined; // without a rule there is no stable pattern to suppress
  const entity = o.hosts[0] ? { host: o.hosts[0] } : o.users[0] ? { user: o.users[0] } : o.hashes[0] ? { hash: o.hashes[0] } : {};
  const match: SuppressionMatch = { source: alert.source, ruleId, ...entity };
  const key = [match.source, match.ruleId, match.host ?? '', match.user ?? '', match.hash ?? ''].join('|').toLowerCase();
  return { match, key };
}
