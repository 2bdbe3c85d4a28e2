// Scanning bytes with the compiled rule set and turning the matches into one Finding.
import type { MatchData, RuleMatch } from '@litko/yara-x';
import type { Finding } from '../../domain/finding';
import { YARA_ANALYZER } from './constants';
import { ruleAttackIds, ruleDescription, ruleScore, ruleSeverity, type RuleMeta } from './rule-meta';
import type { YaraScanner } from './scanner';

/** Bytes scanned at most; larger inputs are scanned up to here and the finding says so. */
export const DEFAULT_MAX_SCAN_BYTES = 32 * 1024 * 1024;
const MAX_RULES_IN_EVIDENCE = 50;
const MAX_STRINGS_PER_RULE = 3;
const MAX_SHOWN_MATCH = 60;

export interface YaraScanOptions {
  maxBytes?: number;
  /** Original file name, if known: fills the `filename`/`extension` externals some public rules test. */
  fileName?: string;
}

/** Verdict thresholds on the highest rule score. */
const MALICIOUS_AT = 70;
const SUSPICIOUS_AT = 30;

/** Matched bytes shown printable and short: evidence ends up in reports and prompts. */
function showMatch(data: string): string {
  const shown = [...data.slice(0, MAX_SHOWN_MATCH)]
    .map((c) => {
      const code = c.charCodeAt(0);
      return code >= 0x20 && code < 0x7f && c !== '"' && c !== '\\' ? c : `\\x${(code & 0xff).toString(16).padStart(2, '0')}`;
    })
    .join('');
  return data.length > MAX_SHOWN_MATCH ? `${shown}…` : shown;
}

function describeStrings(matches: MatchData[]): string {
  const firstPerPattern = new Map<string, MatchData>();
  for (const m of matches) if (!firstPerPattern.has(m.identifier)) firstPerPattern.set(m.identifier, m);
  const shown = [...firstPerPattern.values()]
    .slice(0, MAX_STRINGS_PER_RULE)
    .map((m) => `${m.identifier}@${m.offset} "${showMatch(m.data)}"`);
  return shown.length ? ` [${shown.join(', ')}]` : '';
}

/** Scan-time values for the externals: the binding reads "12"/"true" as int/bool, which a string variable refuses. */
function externals(fileName: string | undefined): Record<string, string> | undefined {
  if (!fileName) return undefined;
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = base.lastIndexOf('.');
  const values: Record<string, string> = { filename: base, filepath: fileName, extension: dot > 0 ? base.slice(dot).toLowerCase() : '' };
  const safe = (v: string) => v !== '' && !/^(-?\d+|true|false)$/i.test(v);
  const kept = Object.entries(values).filter(([, v]) => safe(v));
  return kept.length ? Object.fromEntries(kept) : undefined;
}

function errorFinding(error: string): Finding {
  return {
    analyzer: YARA_ANALYZER,
    verdict: 'unknown',
    score: 0,
    confidence: 0,
    summary: `YARA scan failed: ${error}`,
    evidence: [],
    attack: [],
    error,
  };
}

/** Judges a list of matches (kept separate from scanning so it can be reasoned about alone). */
export function findingFromMatches(matches: RuleMatch[], scannedBytes: number, totalBytes: number): Finding {
  const truncated = scannedBytes < totalBytes ? [`scanned the first ${scannedBytes} of ${totalBytes} bytes`] : [];
  if (matches.length === 0) {
    return {
      analyzer: YARA_ANALYZER,
      verdict: 'unknown',
      score: 0,
      confidence: 0.3,
      summary: `no YARA rule matched ${scannedBytes} byte(s)`,
      evidence: truncated,
      attack: [],
    };
  }
  const rated = matches
    .map((m) => ({ m, meta: (m.meta ?? {}) as RuleMeta, score: ruleScore((m.meta ?? {}) as RuleMeta) }))
    .sort((a, b) => b.score - a.score || a.m.ruleIdentifier.localeCompare(b.m.ruleIdentifier));
  const top = rated[0].score;
  const verdict = top >= MALICIOUS_AT ? 'malicious' : top >= SUSPICIOUS_AT ? 'suspicious' : 'benign';
  const label = (r: (typeof rated)[number]) => `${r.m.ruleIdentifier} (${ruleSeverity(r.meta) ?? `score ${r.score}`})`;
  const evidence = rated.slice(0, MAX_RULES_IN_EVIDENCE).map((r) => {
    const description = ruleDescription(r.meta);
    return `${label(r)}${description ? `: ${description}` : ''}${describeStrings(r.m.matches)}`;
  });
  if (rated.length > MAX_RULES_IN_EVIDENCE) evidence.push(`${rated.length - MAX_RULES_IN_EVIDENCE} more rule(s) matched`);
  return {
    analyzer: YARA_ANALYZER,
    verdict,
    score: top,
    // A signature match is precise about content; only-informational matches say less.
    confidence: verdict === 'benign' ? 0.5 : 0.8,
    summary: `${rated.length} YARA rule(s) matched: ${rated.slice(0, 5).map(label).join(', ')}${rated.length > 5 ? ', …' : ''}`,
    evidence: [...evidence, ...truncated],
    attack: [...new Set(rated.flatMap((r) => ruleAttackIds(r.meta)))].sort(),
  };
}

/**
 * Scans `bytes` (up to maxBytes) with the worker's compiled rules. Synchronous on purpose: the
 * installed binding runs even scanAsync on the main thread, and only the synchronous scanner
 * honours the per-pattern match cap. Never throws: failures come back as a Finding with `error`.
 */
export function scanWithYara(bytes: Uint8Array, scanner: YaraScanner, options: YaraScanOptions = {}): Finding {
  // isView, not instanceof: jest gives each test file its own Uint8Array global.
  if (!ArrayBuffer.isView(bytes)) return errorFinding('input is not a byte array');
  const maxBytes = Math.max(0, Math.floor(options.maxBytes ?? DEFAULT_MAX_SCAN_BYTES));
  const total = bytes.byteLength;
  const length = Math.min(total, maxBytes);
  // A Buffer view over the same memory: no copy, and the binding's Buffer check passes under jest too.
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, length);
  try {
    const vars = externals(options.fileName);
    const matches = vars ? scanner.rules.scan(view, vars) : scanner.rules.scan(view);
    return findingFromMatches(matches, length, total);
  } catch (e) {
    return errorFinding((e as Error).message ?? String(e));
  }
}
