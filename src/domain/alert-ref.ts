// An alert passed to its incident by reference (issue 10): the ingest service stores the alert
// first, and the incident's update carries its id and the few fields the incident routes on,
// never the alert. A storm's updates stay small whatever its alerts weigh: seven concurrent
// ~1 MB alerts used to push the incident's workflow task completion over gRPC's 4 MB.
// Pure and bounded: the checks run in workflow code (the update's validator).
import { type Alert, alertWorkflowId, SEVERITIES, type Severity } from './alert';
import { BoundedInputError, checkObservableSet } from './bounded-input';
import { KINDS, type ObservableSet } from './observables';

export interface AlertRef {
  /** The alert's workflow id: its row in the store, and its run if it is investigated. */
  workflowId: string;
  severity: Severity;
  ruleId?: string;
  /** What the incident relays to its investigation: capped tighter than an alert's own set. */
  observables: ObservableSet;
  /** The playbook a routing rule chose (src/domain/playbook-routing.ts); absent: the built-in alertWorkflow. */
  route?: { playbook: string; reason: string };
}

/** Values per kind and characters per value a reference carries (a command line's head). */
export const REF_OBSERVABLES_PER_KIND = 32;
export const REF_VALUE_CHARS = 4096;
/** Most references in one update; the ingest tier also keeps each update under REF_BATCH_CHARS of JSON. */
export const REF_BATCH_LIMIT = 1000;
export const REF_BATCH_CHARS = 256 * 1024;

export function capRefObservables(set: ObservableSet): ObservableSet {
  return Object.fromEntries(
    KINDS.map((k) => [k, set[k].slice(0, REF_OBSERVABLES_PER_KIND).map((v) => v.slice(0, REF_VALUE_CHARS))]),
  ) as unknown as ObservableSet;
}

export function alertRef(alert: Alert, observables: ObservableSet, route?: AlertRef['route']): AlertRef {
  return {
    workflowId: alertWorkflowId(alert),
    severity: alert.severity,
    ...(alert.rule?.id ? { ruleId: alert.rule.id } : {}),
    observables: capRefObservables(observables),
    ...(route ? { route } : {}),
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const shortText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

/** Checks a reference by shape and length only (a caller other than the ingest service may send one). */
export function checkAlertRef(input: unknown): AlertRef {
  if (!isObject(input)) throw new BoundedInputError('alert reference: expected an object');
  const { workflowId, severity, ruleId, observables, route } = input;
  if (!shortText(workflowId, 400)) throw new BoundedInputError('alert reference workflowId: expected 1-400 characters');
  if (!(SEVERITIES as readonly unknown[]).includes(severity))
    throw new BoundedInputError(`alert reference severity: expected one of ${SEVERITIES.join(', ')}`);
  if (ruleId !== undefined && !shortText(ruleId, 256)) throw new BoundedInputError('alert reference ruleId: expected 1-256 characters');
  if (
    route !== undefined &&
    !(isObject(route) && shortText(route.playbook, 128) && typeof route.reason === 'string' && route.reason.length <= 512)
  ) {
    throw new BoundedInputError('alert reference route: expected { playbook, reason }');
  }
  return { ...(input as unknown as AlertRef), observables: capRefObservables(checkObservableSet(observables)) };
}

export function checkAlertRefs(input: unknown): AlertRef[] {
  if (!Array.isArray(input) || input.length === 0 || input.length > REF_BATCH_LIMIT) {
    throw new BoundedInputError(`alerts: expected 1-${REF_BATCH_LIMIT} alert references`);
  }
  return input.map(checkAlertRef);
}
