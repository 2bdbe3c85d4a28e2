// The analyzer pool's settings, apart from the pool so configuration can read the defaults
// without loading every analyzer.
import { availableParallelism } from 'node:os';

export interface AnalyzerPoolOptions {
  /** Threads at most; each runs one task at a time, the others wait in line. */
  threads: number;
  /** Per task, from the moment a ready thread receives it. */
  timeLimitMs: number;
  /** V8 heap of each thread (resourceLimits.maxOldGenerationSizeMb). */
  memoryLimitMb: number;
  /** The thread's script; default: analyzer-thread.js next to this module (dist/). */
  entry?: string;
  /** Handed to each thread (a plugin thread reads which module to load from it). */
  workerData?: unknown;
}

export const DEFAULT_POOL_OPTIONS: AnalyzerPoolOptions = {
  threads: Math.max(1, Math.min(4, availableParallelism())),
  timeLimitMs: 30_000,
  memoryLimitMb: 512,
};
