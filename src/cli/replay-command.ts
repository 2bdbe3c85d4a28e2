// `autosoc replay --histories DIR`: replays recorded workflow histories (Temporal JSON, as the
// Web UI or `temporal workflow show --output json` exports them) against today's workflow code,
// before a deploy. A change that would break open runs (a stage added, removed or reordered
// without patched()) fails here, naming the history and the mismatch. No server needed.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import type { Command } from 'commander';
import { loadConfig } from '../config';
import { dataConverterFor } from '../temporal/client';
import { CliError, type CliIo, type GlobalOptions, printJson } from './io';

export interface ReplayResult {
  history: string;
  workflowId: string;
  ok: boolean;
  error?: string;
}

/** Each *.json history in `dir` (NAME.meta.json, when present, gives its workflowId). */
function historiesIn(dir: string) {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.json') && !f.endsWith('.meta.json'))
      .sort();
  } catch (err) {
    throw new CliError(`--histories ${dir}: ${(err as Error).message}`);
  }
  if (files.length === 0) throw new CliError(`--histories ${dir}: no *.json histories there`);
  return files.map((f) => {
    const name = basename(f, '.json');
    let workflowId = `replay-${name}`;
    try {
      workflowId = JSON.parse(readFileSync(join(dir, `${name}.meta.json`), 'utf8')).workflowId ?? workflowId;
    } catch {
      /* no meta file: any id replays */
    }
    return { name, workflowId, history: historyFromJSON(JSON.parse(readFileSync(join(dir, f), 'utf8'))) };
  });
}

export async function replayHistories(dir: string, workflowsPath: string, env: NodeJS.ProcessEnv = process.env): Promise<ReplayResult[]> {
  const histories = historiesIn(dir);
  const results: ReplayResult[] = [];
  const byId = new Map(histories.map((h) => [h.workflowId, h.name]));
  const replays = Worker.runReplayHistories(
    { workflowsPath, dataConverter: dataConverterFor(loadConfig(env)), replayName: 'autosoc-replay' },
    histories.map(({ workflowId, history }) => ({ workflowId, history })),
  );
  for await (const r of replays) {
    results.push({
      history: byId.get(r.workflowId) ?? r.workflowId,
      workflowId: r.workflowId,
      ok: !r.error,
      ...(r.error ? { error: r.error.message.split('\n')[0] } : {}),
    });
  }
  return results;
}

export function registerReplayCommand(program: Command, io: CliIo): void {
  program
    .command('replay')
    .description('replay recorded workflow histories against this code: catches changes that would break open runs')
    .requiredOption('--histories <dir>', 'folder of history JSON files (NAME.json, optional NAME.meta.json with {"workflowId"})')
    .option('--workflows <path>', "the workflows module to replay against (default: autosoc's, playbooks included)")
    .action(async (o: { histories: string; workflows?: string }, cmd: Command) => {
      const workflowsPath = o.workflows ? resolve(o.workflows) : require.resolve('../workflows');
      const results = await replayHistories(o.histories, workflowsPath, io.env ?? process.env);
      if (cmd.optsWithGlobals<GlobalOptions>().json) printJson(io, results);
      else for (const r of results) io.stdout(`${r.ok ? 'ok  ' : 'FAIL'} ${r.history}${r.error ? `: ${r.error}` : ''}\n`);
      const failed = results.filter((r) => !r.ok);
      if (failed.length)
        throw new CliError(
          `${failed.length} of ${results.length} histories do not replay: this change would break open runs (guard it with patched(), DEVELOPERS.md)`,
        );
      if (!cmd.optsWithGlobals<GlobalOptions>().json) io.stdout(`${results.length} histories replay\n`);
    });
}
