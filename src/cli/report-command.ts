// `autosoc report alert|incident ID --format md|html [--output FILE]`: the report the API
// renders (GET /v1/reports/...), printed or written to a file as it came.
import { writeFileSync } from 'node:fs';
import { Argument, type Command, Option } from 'commander';
import { REPORT_FORMATS, type ReportFormat } from '../reports/render';
import { ApiClient } from './api-client';
import { type CliIo, type GlobalOptions } from './io';

const KINDS = { alert: 'alerts', incident: 'incidents' } as const;

export function registerReportCommand(program: Command, io: CliIo): void {
  program.command('report')
    .description('the report of one alert or one incident (all its alerts), as Markdown or self-contained HTML')
    .addArgument(new Argument('<kind>', 'alert or incident').choices(Object.keys(KINDS)))
    .argument('<id>', 'the alert workflow id or the incident id')
    .addOption(new Option('--format <format>', 'md or html').choices(REPORT_FORMATS).default('md'))
    .option('--output <file>', 'write the report to this file instead of printing it')
    .action(async (kind: keyof typeof KINDS, id: string, o: { format: ReportFormat; output?: string }, cmd: Command) => {
      const client = ApiClient.from(cmd.optsWithGlobals<GlobalOptions>(), io);
      const body = await client.getText(`/v1/reports/${KINDS[kind]}/${encodeURIComponent(id)}?format=${o.format}`);
      if (o.output) {
        writeFileSync(o.output, body, { mode: 0o600 });
        io.stdout(`wrote ${o.output}\n`);
      } else io.stdout(body);
    });
}
