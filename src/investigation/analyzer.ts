// The two kinds of analyzer an investigation runs: over the alert's observables (once per
// alert) and over each evidence object (once per object, cached by its sha256).
import type { Alert, EvidenceRef } from '../domain/alert';
import type { Finding } from '../domain/finding';
import type { ObservableSet } from '../domain/observables';
import { analyzerDuration, analyzerErrors } from '../metrics/metrics';

export interface AlertContext {
  observables: ObservableSet;
  processes: Alert['observables']['processes'];
  /** The alert's file events (path, hashes): what a file-write analyzer judges. */
  files?: Alert['observables']['files'];
}

/**
 * Set on analyzers whose work runs on the analyzer pool: its time limit starts when a thread
 * takes the task, so runSafely adds no timer of its own (one would also count the wait for a
 * free thread, and time out healthy analyzers queued behind a hostile input's).
 */
interface TimedByRunner {
  timedByRunner?: boolean;
  /** This analyzer's own time limit (a plugin's declared one); default: the plan's. */
  timeoutMs?: number;
}

export interface AlertAnalyzer extends TimedByRunner {
  name: string;
  analyze(ctx: AlertContext): Promise<Finding> | Finding;
}

export interface EvidenceObject extends EvidenceRef {
  bytes: Uint8Array;
  /** Where the object sits, e.g. "invoice.zip > invoice.pdf.exe". */
  path: string;
}

/** An object found inside another (an archive member), not yet stored. */
export interface FoundObject {
  name?: string;
  mediaType: string;
  bytes: Uint8Array;
  path: string;
}

/** What an object analyzer returns: its finding, and objects found inside (archive members). */
export interface ObjectAnalysis {
  finding: Finding;
  children?: FoundObject[];
  /** True when the alert's decompression budget, not the analyzer's own limits, cut it short. */
  budgetCut?: boolean;
}

/** What an object analyzer may still spend for this alert. */
export interface ObjectBudget {
  maxDecompressedBytes: number;
}

export interface ObjectAnalyzer extends TimedByRunner {
  name: string;
  /** Bumped when the analyzer's logic (or its rules) change: older cached results are ignored. */
  version: string;
  appliesTo(obj: EvidenceObject): boolean;
  analyze(obj: EvidenceObject, budget: ObjectBudget): Promise<ObjectAnalysis> | ObjectAnalysis;
  /** False for analyzers whose answer changes without a version bump (a growing catalogue). */
  cacheable?: boolean;
}

/** An analyzer that threw or ran out of time: no risk, only lost confidence. */
export function errorFinding(analyzer: string, error: unknown): Finding {
  return {
    analyzer,
    verdict: 'unknown',
    score: 0,
    confidence: 0,
    summary: 'analyzer failed',
    evidence: [],
    attack: [],
    error: error instanceof Error ? error.message : String(error),
  };
}

/** Runs one analyzer; a throw or a timeout becomes an error finding, never a failed stage. */
export async function runSafely(name: string, timeoutMs: number | undefined, run: () => Promise<Finding> | Finding): Promise<Finding> {
  const endTimer = analyzerDuration.startTimer({ analyzer: name });
  const finding = await raceTimeout(name, timeoutMs, run);
  endTimer();
  if (finding.error !== undefined) analyzerErrors.inc({ analyzer: name });
  return finding;
}

async function raceTimeout(name: string, timeoutMs: number | undefined, run: () => Promise<Finding> | Finding): Promise<Finding> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(run),
      ...(timeoutMs === undefined
        ? []
        : [
            new Promise<Finding>((_, reject) => {
              timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
            }),
          ]),
    ]);
  } catch (err) {
    return errorFinding(name, err);
  } finally {
    clearTimeout(timer);
  }
}
