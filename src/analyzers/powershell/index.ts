// PowerShell analysis: deobfuscate each PowerShell command line on a real parser (tree-sitter),
// then look for what the clear text does (download cradles, AMSI bypass, Defender tampering,
// reflective loading ...). The finding's evidence carries the deobfuscated script.
import type { Finding } from '../../domain/finding';
import { deobfuscateWith, type Deobfuscation } from './deobfuscate';
import { loadPowerShellParser, type PowerShellParser } from './parser';

export { deobfuscateWith, LIMITS, type Deobfuscation } from './deobfuscate';
export type { Indicator } from './indicators';
export { loadPowerShellParser } from './parser';

export const POWERSHELL_ANALYZER = 'powershell';
export const ANALYZER_VERSION = '1';

const MAX_COMMANDS = 200;
const EVIDENCE_SCRIPT_CHARS = 1500;

/** Deobfuscates one command line (a powershell.exe invocation or a script). Never throws. */
export async function deobfuscatePowerShell(commandLine: string): Promise<Deobfuscation> {
  const parser = await loadParserOrNull();
  return deobfuscateWith(parser, commandLine);
}

async function loadParserOrNull(): Promise<PowerShellParser | null> {
  try {
    return await loadPowerShellParser();
  } catch {
    return null; // deobfuscateWith records that only text-level analysis ran
  }
}

/** Lines worth deobfuscating: a powershell launcher, or text written in PowerShell. */
export function looksLikePowerShell(line: string): boolean {
  return (
    /(?:^|[\s"'\\/(&|;])(?:powershell|pwsh)(?:_ise)?(?:\.exe)?(?=$|[\s"',;)&|])/i.test(line) ||
    /\b(?:iex|iwr|irm|invoke-\w+|new-object|(?:add|set)-mppreference|start-bitstransfer|(?:get|set|new|remove|start|stop|out|write|add|import|convert(?:to|from))-[a-z]{3,})\b|\[[\w.]+\]::\w+|\$[\w:]+\s*[-+*]?=[^=]|\$env:\w+/i.test(
      line,
    ) ||
    // Obfuscated text spells no cmdlet: its building blocks give it away.
    /&\s*\(|\.\s*\(\s*['"$(]|-f\s*['"]|['"]\s*\+\s*['"]|`[a-z]|\[char\]|-join\b|\$\{?[\w:]+/i.test(line)
  );
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);

export async function analyzePowerShell(commandLines: readonly string[]): Promise<Finding> {
  const base = { analyzer: POWERSHELL_ANALYZER };
  try {
    if (!Array.isArray(commandLines)) throw new Error('command lines must be an array of strings');
    const lines = commandLines.slice(0, MAX_COMMANDS).filter((l): l is string => typeof l === 'string');
    const candidates = lines.filter(looksLikePowerShell);
    if (candidates.length === 0) {
      return { ...base, verdict: 'unknown', score: 0, confidence: 0, summary: 'no PowerShell command lines', evidence: [], attack: [] };
    }
    const parser = await loadParserOrNull();
    const results = candidates.map((line) => ({ line, d: deobfuscateWith(parser, line) }));
    const indicators = results.flatMap((r) => r.d.indicators);
    const score = indicators.length ? Math.max(...indicators.map((i) => i.score)) : 0;
    const evidence: string[] = [];
    for (const { d } of results) {
      if (d.indicators.length === 0 && d.transformations.length === 0) continue;
      const how = d.transformations.length ? ` after undoing ${d.transformations.join(', ')}` : '';
      evidence.push(`deobfuscated in ${d.layers.length - 1} step(s)${how}: ${clip(d.script.trim(), EVIDENCE_SCRIPT_CHARS)}`);
      for (const i of d.indicators)
        evidence.push(`${i.id} (${i.score}, ${i.attack.join(' ')}): ${i.what}${i.excerpt ? ` — ${i.excerpt}` : ''}`);
      for (const p of d.problems) evidence.push(`note: ${p}`);
    }
    if (commandLines.length > MAX_COMMANDS)
      evidence.push(`note: only the first ${MAX_COMMANDS} of ${commandLines.length} command lines were examined`);
    const byScore = [...indicators].sort((a, b) => b.score - a.score);
    return {
      ...base,
      verdict: score >= 75 ? 'malicious' : score >= 40 ? 'suspicious' : 'benign',
      score,
      confidence: parser ? (score >= 75 ? 0.8 : 0.6) : 0.4,
      summary:
        score > 0
          ? [...new Set(byScore.map((i) => i.what))].slice(0, 4).join('; ')
          : `${candidates.length} PowerShell command line(s), nothing known-bad after deobfuscation`,
      evidence,
      attack: [...new Set(indicators.flatMap((i) => i.attack))].sort(),
    };
  } catch (err) {
    return {
      ...base,
      verdict: 'unknown',
      score: 0,
      confidence: 0,
      summary: 'PowerShell analysis failed',
      evidence: [],
      attack: [],
      error: err instanceof Error ? err.message : String(err),
    };
  }
}
