// `autosoc connectors check`: one harmless read per configured connector (src/connectors/check.ts),
// a table of what works; exit code 1 when any failed.
import type { Command } from 'commander';
import { checkConnectors, type ConnectorCheck } from '../connectors/check';
import { CliError, type CliIo, type GlobalOptions, printJson } from './io';
import { renderTable } from './table';

export function registerConnectorsCommand(program: Command, io: CliIo): void {
  const connectors = program.command('connectors').description('the vendors autosoc talks to');
  connectors
    .command('check')
    .description('one harmless read call per configured connector (threat intel, EDR, pollers, LLM), and what works')
    .action(async (_o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      let results: ConnectorCheck[];
      try {
        results = await checkConnectors(io.env ?? process.env);
      } catch (err) {
        throw new CliError((err as Error).message); // a configuration that does not parse
      }
      if (opts.json) printJson(io, { connectors: results });
      else if (results.length === 0) io.stdout('no connectors configured\n');
      else {
        io.stdout(
          renderTable<ConnectorCheck>(
            [
              { header: 'CONNECTOR', value: (r) => r.connector },
              { header: 'STATUS', value: (r) => (r.ok ? 'ok' : 'FAILED') },
              { header: 'DETAIL', value: (r) => r.detail, max: 120 },
            ],
            results,
          ),
        );
      }
      const failed = results.filter((r) => !r.ok).length;
      if (failed) throw new CliError(`${failed} of ${results.length} connector(s) failed`);
    });
}
