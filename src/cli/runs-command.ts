// `autosoc runs --failed`: workflows that failed or whose activities keep retrying, with the
// last error and a link to the run in the Temporal Web UI (GET /v1/runs/failed).
import type { Command } from 'commander';
import type { FailedRun } from '../temporal/failed-runs';
import { ApiClient } from './api-client';
import { CliError, type CliIo, type GlobalOptions, printJson } from './io';
import { renderTable } from './table';

export function registerRunsCommand(program: Command, io: CliIo): void {
  program
    .command('runs')
    .description('workflow runs that need an operator')
    .option('--failed', 'runs that failed or timed out, and running ones whose activities keep retrying')
    .option('--retrying-from <attempt>', 'attempts from which an activity counts as retrying', '3')
    .action(async (o: { failed?: boolean; retryingFrom: string }, cmd: Command) => {
      if (!o.failed) throw new CliError('say which runs: --failed');
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const res = await ApiClient.from(globals, io).get<{ runs: FailedRun[] }>(
        `/v1/runs/failed?retryingFromAttempt=${encodeURIComponent(o.retryingFrom)}`,
      );
      if (globals.json) return printJson(io, res);
      if (res.runs.length === 0) return io.stdout('no failed or retrying runs\n');
      io.stdout(
        `${renderTable<FailedRun>(
          [
            { header: 'STATUS', value: (r) => (r.activity ? `${r.status} ${r.activity} #${r.attempt}` : r.status), max: 40 },
            { header: 'TYPE', value: (r) => r.workflowType, max: 24 },
            { header: 'WORKFLOW', value: (r) => r.workflowId, max: 60 },
            { header: 'LAST ERROR', value: (r) => r.error, max: 100 },
            { header: 'LINK', value: (r) => r.link ?? '-', max: 300 },
          ],
          res.runs,
        )}`,
      );
    });
}
