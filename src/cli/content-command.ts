// `autosoc content export`: a confirmed alert's detection content and shareable intel as files
// for a detection-as-code repository. Reads the alert from the database (like token commands),
// or a ConfirmedIncident JSON file given with --incident-file.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { EXPORT_FORMATS, exportContent, type ExportFormat } from '../content/export';
import { confirmedIncidentFromStore, UnknownAlert } from '../content/from-store';
import { ConfirmedIncident, NotConfirmed } from '../content/incident';
import { SharingPolicy } from '../content/sharing';
import { benignProcessEvents, parseCommandRecords } from '../content/sigma/benign';
import { benignFilesFromFolders, benignFilesFromStore, samplesFromStore, type BenignFiles } from '../content/yara/benign-files';
import type { YaraSample } from '../content/yara/generate';
import { loadPolicy } from '../policy/load-policy';
import { ApiClient } from './api-client';
import { CliError, type CliIo, type GlobalOptions, printJson } from './io';
import { withDatabase } from './token-commands';

interface ExportOptions {
  format: string;
  dir: string;
  incidentFile?: string;
  policy?: string[];
  benign?: string[];
  sample?: string[];
  benignFiles?: string[];
}

/** The benign command lines generated rules must not match: --benign files, else the corpus's tldr admin usage. */
function benignFiles(opts: ExportOptions, env: Record<string, string | undefined>): string[] {
  if (opts.benign?.length) return opts.benign;
  const corpus = env.AUTOSOC_CORPUS && join(env.AUTOSOC_CORPUS, 'commands', 'admin_commands_tldr.jsonl');
  return corpus && existsSync(corpus) ? [corpus] : [];
}

/** Folders of known-good files YARA rules must not match: --benign-files, else the corpus. */
function benignFolders(opts: ExportOptions, env: Record<string, string | undefined>): string[] {
  if (opts.benignFiles?.length) return opts.benignFiles;
  return env.AUTOSOC_CORPUS && existsSync(env.AUTOSOC_CORPUS) ? [env.AUTOSOC_CORPUS] : [];
}

