// One compiled rule set per worker process: getYaraScanner recompiles only when the set of
// rule files, or one of their modification times or sizes, changes.
import type { YaraX } from '@litko/yara-x';
import { ANALYZER_VERSION } from './constants';
import { compileRuleFiles } from './compile-rules';
import { bundledRulesDir, listRuleFiles, type RuleFile, type RuleFileProblem } from './rule-files';

/** Matches kept per pattern: enough for evidence, and a cap on memory for inputs full of hits. */
export const MAX_MATCHES_PER_PATTERN = 100;
/** Per-scan time limit, applied where the installed binding supports one (see applyTimeout). */
export const SCAN_TIMEOUT_MS = 10_000;

export interface YaraScanner {
  readonly rules: YaraX;
  /** Cache version for results: the code version plus the rule set's fingerprint. */
  readonly version: string;
  readonly files: readonly string[];
  /** Rule files and folders that were skipped, with the reason; the worker should log them. */
  readonly problems: readonly RuleFileProblem[];
  /** Whether each scan is stopped after SCAN_TIMEOUT_MS (needs @litko/yara-x >= 0.5.1). */
  readonly timeoutEnforced: boolean;
}

export interface ScannerOptions {
  /** Load the curated rules in rules/yara (default true). */
  bundled?: boolean;
}

const cache = new Map<string, { stamp: string; scanner: YaraScanner }>();
/** Distinct folder lists kept compiled; workers use one, tests a few. */
const MAX_CACHED_SETS = 8;

const stampOf = (files: readonly RuleFile[]) => files.map((f) => `${f.path}\0${f.mtimeMs}\0${f.size}`).join('\n');

/** Older bindings have no scan timeout; newer ones expose setTimeout on the rules object. */
function applyTimeout(rules: YaraX): boolean {
  const withTimeout = rules as YaraX & { setTimeout?: (ms: number) => void };
  if (typeof withTimeout.setTimeout !== 'function') return false;
  withTimeout.setTimeout(SCAN_TIMEOUT_MS);
  return true;
}

/**
 * The compiled rules for the bundled set plus `userDirs` (e.g. parseYaraDirs(env.AUTOSOC_YARA_DIRS)).
 * Cheap to call from every activity: a cache hit costs a directory listing and stats.
 */
export function getYaraScanner(userDirs: readonly string[] = [], options: ScannerOptions = {}): YaraScanner {
  const dirs = [...(options.bundled === false ? [] : [bundledRulesDir()]), ...userDirs];
  const key = dirs.join('\n');
  const { files, problems: listingProblems } = listRuleFiles(dirs);
  const stamp = stampOf(files);
  const hit = cache.get(key);
  if (hit && hit.stamp === stamp) return hit.scanner;

  const compiled = compileRuleFiles(files);
  compiled.rules.setMaxMatchesPerPattern(MAX_MATCHES_PER_PATTERN);
  const scanner: YaraScanner = {
    rules: compiled.rules,
    version: `${ANALYZER_VERSION}+${compiled.fingerprint.slice(0, 16)}`,
    files: compiled.loaded,
    problems: [...listingProblems, ...compiled.rejected],
    timeoutEnforced: applyTimeout(compiled.rules),
  };
  cache.delete(key);
  cache.set(key, { stamp, scanner });
  for (const oldest of cache.keys()) {
    if (cache.size <= MAX_CACHED_SETS) break;
    cache.delete(oldest);
  }
  return scanner;
}
