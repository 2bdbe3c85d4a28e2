// Compiling a set of rule files into one YARA-X rule set. A file that does not compile is
// reported with its path and error and left out; it never takes the other files down.
import { compile, validate, type CompilerError, type YaraX } from '@litko/yara-x';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RuleFile, RuleFileProblem } from './rule-files';

const MAX_RULE_FILE_BYTES = 8 * 1024 * 1024;

/**
 * External variables popular public rule sets (e.g. signature-base) expect; defined empty so
 * those files compile. scanWithYara fills them per scan when the caller knows the file name.
 */
export const EXTERNAL_VARIABLES = ['filename', 'filepath', 'extension', 'filetype', 'owner'] as const;

export interface CompiledRuleSet {
  rules: YaraX;
  /** Files whose rules are in `rules`, in load order. */
  loaded: string[];
  rejected: RuleFileProblem[];
  /** sha256 of the loaded sources: changes whenever the rules that run change. */
  fingerprint: string;
}

function compilerOptions(includeDirs: string[]) {
  return {
    defineVariables: Object.fromEntries(EXTERNAL_VARIABLES.map((name) => [name, ''])),
    includeDirectories: includeDirs,
    enableIncludes: true,
  };
}

/** First error of a compile, in one line plus the location YARA-X reports. */
function describeErrors(errors: CompilerError[]): string {
  const first = errors[0];
  if (!first) return 'unknown compile error';
  return first.message
    .split('\n')
    .slice(0, 2)
    .map((l) => l.trim())
    .join(' ');
}

/** " --> line:12:5" in a YARA-X message: the line of the combined source that failed. */
function errorLine(message: string): number | undefined {
  const m = /-->\s*line:(\d+):\d+/.exec(message);
  return m ? Number(m[1]) : undefined;
}

interface Source {
  path: string;
  text: string;
  lines: number;
}

function readSources(files: readonly RuleFile[], rejected: RuleFileProblem[]): Source[] {
  const sources: Source[] = [];
  for (const f of files) {
    if (f.size > MAX_RULE_FILE_BYTES) {
      rejected.push({ path: f.path, error: `rule file larger than ${MAX_RULE_FILE_BYTES} bytes` });
      continue;
    }
    try {
      const text = readFileSync(f.path, 'utf8');
      sources.push({ path: f.path, text, lines: text.split('\n').length });
    } catch (e) {
      rejected.push({ path: f.path, error: `cannot read rule file: ${(e as Error).message}` });
    }
  }
  return sources;
}

/**
 * Each file is validated on its own first (so a broken file is blamed by name), then the
 * survivors are compiled together; a conflict between files (a duplicate rule name) is blamed
 * on the later file through the error's line, and the compile is retried without it.
 */
export function compileRuleFiles(files: readonly RuleFile[]): CompiledRuleSet {
  const rejected: RuleFileProblem[] = [];
  const includeDirs = [...new Set(files.map((f) => dirname(f.path)))];
  let sources = readSources(files, rejected).filter((s) => {
    const { errors } = validate(s.text, compilerOptions([dirname(s.path)]));
    if (errors.length === 0) return true;
    rejected.push({ path: s.path, error: describeErrors(errors) });
    return false;
  });

  // Bounded: every failed round removes one file.
  const rounds = sources.length + 1;
  for (let round = 0; round < rounds; round++) {
    const combined = sources.map((s) => s.text).join('\n');
    try {
      const rules = compile(combined, compilerOptions(includeDirs)) as YaraX;
      return {
        rules,
        loaded: sources.map((s) => s.path),
        rejected,
        fingerprint: createHash('sha256').update(combined).digest('hex'),
      };
    } catch (e) {
      const message = (e as Error).message;
      const culprit = blame(sources, errorLine(message)) ?? sources[sources.length - 1];
      if (!culprit) throw e;
      rejected.push({
        path: culprit.path,
        error: `conflicts with other rule files: ${message
          .split('\n')
          .slice(0, 2)
          .map((l) => l.trim())
          .join(' ')}`,
      });
      sources = sources.filter((s) => s !== culprit);
    }
  }
  throw new Error('YARA rule compilation did not converge');
}

/** The source whose lines hold `line` of the combined text (sources are joined with one newline). */
function blame(sources: Source[], line: number | undefined): Source | undefined {
  if (line === undefined) return undefined;
  let start = 1;
  for (const s of sources) {
    if (line < start + s.lines) return s;
    start += s.lines;
  }
  return undefined;
}
