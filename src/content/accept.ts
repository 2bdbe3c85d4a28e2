// Accepting proposed content into autosoc's own detection: a YARA rule into the accepted-rules
// folder the worker loads beside rules/yara (the scanner recompiles when the folder changes, so
// the next analysis uses it), or an IOC set into the local IOC store the threat-intel analyzer
// reads. Callers (API, CLI through the API) check the role and audit the call.
import { compile, validate } from '@litko/yara-x';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { bundledRulesDir, EXTERNAL_VARIABLES, listRuleFiles } from '../analyzers/yara';
import { addIocs } from '../store/iocs';
import type { Ioc, IocType } from '../intel/ioc';
import { confirmedIncidentFromStore } from './from-store';
import { SharingPolicy, shareableIndicators } from './sharing';

export const MAX_ACCEPTED_RULE_BYTES = 256 * 1024;
export const MAX_ACCEPTED_IOCS = 10_000;

export class RejectedContent extends Error {
  constructor(
    readonly reason: 'invalid' | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'RejectedContent';
  }
}

const RULE_NAME = /^[ \t]*(?:(?:private|global)[ \t]+)*rule[ \t]+([A-Za-z_][A-Za-z0-9_]{0,127})\b/gm;
const options = { defineVariables: Object.fromEntries(EXTERNAL_VARIABLES.map((n) => [n, ''])) };

/**
 * Writes the rule text as <first rule name>.yar in `dir` (replacing an earlier version of the
 * same file). Refused: text that does not compile alone, includes another file, or defines a
 * rule name the bundled or other accepted rules already use.
 */
export function acceptYaraRule(dir: string, source: string): { file: string; rules: string[]; sha256: string } {
  if (Buffer.byteLength(source) > MAX_ACCEPTED_RULE_BYTES)
    throw new RejectedContent('invalid', `the rule text is larger than ${MAX_ACCEPTED_RULE_BYTES} bytes`);
  // An include would let a rule read any file the worker can; accepted rules stand alone.
  if (/^[ \t]*include[ \t]+"/m.test(source)) throw new RejectedContent('invalid', 'accepted rules may not include other files');
  const { errors } = validate(source, options);
  if (errors.length) throw new RejectedContent('invalid', `the rule does not compile: ${errors[0].message.split('\n')[0]}`);
  const rules = [...source.matchAll(RULE_NAME)].map((m) => m[1]);
  if (rules.length === 0) throw new RejectedContent('invalid', 'the text defines no rule');
  const file = join(dir, `${rules[0]}.yar`);
  mkdirSync(dir, { recursive: true });
  const others = listRuleFiles([bundledRulesDir(), dir])
    .files.filter((f) => f.path !== file)
    .map((f) => readFileSync(f.path, 'utf8'));
  try {
    compile([...others, source].join('\n'), options);
  } catch (err) {
    throw new RejectedContent('conflict', `the rule conflicts with the loaded rules: ${(err as Error).message.split('\n')[0]}`);
  }
  // Written beside under a dot name (rule listings skip those), then renamed: a worker never reads half a file.
  const temp = join(dir, `.${rules[0]}.${process.pid}.tmp`);
  writeFileSync(temp, source);
  renameSync(temp, file);
  return { file, rules, sha256: createHash('sha256').update(source).digest('hex') };
}

export interface IocInput {
  type: IocType;
  value: string;
}

/** Stores the indicators as malicious, attributed to who accepted them; returns how many. */
export async function acceptIocs(db: Pool, iocs: IocInput[], provenance: { actor: string; workflowId?: string }): Promise<number> {
  if (iocs.length > MAX_ACCEPTED_IOCS) throw new RejectedContent('invalid', `at most ${MAX_ACCEPTED_IOCS} indicators per set`);
  const description = `accepted by ${provenance.actor}${provenance.workflowId ? ` from ${provenance.workflowId}` : ''}`;
  const rows: Ioc[] = iocs.map((i) => ({ ...i, verdict: 'malicious', source: 'autosoc-accepted', description }));
  await addIocs(db, rows);
  return rows.length;
}

/** The confirmed incident's indicators the local store should flag: public ones only (the sharing filter's rules). */
export async function incidentIocs(db: Pool, workflowId: string): Promise<IocInput[]> {
  const incident = await confirmedIncidentFromStore(db, workflowId);
  const found = shareableIndicators(incident.alerts, SharingPolicy.parse({}));
  return [
    ...found.domains.map((value) => ({ type: 'domain' as const, value })),
    ...found.ips.map((value) => ({ type: 'ip' as const, value })),
    ...found.urls.map((value) => ({ type: 'url' as const, value })),
    ...found.hashes.flatMap((h) =>
      [h.sha256, h.sha1, h.md5].filter((v): v is string => !!v).map((value) => ({ type: 'hash' as const, value })),
    ),
  ];
}
