// What running analyzers on the killable thread pool costs per call, against calling the same
// analyzer task in-process, in the same run: small alert-level calls (where the messaging
// dominates) and the file-static analyzer over the sample files (where copying bytes does);
// and what a fresh thread per call would cost instead (start-up: loading the analyzers).
import { AnalyzerPool, inProcessRunner, type AnalyzerRunner } from '../../src/investigation/analyzer-pool';
import type { AnalyzerTask, TaskInput } from '../../src/investigation/analyzer-tasks';

const seconds = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e9;

async function timeCalls<T extends AnalyzerTask>(runner: AnalyzerRunner, task: T, inputs: TaskInput<T>[]): Promise<number> {
  const t = process.hrtime.bigint();
  for (const input of inputs) await runner.run(task, input);
  return seconds(t);
}

export interface PoolFigures {
  smallCalls: number;
  smallInProcessMsPerCall: number;
  smallPoolMsPerCall: number;
  smallOverheadMsPerCall: number;
  fileStaticInProcessSeconds: number;
  fileStaticPoolSeconds: number;
  fileStaticRatio: number;
  freshThreadMsPerCall: number;
  freshThreadToReusedRatio: number;
}

export async function threadPoolFigures(files: { name: string; bytes: Uint8Array }[], smallCalls = 500): Promise<PoolFigures> {
  const pool = new AnalyzerPool({ threads: 1 });
  try {
    const lines = Array.from({ length: smallCalls }, (_, i) => [`cmd.exe /c whoami /all & ping -n ${i} 198.51.100.7`]);
    await pool.run('commandLine', lines[0]); // thread started and warm, like a worker's after its first alert
    await inProcessRunner.run('commandLine', lines[0]);
    const smallIn = await timeCalls(inProcessRunner, 'commandLine', lines);
    const smallPool = await timeCalls(pool, 'commandLine', lines);
    const inputs = files.map((f) => ({ bytes: f.bytes, name: f.name }));
    const fileIn = await timeCalls(inProcessRunner, 'fileStatic', inputs);
    const filePool = await timeCalls(pool, 'fileStatic', inputs);

    // A thread per call: start one, run one small call, stop it.
    const fresh = 5;
    const t = process.hrtime.bigint();
    for (let i = 0; i < fresh; i++) {
      const once = new AnalyzerPool({ threads: 1 });
      await once.run('commandLine', lines[i]);
      await once.close();
    }
    const freshPerCall = seconds(t) / fresh;
    const ms = (s: number, n: number) => Number(((s / n) * 1000).toFixed(3));
    return {
      smallCalls,
      smallInProcessMsPerCall: ms(smallIn, smallCalls),
      smallPoolMsPerCall: ms(smallPool, smallCalls),
      smallOverheadMsPerCall: ms(smallPool - smallIn, smallCalls),
      fileStaticInProcessSeconds: Number(fileIn.toFixed(2)),
      fileStaticPoolSeconds: Number(filePool.toFixed(2)),
      fileStaticRatio: Number((filePool / fileIn).toFixed(3)),
      freshThreadMsPerCall: Number((freshPerCall * 1000).toFixed(1)),
      freshThreadToReusedRatio: Number((freshPerCall / (smallPool / smallCalls)).toFixed(1)),
    };
  } finally {
    await pool.close();
  }
}
