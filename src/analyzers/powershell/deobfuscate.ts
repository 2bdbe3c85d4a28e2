// Deobfuscation driver: decode the launcher's -EncodedCommand, then rewrite the script with the
// syntax tree until nothing changes (or a bound is hit), keeping each intermediate layer.
// Every bound is explicit: input size, parse size and time, passes, work per pass, output size.
import type { Note } from './evaluate';
import { findIndicators, type Indicator } from './indicators';
import { parseLaunch, type LaunchFlags } from './launcher';
import { copyTree, type Node, type PowerShellParser } from './parser';
import { rewritePass } from './rewrite';

export interface Deobfuscation {
  /** The script after the last pass that changed it. */
  script: string;
  /** Each distinct version, from the command line as given to the final script (each clipped). */
  layers: string[];
  /** ATT&CK technique ids of what the script does and how it was hidden. */
  techniques: string[];
  indicators: Indicator[];
  /** Obfuscation undone on the way (concat, format, base64, iex-unwrap, ...). */
  transformations: Note[];
  flags: LaunchFlags;
  /** True when a powershell.exe/pwsh launcher started the line. */
  launcher: boolean;
  /** Bounds hit and decoding problems; the result is still usable. */
  problems: string[];
  /** Rewrite steps spent on this line, all passes together (at most LIMITS.stepsPerLine, plus a pass's overshoot). */
  steps: number;
}

export const LIMITS = {
  /** Longer input is cut (a command line is at most 32 KiB on Windows; script blocks run larger). */
  maxInputChars: 1 << 20,
  /** Longer scripts are not parsed: indicators are still searched in the text. */
  maxParseChars: 256 * 1024,
  parseTimeoutMs: 1500,
  totalTimeMs: 6000,
  maxPasses: 12,
  stepsPerPass: 3_000_000,
  /**
   * Work for one command line over all passes: a budget counted in steps, not time, so the same
   * line always gets the same (partial) answer. Spent: the latest layer is the result.
   */
  stepsPerLine: 4_000_000,
  /** Syntax trees beyond this many nodes (deeply nested or huge scripts) are not rewritten. */
  maxNodes: 600_000,
  maxLayerChars: 64 * 1024,
  maxScanChars: 2 << 20,
} as const;

const clipLayer = (s: string) =>
  s.length > LIMITS.maxLayerChars ? `${s.slice(0, LIMITS.maxLayerChars)}\n<clipped ${s.length - LIMITS.maxLayerChars} chars>` : s;

/** Deobfuscates with an already loaded parser (null: text-level decoding and detection only). */
export function deobfuscateWith(
  parser: PowerShellParser | null,
  commandLine: string,
  stepsPerLine: number = LIMITS.stepsPerLine,
): Deobfuscation {
  const problems: string[] = [];
  let input = typeof commandLine === 'string' ? commandLine : String(commandLine ?? '');
  if (input.length > LIMITS.maxInputChars) {
    problems.push(`input cut to ${LIMITS.maxInputChars} of ${input.length} characters`);
    input = input.slice(0, LIMITS.maxInputChars);
  }
  const launch = parseLaunch(input);
  problems.push(...launch.problems);
  const layers: string[] = [clipLayer(input)];
  let script = launch.script;
  if (launch.launcher && script && script !== input) layers.push(clipLayer(script));
  const notes = new Set<Note>();
  if (launch.flags.encoded && launch.via === 'encoded') notes.add('encoded-command');
  const seen: string[] = [script];

  const started = Date.now();
  let steps = 0;
  if (!parser) problems.push('PowerShell parser unavailable: text-level analysis only');
  for (let pass = 0; parser && script && pass < LIMITS.maxPasses; pass++) {
    if (script.length > LIMITS.maxParseChars) {
      problems.push(`script of ${script.length} characters too large to parse`);
      break;
    }
    const budget = Math.min(LIMITS.stepsPerPass, stepsPerLine - steps);
    if (budget <= 0) {
      problems.push(`work budget of ${stepsPerLine} steps spent: partial result`);
      break;
    }
    if (Date.now() - started > LIMITS.totalTimeMs) {
      problems.push('time budget spent before a fixed point');
      break;
    }
    const tree = parser.parse(script, LIMITS.parseTimeoutMs);
    if (!tree) {
      problems.push('parse timed out');
      break;
    }
    let root: Node | null;
    try {
      root = copyTree(tree, LIMITS.maxNodes);
    } finally {
      tree.delete();
    }
    if (!root) {
      problems.push(`syntax tree larger than ${LIMITS.maxNodes} nodes: not rewritten`);
      break;
    }
    const r = rewritePass(root, script, budget);
    steps += r.steps;
    r.notes.forEach((n) => notes.add(n));
    if (r.steps > budget) problems.push(`work budget of ${budget} steps spent in pass ${pass + 1}: partial result`);
    const next = r.text;
    if (next === script) break;
    if (next.length > LIMITS.maxParseChars * 2) {
      problems.push('rewrite grew past the size bound; kept the previous layer');
      break;
    }
    if (seen.includes(next)) {
      problems.push('rewrite cycled; kept the latest distinct layer');
      break;
    }
    seen.push(next);
    script = next;
    layers.push(clipLayer(script));
    if (pass === LIMITS.maxPasses - 1) problems.push(`stopped after ${LIMITS.maxPasses} passes`);
  }

  script = script.trim();
  const scan: string[] = [];
  let budget = LIMITS.maxScanChars;
  for (const t of [script, ...seen.slice(0, -1), input]) {
    if (budget <= 0) break;
    scan.push(t.slice(0, budget));
    budget -= t.length;
  }
  const indicators = findIndicators(scan, launch.flags, notes);
  const techniques = [...new Set(indicators.flatMap((i) => i.attack))].sort();
  return {
    script,
    layers,
    techniques,
    indicators,
    transformations: [...notes].sort(),
    flags: launch.flags,
    launcher: launch.launcher,
    problems,
    steps,
  };
}
