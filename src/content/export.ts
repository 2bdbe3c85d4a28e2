// Writes a confirmed incident's content as files for a SOC engineer's detection-as-code
// repository: Sigma rules, their hunting queries (pySigma backends through sigma-cli), a STIX
// 2.1 bundle or a MISP event. Content is proposed here, never deployed.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sigmaCliPath } from '../temporal/binaries';
import type { ConfirmedIncident } from './incident';
import { incidentToMispEvent } from './misp-export';
import type { SharingPolicy } from './sharing';
import { generateSigmaRules, sigmaFileName, sigmaYaml, type SigmaRule } from './sigma/generate';
import type { SigmaEvent } from './sigma/matcher';
import { incidentToStixBundle } from './stix-export';
import type { BenignFiles } from './yara/benign-files';
import { generateYaraRules, type YaraSample } from './yara/generate';

export const EXPORT_FORMATS = ['sigma', 'spl', 'esql', 'kql', 'yara', 'stix', 'misp'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** sigma convert arguments per format and rule product: the pipeline maps Sigma's fields to the target's. */
const CONVERSIONS: Record<
  'spl' | 'esql' | 'kql',
  { target: string; ext: string; pipeline(rule: SigmaRule): string[]; note?(rule: SigmaRule): string | undefined }
> = {
  spl: {
    target: 'splunk',
    ext: 'spl',
    pipeline: (r) => (r.logsource.product === 'windows' ? ['-p', 'splunk_windows'] : ['--without-pipeline']),
  },
  // ES|QL declares no pipeline of its own: the ECS Windows mapping is the one that fits.
  esql: {
    target: 'esql',
    ext: 'esql',
    pipeline: (r) => (r.logsource.product === 'windows' ? ['-p', 'ecs_windows', '--disable-pipeline-check'] : ['--without-pipeline']),
  },
  // Defender XDR tables for what microsoft_xdr maps; it maps no DNS table, so a DNS rule is the bare filter.
  kql: {
    target: 'kusto',
    ext: 'kql',
    pipeline: (r) => (r.logsource.category === 'dns_query' ? ['--without-pipeline'] : ['-p', 'microsoft_xdr']),
    note: (r) =>
      r.logsource.category === 'dns_query'
        ? "// pySigma's Kusto pipelines map no DNS table: put your DNS table first (e.g. _Im_Dns, field names to map)"
        : undefined,
  },
};

export interface ExportOptions {
  sharing: SharingPolicy;
  /** Benign events Sigma rules must not match. */
  benign: SigmaEvent[];
  /** For yara: the incident's file samples, and the benign files rules must not match. */
  samples?: YaraSample[];
  benignFiles?: BenignFiles;
}
export interface ExportResult {
  files: string[];
  dropped: { title: string; reason: string }[];
}

export class ConversionFailed extends Error {
  constructor(rule: string, target: string, detail: string) {
    super(`sigma convert -t ${target} failed for ${rule}: ${detail.trim().split('\n').slice(-3).join(' ')}`);
    this.name = 'ConversionFailed';
  }
}

async function convert(rule: SigmaRule, format: 'spl' | 'esql' | 'kql', work: string): Promise<string> {
  const c = CONVERSIONS[format];
  const file = join(work, sigmaFileName(rule));
  writeFileSync(file, sigmaYaml(rule));
  const args = ['convert', '-t', c.target, ...c.pipeline(rule), file];
  try {
    const { stdout } = await promisify(execFile)(sigmaCliPath(), args, { maxBuffer: 16 * 1024 * 1024, timeout: 120_000 });
    const note = c.note?.(rule);
    return note ? `${note}\n${stdout.trim()}` : stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new ConversionFailed(sigmaFileName(rule), c.target, e.stderr || e.message);
  }
}

/** Writes the incident's content in one format into dir; returns the files written. */
export async function exportContent(
  incident: ConfirmedIncident,
  format: ExportFormat,
  dir: string,
  opts: ExportOptions,
): Promise<ExportResult> {
  mkdirSync(dir, { recursive: true });
  const stem = incident.id.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 100);
  if (format === 'stix') {
    const file = join(dir, `${stem}.stix.json`);
    writeFileSync(file, `${JSON.stringify(incidentToStixBundle(incident, { sharing: opts.sharing }), null, 2)}\n`);
    return { files: [file], dropped: [] };
  }
  if (format === 'misp') {
    const file = join(dir, `${stem}.misp.json`);
    writeFileSync(file, `${JSON.stringify(incidentToMispEvent(incident, { sharing: opts.sharing }), null, 2)}\n`);
    return { files: [file], dropped: [] };
  }
  if (format === 'yara') {
    if (!opts.benignFiles) throw new Error('yara export needs the benign files its rules are checked against');
    const { rules, dropped } = generateYaraRules(incident, opts.samples ?? [], opts.benignFiles);
    const files = rules.map((r) => {
      const file = join(dir, `${r.name}.yar`);
      writeFileSync(file, r.source);
      return file;
    });
    return { files, dropped: dropped.map((d) => ({ title: d.sample, reason: d.reason })) };
  }
  const { rules, dropped } = generateSigmaRules(incident, opts);
  const files: string[] = [];
  if (format === 'sigma') {
    for (const r of rules) {
      const file = join(dir, sigmaFileName(r));
      writeFileSync(file, sigmaYaml(r));
      files.push(file);
    }
    return { files, dropped };
  }
  const work = mkdtempSync(join(tmpdir(), 'autosoc-convert-'));
  try {
    for (const r of rules) {
      const query = await convert(r, format, work);
      const file = join(dir, sigmaFileName(r).replace(/\.yml$/, `.${CONVERSIONS[format].ext}`));
      writeFileSync(file, `${query.trim()}\n`);
      files.push(file);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { files, dropped };
}
