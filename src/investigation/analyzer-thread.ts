// Entry of an analyzer thread (node:worker_threads): runs one task at a time for the pool in
// analyzer-pool.ts, which kills the thread when a task outlives its time or memory limit.
// Compiled to dist/src/investigation/analyzer-thread.js; the pool starts it from there.
import { parentPort } from 'node:worker_threads';
import { type AnalyzerTask, runTask } from './analyzer-tasks';

export interface TaskRequest {
  id: number;
  task: AnalyzerTask;
  input: unknown;
}
export type TaskReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

if (parentPort) {
  const port = parentPort;
  port.on('message', (req: TaskRequest) => {
    runTask(req.task, req.input as never).then(
      (value) => port.postMessage({ id: req.id, ok: true, value } satisfies TaskReply),
      (err: unknown) =>
        port.postMessage({ id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies TaskReply),
    );
  });
  port.postMessage('ready'); // modules loaded: the pool starts the task's clock only now
}
