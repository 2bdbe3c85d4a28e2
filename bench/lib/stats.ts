// Small figures shared by the end-to-end benchmarks: percentiles, a process's resident memory.
import { readdirSync, readFileSync } from 'node:fs';

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

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; NaN once it has exited. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // after "pid (comm) "
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ (100 on Linux)
  } catch {
    return Number.NaN;
  }
}

/** Pids of every process whose command name is `comm` (e.g. postgres), from /proc. */
export function pidsNamed(comm: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm;
      } catch {
        return false;
      }
    });
}

/**
 * CPU used between start() and stop() by named groups of processes (the bench process, the
 * worker processes, the Temporal server, PostgreSQL): where the machine's time went.
 */
export function cpuMeter(groups: Record<string, () => number[]>): { stop(): Record<string, number> } {
  const sum = (pids: number[]) =>
    pids
      .map(cpuSeconds)
      .filter(Number.isFinite)
      .reduce((a, b) => a + b, 0);
  const startPids = Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, pids()]));
  const start = Object.fromEntries(Object.entries(startPids).map(([name, pids]) => [name, sum(pids)]));
  return {
    // Processes that started after start() count from zero.
    stop: () => Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, round(sum(pids()) - (start[name] ?? 0), 2)])),
  };
}
