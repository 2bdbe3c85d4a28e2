// Which alerts belong together. A correlation key groups alerts into one incident; a
// similarity key counts look-alike alerts for storm control. Both are pure and explainable.
import { z } from 'zod';
import type { Alert } from './alert';
import type { ObservableSet } from './observables';

export const CORRELATION_KEY_KINDS = ['rule+host', 'rule+user', 'file-hash', 'rule'] as const;
export const CorrelationKeyKind = z.enum(CORRELATION_KEY_KINDS);
export type CorrelationKeyKind = z.infer<typeof CorrelationKeyKind>;

export const CorrelationPolicy = z.object({
  /** Tried in order; the first that applies to an alert is its key. None: the alert stands alone. */
  keys: z.array(CorrelationKeyKind),
  /** An incident takes new alerts until it has been quiet this long. */
  windowMs: z.number().int().positive(),
  /** More than this many similar alerts within stormWindowMs collapse into one storm incident. */
  stormThreshold: z.number().int().positive(),
  stormWindowMs: z.number().int().positive(),
});
export type CorrelationPolicy = z.infer<typeof CorrelationPolicy>;

export const DEFAULT_CORRELATION: CorrelationPolicy = {
  keys: ['rule+host', 'file-hash'],
  windowMs: 30 * 60_000,
  stormThreshold: 50,
  stormWindowMs: 10 * 60_000,
};

const ruleOf = (a: Alert) => a.rule?.id ?? a.rule?.name;

/** Look-alike alerts: same source and same rule (or title when there is no rule). */
export function similarityKey(alert: Alert): string {
  return `${alert.source}/${(ruleOf(alert) ?? alert.title).toLowerCase()}`;
}

export function correlationKey(alert: Alert, o: ObservableSet, kinds: readonly CorrelationKeyKind[]): string | undefined {
  const rule = ruleOf(alert)?.toLowerCase();
  for (const kind of kinds) {
    switch (kind) {
      case 'rule+host':
        if (rule && o.hosts[0]) return `rule+host:${alert.source}/${rule}@${o.hosts[0]}`;
        break;
      case 'rule+user':
        if (rule && o.users[0]) return `rule+user:${alert.source}/${rule}@${o.users[0]}`;
        break;
      case 'file-hash':
        if (o.hashes[0]) return `file-hash:${o.hashes[0]}`;
        break;
      case 'rule':
        if (rule) return `rule:${alert.source}/${rule}`;
        break;
    }
  }
  return undefined;
}

/** Incident workflow id for a key; keys can hold any text, ids stay printable. */
export const incidentWorkflowId = (key: string) => `incident:${key}`.slice(0, 800);
