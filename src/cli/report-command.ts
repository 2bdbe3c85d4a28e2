// `autosoc report alert|incident ID --format md|html|pdf [--output FILE]`: the report the API
// renders (GET /v1/reports/...), printed or written to a file as it came. A PDF is binary: it
// goes to a file only.
import { writeFileSync } from 'node:fs';
import { Argument, type Command, Option } from 'commander';
import { REPORT_FORMATS, type ReportFormat } from '../reports/render';
import { ApiClient } from './api-client';
import { CliError, type CliIo, type GlobalOptions } from './io';

const KINDS = { alert: 'alerts', incident: 'incidents' } as const;

export function registerReportCommand(program: Command, io: CliIo): void {
  program.command('report')
    .description('the report of one alert or one incident (all its alerts), as Markdown, self-contained HTML or PDF')
    .addArgument(new Argument('<kind>', 'alert or incident').choices(Object.keys(KINDS)))
    .argument('<id>', 'the alert workflow id or the incident id')
    .addOption(new Option('--format <format>', 'md, html or pdf (pdf needs --output)').choices(REPORT_FORMATS).default('md'))
    .option('--output <file>', 'write the report to this file instead of printing it')
    .action(async (kind: keyof typeof KINDS, id: string, o: { format: ReportFormat; output?: string }, cmd: Command) => {
      await fetchReport(ApiClient.from(cmd.optsWithGlobals<GlobalOptions>(), io), io, `/v1/reports/${KINDS[kind]}/${encodeURIComponent(id)}`, o);
    });
}

/** GETs a report in a format and prints it, or writes it (mode 0600) to the file named. */
export async function fetchReport(client: ApiClient, io: CliIo, path: string, o: { format: ReportFormat; output?: string; query?: Record<string, string> }): Promise<void> {
  if (o.format === 'pdf' && !o.output) throw new CliError('a PDF report is binary: name a file with --output');
  const url = `${path}?${new URLSearchParams({ ...o.query, format: o.format })}`;
  const body = o.format === 'pdf' ? await client.getBytes(url) : await client.getText(url);
  if (o.output) {
    writeFileSync(o.output, body, { mode: 0o600 });
    io.stdout(`wrote ${o.output}\n`);
  } else io.stdout(body.toString());
}
