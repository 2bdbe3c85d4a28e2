// The alert's structured facts triage scores with (org-context.ts matches them against the
// policy's organisation). Schema-free: the workflow builds it (see policy-rules.ts for why).
import type { Alert } from './alert';

/** Scoring models that read a context: v2 (triage-context-v1) and v3 (triage-v3). */
export type ContextModel = 'v2' | 'v3';
export const LATEST_MODEL: ContextModel = 'v3';

export interface TriageContext {
  /** Absent in contexts recorded before triage-v3: model v2. */
  model?: ContextModel;
  time: string;
  semantics: Alert['semantics'];
  inputAnomalies: string[];
  attackTechniques: string[];
  observables: Pick<Alert['observables'], 'hosts' | 'users' | 'processes' | 'network' | 'ips' | 'emails'>;
}

/** What scoring needs from an alert beyond its findings: pure, small, replay-safe. */
export function triageContext(alert: Alert, model: ContextModel = LATEST_MODEL): TriageContext {
  const o = alert.observables;
  return {
    ...(model === 'v2' ? {} : { model }),
    time: alert.time,
    semantics: alert.semantics ?? {},
    inputAnomalies: alert.inputAnomalies ?? [],
    attackTechniques: alert.attackTechniques,
    observables: { hosts: o.hosts, users: o.users, processes: o.processes, network: o.network, ips: o.ips, emails: o.emails },
  };
}
