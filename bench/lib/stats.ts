// Small figures shared by the end-to-end benchmarks: percentiles, a process's resident memory.
import { readFileSync } from 'node:fs';

/** Nearest-rank percentile of `values` (p in 0..100); NaN for an empty list. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Resident set size in MiB: this process, or a child's from /proc/<pid>/status (VmRSS). */
export function rssMiB(pid?: number): number {
  if (pid === undefined) return process.memoryUsage().rss / 1024 / 1024;
  try {
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : Number.NaN;
  } catch {
    return Number.NaN; // the child has exited
  }
}

export const round = (n: number, digits = 1) => Number(n.toFixed(digits));

export function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
  return v;
}
