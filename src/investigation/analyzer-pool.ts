// Where CPU-bound analyzers run. Synchronous analyzer code cannot be interrupted by a timer
// on its own event loop: a pathological input used to block the worker, stop the activity's
// heartbeats and fail the alert after five attempts. A small pool of worker threads runs
// them instead, reused across calls; a task that outlives its time limit, or a thread that
// runs out of memory or crashes, is killed and its thread replaced, and the caller gets an
// AnalyzerLimitError that runSafely turns into an analyzer-error finding.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type AnalyzerTask, runTask, type TaskInput, type TaskOutput } from './analyzer-tasks';
import type { TaskReply, TaskRequest } from './analyzer-thread';
import { type AnalyzerPoolOptions, DEFAULT_POOL_OPTIONS } from './pool-options';

export { type AnalyzerPoolOptions, DEFAULT_POOL_OPTIONS } from './pool-options';

export interface AnalyzerRunner {
  run<T extends AnalyzerTask>(task: T, input: TaskInput<T>): Promise<TaskOutput<T>>;
}

/** A task stopped by the pool: `limit` says which bound it hit. */
export class AnalyzerLimitError extends Error {
  constructor(
    readonly task: string,
    readonly limit: 'time' | 'memory' | 'crash',
    message: string,
  ) {
    super(`${task}: ${message}`);
    this.name = 'AnalyzerLimitError';
  }
}

/** The compiled thread entry, which exists when this module runs from dist/. */
export const compiledThreadEntry = (): string => join(__dirname, 'analyzer-thread.js');

interface Slot {
  worker: Worker;
  ready: Promise<void>;
}

export class AnalyzerPool implements AnalyzerRunner {
  /** What the pool did, for tests and benchmarks. */
  readonly stats = { threadsStarted: 0, tasks: 0, killed: 0 };
  private readonly options: AnalyzerPoolOptions;
  private readonly idle: Slot[] = [];
  private readonly live = new Set<Slot>();
  private readonly waiting: ((slot: Slot | undefined) => void)[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: Partial<AnalyzerPoolOptions> = {}) {
    this.options = { ...DEFAULT_POOL_OPTIONS, ...options };
    const entry = this.options.entry ?? compiledThreadEntry();
    if (!existsSync(entry))
      throw new Error(
        `analyzer thread entry ${entry} missing: run npm run build, or set AUTOSOC_ANALYZER_ISOLATION=in-process (tests only)`,
      );
    this.options.entry = entry;
  }

  run<T extends AnalyzerTask>(task: T, input: TaskInput<T>): Promise<TaskOutput<T>> {
    return this.runNamed(task, input) as Promise<TaskOutput<T>>;
  }

  /** A task by name, for threads whose entry is not analyzer-thread.js (plugin threads). */
  async runNamed(task: string, input: unknown): Promise<unknown> {
    const slot = await this.acquire();
    let healthy = true;
    try {
      await slot.ready;
      return await this.dispatch(slot, task, input);
    } catch (err) {
      // An analyzer's own error leaves its thread fine; a limit or a crash does not.
      healthy = !(err instanceof AnalyzerLimitError);
      throw err;
    } finally {
      if (healthy) this.release(slot);
      else this.discard(slot);
    }
  }

  /** Stops every thread; later calls fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w(undefined);
    await Promise.all([...this.live].map((s) => s.worker.terminate()));
    this.live.clear();
    this.idle.length = 0;
  }

  private dispatch(slot: Slot, task: string, input: unknown): Promise<unknown> {
    const id = this.nextId++;
    const { worker } = slot;
    this.stats.tasks++;
    return new Promise((resolve, reject) => {
      const settle = (fn: () => void) => {
        clearTimeout(timer);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        fn();
      };
      const kill = (limit: AnalyzerLimitError['limit'], message: string) =>
        settle(() => {
          this.stats.killed++;
          reject(new AnalyzerLimitError(task, limit, message));
        });
      const timer = setTimeout(() => kill('time', `stopped after the ${this.options.timeLimitMs} ms time limit`), this.options.timeLimitMs);
      const onMessage = (reply: TaskReply) => {
        if (reply.id !== id) return;
        settle(() => (reply.ok ? resolve(reply.value) : reject(new Error(reply.error))));
      };
      const onError = (err: Error & { code?: string }) =>
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? kill('memory', `stopped at the ${this.options.memoryLimitMb} MB memory limit`)
          : kill('crash', `analyzer thread crashed: ${err.message}`);
      const onExit = (code: number) => kill('crash', `analyzer thread exited with code ${code}`);
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      worker.postMessage({ id, task: task as AnalyzerTask, input } satisfies TaskRequest);
    });
  }

  private acquire(): Promise<Slot> {
    if (this.closed) return Promise.reject(new Error('analyzer pool closed'));
    const slot = this.idle.pop();
    if (slot) return Promise.resolve(slot);
    if (this.live.size < this.options.threads) return Promise.resolve(this.spawn());
    return new Promise((resolve, reject) => this.waiting.push((s) => (s ? resolve(s) : reject(new Error('analyzer pool closed')))));
  }

  private release(slot: Slot): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else this.idle.push(slot);
  }

  /** A killed or crashed thread is terminated; whoever waits gets a fresh one in its place. */
  private discard(slot: Slot): void {
    this.live.delete(slot);
    void slot.worker.terminate();
    const next = this.waiting.shift();
    if (next) next(this.spawn());
  }

  private spawn(): Slot {
    const worker = new Worker(this.options.entry!, {
      resourceLimits: { maxOldGenerationSizeMb: this.options.memoryLimitMb },
      workerData: this.options.workerData,
    });
    worker.unref(); // idle threads never keep the process alive
    const ready = new Promise<void>((resolve, reject) => {
      const onReady = (m: unknown) => {
        if (m === 'ready') {
          cleanup();
          resolve();
        }
      };
      const onFail = (err: Error) => {
        cleanup();
        reject(new AnalyzerLimitError('start', 'crash', `analyzer thread failed to start: ${err.message}`));
      };
      const onExit = (code: number) => onFail(new Error(`exited with code ${code}`));
      const cleanup = () => worker.off('message', onReady).off('error', onFail).off('exit', onExit);
      worker.on('message', onReady).on('error', onFail).on('exit', onExit);
    });
    ready.catch(() => undefined); // observed by run(); never an unhandled rejection
    const slot = { worker, ready };
    // A thread that dies between tasks leaves the pool; its 'error' must never go unheard.
    worker
      .on('error', () => undefined)
      .once('exit', () => {
        this.live.delete(slot);
        const at = this.idle.indexOf(slot);
        if (at >= 0) this.idle.splice(at, 1);
      });
    this.live.add(slot);
    this.stats.threadsStarted++;
    return slot;
  }
}

/** The same tasks on this thread: no isolation, for tests that do not exercise it. */
export const inProcessRunner: AnalyzerRunner = { run: runTask };

let shared: AnalyzerPool | undefined;

/** The process's shared pool of threads, for callers that size none themselves (benches). */
export function sharedAnalyzerPool(): AnalyzerPool {
  shared ??= new AnalyzerPool();
  return shared;
}