export function registerContentCommand(program: Command, io: CliIo): void {
  const content = program.command('content').description('detection content and shareable intel from confirmed incidents');
  content
    .command('export [workflowId]')
    .description(
      'write Sigma rules, hunting queries (SPL, ES|QL, KQL), YARA rules, a STIX 2.1 bundle or a MISP event for a confirmed alert',
    )
    .requiredOption('--format <format>', EXPORT_FORMATS.join('|'))
    .requiredOption('--dir <dir>', 'where to write the files')
    .option('--incident-file <file>', 'a confirmed incident as JSON instead of an alert from the database')
    .option('--policy <file...>', 'policy files (their sharing section decides TLP and what is never exported)')
    .option('--sample <file...>', "yara: the incident's file samples (default: the alert's file evidence in the database)")
    .option(
      '--benign-files <dir...>',
      "yara: folders of known-good files rules must not match (default: $AUTOSOC_CORPUS); the database adds benign alerts' evidence and the catalogue's benign hashes",
    )
    .option(
      '--benign <jsonl...>',
      'benign command lines ({"command", "platform"} per line) rules must not match; default: $AUTOSOC_CORPUS tldr admin usage',
    )
    .action(async (workflowId: string | undefined, opts: ExportOptions, cmd: Command) => {
      const env = io.env ?? process.env;
      if (!(EXPORT_FORMATS as readonly string[]).includes(opts.format))
        throw new CliError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
      if (!workflowId === !opts.incidentFile) throw new CliError('give an alert workflow id or --incident-file, one of the two');
      const sharing = (opts.policy?.length ? loadPolicy(opts.policy).sharing : undefined) ?? SharingPolicy.parse({});
      const files = benignFiles(opts, env);
      if (['sigma', 'spl', 'esql', 'kql'].includes(opts.format) && files.length === 0) {
        throw new CliError('no benign command lines to check rules against: pass --benign FILE or set AUTOSOC_CORPUS');
      }
      const benign = benignProcessEvents(files.flatMap((f) => parseCommandRecords(readFileSync(f, 'utf8'))));
      const yara = opts.format === 'yara';
      const knownGood: BenignFiles | undefined = yara ? benignFilesFromFolders(benignFolders(opts, env)) : undefined;
      let samples: YaraSample[] = (opts.sample ?? []).map((f) => ({ name: f, bytes: readFileSync(f) }));
      const incident = opts.incidentFile
        ? ConfirmedIncident.parse(JSON.parse(readFileSync(opts.incidentFile, 'utf8')))
        : await withDatabase(io, async (db) => {
            const found = await confirmedIncidentFromStore(db, workflowId!, { apiUrl: env.AUTOSOC_API_URL }).catch((err: Error) => {
              throw err instanceof NotConfirmed || err instanceof UnknownAlert ? new CliError(err.message) : err;
            });
            if (knownGood) await benignFilesFromStore(db, knownGood);
            if (yara && samples.length === 0) samples = await samplesFromStore(db, workflowId!);
            return found;
          });
      if (knownGood && knownGood.files.length === 0)
        throw new CliError('no benign files to check YARA rules against: pass --benign-files DIR or set AUTOSOC_CORPUS');
      const result = await exportContent(incident, opts.format as ExportFormat, opts.dir, {
        sharing,
        benign,
        samples,
        benignFiles: knownGood,
      });
      const json = (cmd.optsWithGlobals() as { json?: boolean }).json;
      if (json) printJson(io, result);
      else {
        for (const f of result.files) io.stdout(`wrote ${f}\n`);
        for (const d of result.dropped) io.stdout(`not proposed: ${d.title}: ${d.reason}\n`);
        if (result.files.length === 0) io.stdout('nothing to export\n');
      }
    });

  // Accepting goes through the API: the caller's token decides the role, and the call is audited.
  content
    .command('accept-yara <file>')
    .description("accept a YARA rule file into autosoc's own rules (the worker loads it for the next analysis); needs engineer or admin")
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const res = await ApiClient.from(opts, io).post<{ file: string; rules: string[] }>('/v1/content/yara-rules', {
        rule: readFileSync(file, 'utf8'),
      });
      if (opts.json) return printJson(io, res);
      io.stdout(`accepted ${res.rules.join(', ')}\n`);
    });
  content
    .command('accept-iocs [workflowId]')
    .description('accept the public indicators of a confirmed alert, or --ioc type:value ones, into the local IOC store as malicious')
    .option('--ioc <type:value...>', 'an indicator: ip:, domain:, url:, hash: or email: followed by the value')
    .action(async (workflowId: string | undefined, o: { ioc?: string[] }, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      if (!workflowId === !o.ioc?.length) throw new CliError('give an alert workflow id or --ioc indicators, one of the two');
      const iocs = (o.ioc ?? []).map((spec) => {
        const at = spec.indexOf(':');
        return { type: spec.slice(0, at), value: spec.slice(at + 1) };
      });
      const res = await ApiClient.from(opts, io).post<{ added: number }>('/v1/content/iocs', workflowId ? { workflowId } : { iocs });
      if (opts.json) return printJson(io, res);
      io.stdout(`added ${res.added} indicator(s)\n`);
    });

  // Sharing goes through the API too: only an intel token may push to another organisation's MISP.
  content
    .command('share')
    .description(
      "push a confirmed alert's shareable intel to the configured MISP instance (a workflow; a re-push edits the same event); needs the intel role",
    )
    .requiredOption('--misp <workflowId>', 'the confirmed alert to push')
    .action(async (o: { misp: string }, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const res = await ApiClient.from(opts, io).post<{ workflowId: string; runId: string }>(
        `/v1/content/misp/${encodeURIComponent(o.misp)}`,
        {},
      );
      if (opts.json) return printJson(io, res);
      io.stdout(`MISP push started: workflow ${res.workflowId} (run ${res.runId})\n`);
    });
}
