// `autosoc backtest <folder> [--policy FILE]... [--json]`: analysis and triage offline, with
// no Temporal server and no database, through the workflow's own code (src/backtest).
import type { Command } from 'commander';
import { backtest, renderTable } from '../backtest/backtest';
import { compareWithLabels, readLabels, renderLabelReport } from '../backtest/labels';
import { DEFAULT_POLICY } from '../domain/policy';
import { analyzerIsolation } from '../config';
import { sharedAnalyzerPool } from '../investigation/analyzer-pool';
import { offlinePlan } from '../investigation/default-plan';
import { loadPolicy } from '../policy/load-policy';
import { CliError, type CliIo, type GlobalOptions, printJson } from './io';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Killable analyzer threads, as the worker runs them; in-process when the environment says so (tests). */
const runnerFor = (io: CliIo) => (analyzerIsolation(io.env ?? process.env) === 'threads' ? sharedAnalyzerPool() : undefined);

export function registerBacktestCommand(program: Command, io: CliIo): void {
  program
    .command('backtest <folder>')
    .description('triage a folder of alerts (.json, .ndjson, .cef, .log, .eml) offline and print each disposition')
    .option('--policy <file>', 'policy or organisation-context file; repeat to layer several', collect)
    .option('--yara-dir <dir>', 'extra YARA rule folder; repeatable', collect)
    .option(
      '--labels <file.jsonl>',
      'expected dispositions (lines with "file" and "expected": escalate|auto_close|reject): prints a confusion matrix per format and every miss',
    )
    .action(async (folder: string, o: { policy?: string[]; yaraDir?: string[]; labels?: string }, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      let policy;
      try {
        policy = o.policy?.length ? loadPolicy(o.policy) : DEFAULT_POLICY;
      } catch (err) {
        throw new CliError((err as Error).message);
      }
      let labels;
      try {
        labels = o.labels ? readLabels(o.labels) : undefined;
      } catch (err) {
        throw new CliError((err as Error).message);
      }
      let rows;
      try {
        rows = await backtest(folder, policy, offlinePlan({ yaraDirs: o.yaraDir, runner: runnerFor(io) }));
      } catch (err) {
        throw new CliError(`cannot read ${folder}: ${(err as Error).message}`);
      }
      if (opts.json) {
        printJson(
          io,
          rows.map((r) => ({
            file: r.file,
            format: r.format,
            disposition: r.disposition,
            verdict: r.verdict ?? null,
            score: r.score ?? null,
            reasons: r.reasons,
            ...(r.error ? { error: r.error } : {}),
          })),
        );
      } else {
        io.stdout(`${renderTable(rows)}\n`);
      }
      // With --json the labels report goes to stderr, so stdout stays the documented array.
      if (labels) (opts.json ? io.stderr : io.stdout)(`${renderLabelReport(compareWithLabels(rows, labels))}\n`);
    });
}
