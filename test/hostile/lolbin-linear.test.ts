// The LOLBin argument shapes run on the linear engine now (src/domain/linear-regex.ts), where
// V8 backtracked quadratically on windows like `\S+` without the `.dll` that follows. Differential:
// every moved abuse answers as V8 running the same pattern (what the table ran before the move)
// on every argument window of the shared corpus and on texts generated from its own pattern;
// the one intended change to a pattern is listed. Work on hostile windows is counted in linear-regex.test.ts.
import { readFileSync } from 'node:fs';
import { LOLBINS } from '../../src/analyzers/data/lolbins';
import { corpusPath } from '../helpers/corpus';
import { generatedTexts } from '../helpers/generated-text';

const current = new Map(LOLBINS.flatMap((e) => e.abuses.map((a) => [a.id, a] as const)));
/** The names each abuse's binary is invoked by, lower-cased (as the analyzer finds them). */
const namesOf = new Map(
  LOLBINS.flatMap((e) => e.abuses.map((a) => [a.id, (e.names ?? [e.binary.replace(/\.exe$/i, '')]).map((n) => n.toLowerCase())] as const)),
);
/** The moved abuses, each with V8 running its pattern: the oracle, on bounded inputs only. */
const reference = new Map(
  [...current].flatMap(([id, a]) =>
    !(a.args instanceof RegExp) && a.args.linear ? [[id, { args: new RegExp(a.args.linear.source, a.args.linear.flags) }] as const] : [],
  ),
);
const corpus = (file: string) =>
  readFileSync(corpusPath('commands', file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { command: string }).command);
/** Argument windows as the analyzer cuts them: each command, and what follows each space, per line. */
const windowsOf = (cmd: string) =>
  cmd.split(/\r|\n/).flatMap((line) => [line, ...[...line.matchAll(/ /g)].slice(0, 40).map((m) => line.slice(m.index))]);

test('the table keeps every abuse, and the moved ones run on the linear engine', () => {
  expect(current.size).toBeGreaterThanOrEqual(180);
  expect(reference.size).toBeGreaterThanOrEqual(80);
});

describe.each(['malicious_commands.jsonl', 'admin_commands_tldr.jsonl'])('on every argument window of %s', (file) => {
  test('each abuse answers as before', () => {
    // Each abuse on the windows of the commands that name its binary: the analyzer only ever
    // tests an abuse after its binary's name.
    const commands = corpus(file).map((cmd) => ({ lower: cmd.toLowerCase(), windows: windowsOf(cmd).map((w) => w.slice(0, 2048)) }));
    const differences: string[] = [];
    let compared = 0;
    for (const [id, before] of reference) {
      const abuse = current.get(id)!;
      for (const { lower, windows } of commands) {
        if (!namesOf.get(id)!.some((n) => lower.includes(n))) continue;
        for (const w of windows) {
          compared++;
          if (abuse.args.test(w) !== before.args.test(w)) differences.push(`${id}: ${JSON.stringify(w.slice(0, 120))}`);
        }
      }
    }
    expect(compared).toBeGreaterThan(5_000);
    expect(differences.slice(0, 20)).toEqual([]);
  });
});

test('each abuse answers as before on texts generated from its own pattern', () => {
  const differences: string[] = [];
  for (const [id, before] of reference) {
    const abuse = current.get(id)!;
    for (const text of generatedTexts(before.args, 400, id.length)) {
      if (abuse.args.test(text) !== before.args.test(text)) differences.push(`${id}: ${JSON.stringify(text)}`);
    }
  }
  expect(differences.slice(0, 20)).toEqual([]);
});

test('the one intended difference: forfiles spacing past 16 blanks no longer hides cmd /c echo', () => {
  const text = ` /p c:\\ /c "cmd${' '.repeat(17)}/c echo @file"`;
  // Before: the exclusion's lookahead allowed any run of blanks (\s+), unbounded for the engine.
  const before = new RegExp(reference.get('forfiles-proxy')!.args.source.replaceAll(String.raw`\s{1,16}`, String.raw`\s+`), 'i');
  expect(before.test(text)).toBe(false);
  expect(current.get('forfiles-proxy')!.args.test(text)).toBe(true);
  expect(current.get('forfiles-proxy')!.args.test(' /p c:\\ /c "cmd /c echo @file"')).toBe(false);
});
