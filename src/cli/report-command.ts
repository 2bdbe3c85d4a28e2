// `autosoc report alert|incident ID` and `autosoc report soc --from … [--to …]`, each with
// `--format md|html|pdf [--output FILE]`: the report the API renders (GET /v1/reports/...),
// printed or written to a file as it came. A PDF is binary: it goes to a file only.
import { writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { REPORT_FORMATS, type ReportFormat } from '../reports/render';
import { ApiClient } from './api-client';
import { CliError, type CliIo, type GlobalOptions } from './io';

const KINDS = { alert: 'alerts', incident: 'incidents' } as const;
type Output = { format: ReportFormat; output?: string };

const formatOptions = (cmd: Command) =>
  cmd
    .addOption(new Option('--format <format>', 'md, html or pdf (pdf needs --output)').choices(REPORT_FORMATS).default('md'))
    .option('--output <file>', 'write the report to this file instead of printing it');

export function registerReportCommand(program: Command, io: CliIo): void {
  const report = program.command('report').description('reports as Markdown, self-contained HTML or PDF');
  for (const [kind, path] of Object.entries(KINDS)) {
    formatOptions(
      report
        .command(kind)
        .description(kind === 'alert' ? 'the report of one alert' : 'the report of one incident, over all its alerts')
        .argument('<id>', kind === 'alert' ? 'the alert workflow id' : 'the incident id'),
    ).action(async (id: string, o: Output, cmd: Command) => {
      await fetchReport(ApiClient.from(cmd.optsWithGlobals<GlobalOptions>(), io), io, `/v1/reports/${path}/${encodeURIComponent(id)}`, o);
    });
  }
  formatOptions(
    report
      .command('soc')
      .description('the SOC report of a period: the alerts received in [from, to) and what became of them')
      .requiredOption('--from <date>', 'ISO date or date-time, included')
      .option('--to <date>', 'ISO date or date-time, excluded (default: now)'),
  ).action(async (o: Output & { from: string; to?: string }, cmd: Command) => {
    await fetchReport(ApiClient.from(cmd.optsWithGlobals<GlobalOptions>(), io), io, '/v1/reports/soc', {
      ...o,
      query: { from: o.from, ...(o.to ? { to: o.to } : {}) },
    });
  });
}

/** GETs a report in a format and prints it, or writes it (mode 0600) to the file named. */
export async function fetchReport(
  client: ApiClient,
  io: CliIo,
  path: string,
  o: { format: ReportFormat; output?: string; query?: Record<string, string> },
): Promise<void> {
  if (o.format === 'pdf' && !o.output) throw new CliError('a PDF report is binary: name a file with --output');
  const url = `${path}?${new URLSearchParams({ ...o.query, format: o.format })}`;
  const body = o.format === 'pdf' ? await client.getBytes(url) : await client.getText(url);
  if (o.output) {
    writeFileSync(o.output, body, { mode: 0o600 });
    io.stdout(`wrote ${o.output}\n`);
  } else io.stdout(body.toString());
}
