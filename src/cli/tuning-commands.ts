// Engineer commands: tuning suggestions, and accepting one as an expiring suppression.
import type { Command } from 'commander';
import type { Suppression } from '../api/tuning-routes';
import { ApiClient } from './api-client';
import { positiveInt } from './alert-commands';
import { type CliIo, type GlobalOptions, printJson } from './io';
import { cell, renderTable } from './table';

const describeMatch = (m: Suppression['match']) =>
  Object.entries(m)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

export function registerTuningCommands(program: Command, io: CliIo): void {
  program
    .command('suggestions')
    .description('candidate suppressions from alerts closed as benign, most hits first')
    .action(async (_o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const res = await ApiClient.from(opts, io).get<{ suggestions: Suppression[] }>('/v1/tuning/suggestions');
      if (opts.json) return printJson(io, res);
      if (res.suggestions.length === 0) return io.stdout('no tuning suggestions\n');
      io.stdout(
        renderTable<Suppression>(
          [
            { header: 'ID', value: (s) => s.id },
            { header: 'HITS', value: (s) => s.hits },
            { header: 'MATCH', value: (s) => describeMatch(s.match), max: 80 },
            { header: 'REASON', value: (s) => s.reason, max: 80 },
          ],
          res.suggestions,
        ),
      );
    });

  program
    .command('accept-suggestion <id>')
    .description('make a suggestion an active suppression that expires')
    .option('--ttl-days <n>', "days until it expires (default: the policy's, else 30)", positiveInt)
    .action(async (id: string, o: { ttlDays?: number }, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const res = await ApiClient.from(opts, io).post<{ suppression: Suppression }>(
        `/v1/tuning/suggestions/${encodeURIComponent(id)}/accept`,
        o.ttlDays ? { ttlDays: o.ttlDays } : {},
      );
      if (opts.json) return printJson(io, res);
      const s = res.suppression;
      io.stdout(`suppression ${s.id} is ${s.status} until ${s.expiresAt ?? 'further notice'}: ${cell(describeMatch(s.match), 200)}\n`);
    });
}
