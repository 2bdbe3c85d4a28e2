// Entry of an analyzer plugin's thread: loads the plugin named in workerData and runs its
// analyze() for the pool (src/investigation/analyzer-pool.ts), which kills the thread when a
// run outlives the plugin's declared time limit or its heap outgrows the memory limit.
import { parentPort, workerData } from 'node:worker_threads';
import type { TaskReply, TaskRequest } from '../investigation/analyzer-thread';
import { pluginExport } from './load-plugins';
import type { AnalyzerPlugin } from './plugin-api';

export interface PluginThreadData {
  modulePath: string;
}

if (parentPort) {
  const port = parentPort;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the plugin's path is configuration, known only at run time
  const plugin = pluginExport(require((workerData as PluginThreadData).modulePath)) as AnalyzerPlugin;
  port.on('message', (req: TaskRequest) => {
    Promise.resolve()
      .then(() => plugin.analyze(req.input as Parameters<AnalyzerPlugin['analyze']>[0]))
      .then(
        (value) => port.postMessage({ id: req.id, ok: true, value } satisfies TaskReply),
        (err: unknown) =>
          port.postMessage({ id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies TaskReply),
      );
  });
  port.postMessage('ready');
}
