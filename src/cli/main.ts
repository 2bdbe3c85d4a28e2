#!/usr/bin/env node
// `autosoc`: the analyst's and engineer's terminal. Alert and tuning commands call the HTTP
// API (AUTOSOC_API_URL, AUTOSOC_API_TOKEN or --token); token commands use the database.
import { Command, CommanderError } from 'commander';
import { registerAlertCommands } from './alert-commands';
import { registerBacktestCommand } from './backtest-command';
import { registerConnectorsCommand } from './connectors-command';
import { registerContentCommand } from './content-command';
import { registerNewCommand } from './new-command';
import { registerReplayCommand } from './replay-command';
import { registerReportCommand } from './report-command';
import { registerRunsCommand } from './runs-command';
import { CliError, type CliIo } from './io';
import { registerSlackCommands } from './slack-commands';
import { registerTokenCommands } from './token-commands';
import { registerTuningCommands } from './tuning-commands';

export type { CliIo } from './io';

function buildProgram(io: CliIo): Command {
  const program = new Command('autosoc')
    .description('autosoc analyst and admin commands')
    .option('--json', 'machine-readable output')
    .option('--token <token>', 'API token (default: $AUTOSOC_API_TOKEN)')
    .option('--api-url <url>', 'API base URL (default: $AUTOSOC_API_URL or http://127.0.0.1:8080)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError('(autosoc --help lists the commands)');
  registerAlertCommands(program, io);
  registerTuningCommands(program, io);
  registerTokenCommands(program, io);
  registerSlackCommands(program, io);
  registerBacktestCommand(program, io);
  registerConnectorsCommand(program, io);
  registerContentCommand(program, io);
  registerReportCommand(program, io);
  registerRunsCommand(program, io);
  registerReplayCommand(program, io);
  registerNewCommand(program, io);
  return program;
}

/** Runs one command line (without "node autosoc"); resolves to the exit code. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  try {
    await buildProgram(io).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode; // commander printed its message (or the help)
    if (err instanceof CliError) {
      io.stderr(`error: ${err.message}\n`);
      return 1;
    }
    io.stderr(`error: ${(err as Error).message ?? String(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void run(process.argv.slice(2), { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) }).then((code) => {
    process.exitCode = code;
  });
}
