// LOLBin analysis: a trusted Windows binary invoked with arguments that match a documented
// abuse (download, proxy execution, credential dumping, defence evasion). The binary alone
// never counts: every one of them has admin uses, so only the argument shape raises a hit.
// The table and its sources live in data/lolbins.ts.
import type { Finding } from '../domain/finding';
import { LOLBINS, type LolbinAbuse, type LolbinEntry } from './data/lolbins';

export const LOLBINS_ANALYZER = 'lolbins';
export const ANALYZER_VERSION = '1';

/** Bounds: an alert carries a handful of command lines; a script block may be long. */
const MAX_COMMANDS = 1000;
const MAX_COMMAND_CHARS = 64 * 1024;
/**
 * Arguments examined after each binary. Patterns with two open-ended gaps cost up to
 * n² per start position, so the window stays short enough to keep any input fast.
 */
const MAX_WINDOW_CHARS = 2048;
const MAX_HITS = 50;

export interface LolbinHit {
  /** Table entry (file name), e.g. `certutil.exe`. */
  binary: string;
  /** The name as written in the command, lower-cased. */
  invokedAs: string;
  abuse: string;
  score: number;
  attack: string[];
  what: string;
  source: string;
}

interface CompiledEntry {
  entry: LolbinEntry;
  token: RegExp;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// A binary token: preceded by a separator or a path, followed by an optional .exe and a separator.
// `net.webclient` or `-replace` never match because `.`/`-` are not separators before or after.
const COMPILED: CompiledEntry[] = LOLBINS.map((entry) => {
  const names = entry.names ?? [entry.binary.replace(/\.exe$/i, '')];
  const alt = names
    .map(escapeRe)
    .sort((a, b) => b.length - a.length)
    .join('|');
  return { entry, token: new RegExp(`(?:^|[\\s"'(\\\\/&|;,=@>])(${alt})(?:\\.exe|\\.com)?(?=$|[\\s"',;)&|<>])`, 'gi') };
});

/**
 * cmd.exe escapes a character with `^` and treats `""` as nothing, so `c^e^r^t^u^t^i^l` and
 * `cert""util` run certutil; undo both before matching.
 */
export function normalizeCommandLine(cmd: string): string {
  return cmd.replace(/\^(.)/g, '$1').replace(/(?<=\w)""(?=\w)/g, '');
}

/** The arguments of one invocation: up to the end of the line or a `&&`, `||`, ` & ` chain. */
function argumentWindow(text: string, from: number): string {
  const rest = text.slice(from, from + MAX_WINDOW_CHARS);
  const end = rest.search(/\r|\n|&&|\|\||\s&\s/);
  return end === -1 ? rest : rest.slice(0, end);
}

/** Every documented abuse found in one command line (one hit per abuse id). */
export function matchLolbins(commandLine: string): LolbinHit[] {
  const text = normalizeCommandLine(commandLine.slice(0, MAX_COMMAND_CHARS));
  const hits = new Map<string, LolbinHit>();
  for (const { entry, token } of COMPILED) {
    token.lastIndex = 0;
    let m: RegExpExecArray | null;
    let occurrences = 0;
    while ((m = token.exec(text)) !== null && occurrences++ < 50) {
      const window = argumentWindow(text, m.index + m[0].length);
      for (const abuse of entry.abuses) {
        if (hits.has(abuse.id) || !abuse.args.test(window)) continue;
        hits.set(abuse.id, toHit(entry, abuse, m[1].toLowerCase()));
      }
      if (m[0].length === 0) token.lastIndex++;
    }
  }
  return [...hits.values()];
}

function toHit(entry: LolbinEntry, abuse: LolbinAbuse, invokedAs: string): LolbinHit {
  return {
    binary: entry.binary,
    invokedAs,
    abuse: abuse.id,
    score: abuse.score,
    attack: abuse.attack,
    what: abuse.what,
    source: entry.source,
  };
}

export function analyzeLolbins(commandLines: readonly string[]): Finding {
  const base = { analyzer: LOLBINS_ANALYZER, attack: [] as string[] };
  if (!Array.isArray(commandLines)) {
    return {
      ...base,
      verdict: 'unknown',
      score: 0,
      confidence: 0,
      summary: 'no command lines to analyze',
      evidence: [],
      error: 'command lines must be an array of strings',
    };
  }
  const lines = commandLines.slice(0, MAX_COMMANDS);
  const skipped = lines.filter((c) => typeof c !== 'string').length;
  const found: { hit: LolbinHit; cmd: string }[] = [];
  const seen = new Set<string>();
  for (const cmd of lines) {
    if (typeof cmd !== 'string') continue;
    for (const hit of matchLolbins(cmd)) {
      const key = `${hit.abuse}\u0000${cmd}`;
      if (found.length < MAX_HITS && !seen.has(key)) {
        seen.add(key);
        found.push({ hit, cmd });
      }
    }
  }
  const notes: string[] = [];
  if (commandLines.length > MAX_COMMANDS)
    notes.push(`only the first ${MAX_COMMANDS} of ${commandLines.length} command lines were examined`);
  const error = skipped > 0 ? `${skipped} command line(s) were not strings` : undefined;

  if (found.length === 0) {
    const examined = lines.length - skipped;
    return {
      ...base,
      verdict: examined ? 'benign' : 'unknown',
      score: 0,
      confidence: examined ? 0.3 : 0,
      summary: examined ? `no LOLBin abuse pattern in ${examined} command line(s)` : 'no command lines to analyze',
      evidence: notes,
      ...(error ? { error } : {}),
    };
  }
  const score = Math.max(...found.map((f) => f.hit.score));
  const byScore = [...found].sort((a, b) => b.hit.score - a.hit.score);
  return {
    ...base,
    verdict: score >= 75 ? 'malicious' : score >= 40 ? 'suspicious' : 'benign',
    score,
    // Signed binaries with matching arguments are strong evidence but admins do some of this too.
    confidence: score >= 75 ? 0.75 : 0.6,
    summary: [...new Set(byScore.map((f) => `${f.hit.invokedAs}: ${f.hit.what}`))].slice(0, 5).join('; '),
    evidence: [
      ...byScore.map((f) => `${f.hit.abuse} (${f.hit.score}, ${f.hit.attack.join(' ')}): ${f.hit.what} — ${f.cmd.slice(0, 300)}`),
      ...notes,
    ],
    attack: [...new Set(found.flatMap((f) => f.hit.attack))].sort(),
    ...(error ? { error } : {}),
  };
}
