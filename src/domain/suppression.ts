// Suppression rules: an engineer-approved pattern whose matching alerts are closed at ingest.
import { z } from 'zod';
import type { Alert } from './alert';
import type { ObservableSet } from './observables';

export const SuppressionMatch = z
  .object({
    source: z.string().min(1).optional(),
    ruleId: z.string().min(1).optional(),
    host: z.string().min(1).optional(),
    user: z.string().min(1).optional(),
    hash: z.string().min(1).optional(),
  })
  .refine((m) => Object.values(m).some(Boolean), { message: 'a suppression must match on at least one field' });
export type SuppressionMatch = z.infer<typeof SuppressionMatch>;

/** True when every field the rule names equals the alert's (hosts, users, hashes: any of them). */
export function matchesSuppression(m: SuppressionMatch, alert: Alert, o: ObservableSet): boolean {
  const eq = (a?: string, b?: string) => a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
  if (m.source && !eq(m.source, alert.source)) return false;
  if (m.ruleId && !eq(m.ruleId, alert.rule?.id ?? alert.rule?.name)) return false;
  if (m.host && !o.hosts.some((h) => eq(h, m.host))) return false;
  if (m.user && !o.users.some((u) => eq(u, m.user) || u.endsWith(`\\${m.user!.toLowerCase()}`))) return false;
  if (m.hash && !o.hashes.some((h) => eq(h, m.hash))) return false;
  return true;
}
