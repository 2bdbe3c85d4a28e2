// Checks and caps that workflow code may run on what callers send it. Workflow code must never
// do unbounded work on untrusted text (a workflow task that overruns the SDK's deadlock timeout
// takes the worker down, again on every retry): everything here costs at most a fixed number of
// steps per value, whatever the text, with no regular expressions and no schema walk of
// arbitrary nesting. Full validation (parseAlert) happens once, at ingest, outside workflows.
import { SEVERITIES, type Severity } from './severity';
import { KINDS, type ObservableSet } from './observables';

/** How many values of each kind one observable set may carry into workflow state. */
export const OBSERVABLES_PER_KIND = 200;
/** Longest value kept (the alert schema's longest observable, a command line). */
export const OBSERVABLE_VALUE_CHARS = 32_768;

export class BoundedInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BoundedInputError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The same set with at most OBSERVABLES_PER_KIND values of each kind, each cut to OBSERVABLE_VALUE_CHARS. */
export function capObservables(set: ObservableSet): ObservableSet {
  return Object.fromEntries(
    KINDS.map((k) => [k, set[k].slice(0, OBSERVABLES_PER_KIND).map((v) => v.slice(0, OBSERVABLE_VALUE_CHARS))]),
  ) as unknown as ObservableSet;
}

/**
 * An ObservableSet from an untrusted payload, checked by shape only and capped; throws
 * BoundedInputError when it is not one. Looks at no more than OBSERVABLES_PER_KIND values per kind.
 */
export function checkObservableSet(input: unknown): ObservableSet {
  if (!isObject(input)) throw new BoundedInputError('observables: expected an object');
  for (const k of KINDS) {
    const values = input[k];
    if (!Array.isArray(values)) throw new BoundedInputError(`observables.${k}: expected an array`);
    for (let i = 0; i < Math.min(values.length, OBSERVABLES_PER_KIND); i++) {
      if (typeof values[i] !== 'string') throw new BoundedInputError(`observables.${k}[${i}]: expected a string`);
    }
  }
  return capObservables(input as unknown as ObservableSet);
}

/**
 * The fields of an alert that workflow code routes on (source, sourceId, severity), checked
 * by type and length only. The alert itself was validated at ingest by parseAlert.
 */
export function checkAlertEnvelope(input: unknown): { source: string; sourceId: string; severity: Severity } {
  if (!isObject(input)) throw new BoundedInputError('alert: expected an object');
  const { source, sourceId, severity } = input;
  if (typeof source !== 'string' || source.length === 0 || source.length > 64)
    throw new BoundedInputError('alert.source: expected 1-64 characters');
  if (typeof sourceId !== 'string' || sourceId.length === 0 || sourceId.length > 256)
    throw new BoundedInputError('alert.sourceId: expected 1-256 characters');
  if (!(SEVERITIES as readonly unknown[]).includes(severity))
    throw new BoundedInputError(`alert.severity: expected one of ${SEVERITIES.join(', ')}`);
  return { source, sourceId, severity: severity as Severity };
}

/** Orders severities: positive when `a` is more severe than `b`. */
export const compareSeverity = (a: Severity, b: Severity): number => SEVERITIES.indexOf(a) - SEVERITIES.indexOf(b);
