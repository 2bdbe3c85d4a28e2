// The LOLBin argument shapes run on the linear engine now (src/domain/linear-regex.ts), where
// V8 backtracked quadratically on windows like `\S+` without the `.dll` that follows. Differential:
// every abuse answers as the table before the move (test/analyzers/lolbins-reference.ts) on every
// argument window of the shared corpus and on texts generated from its own pattern; the one
// intended difference is listed. Work on hostile windows is counted in linear-regex.test.ts.
import { readFileSync } from 'node:fs';
import { LOLBINS } from '../../src/analyzers/data/lolbins';
import { REFERENCE_LOLBINS } from '../analyzers/lolbins-reference';
import { corpusPath } from '../helpers/corpus';
import { generatedTexts } from '../helpers/generated-text';

const current = new Map(LOLBINS.flatMap((e) => e.abuses.map((a) => [a.id, a] as const)));
/** The names each abuse's binary is invoked by, lower-cased (as the analyzer finds them). */
const namesOf = new Map(
  LOLBINS.flatMap((e) => e.abuses.map((a) => [a.id, (e.names ?? [e.binary.replace(/\.exe$/i, '')]).map((n) => n.toLowerCase())] as const)),
);
const reference = new Map(REFERENCE_LOLBINS.flatMap((e) => e.abuses.map((a) => [a.id, a] as const)));

const corpus = (file: string) =>
  readFileSync(corpusPath('commands', file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { command: string }).command);
/** Argument windows as the analyzer cuts them: each command, and what follows each space, per line. */
const windowsOf = (cmd: string) =>
  cmd.split(/\r|\n/).flatMap((line) => [line, ...[...line.matchAll(/ /g)].slice(0, 40).map((m) => line.slice(m.index))]);

const sourceOf = (args: { linear?: { source: string }; regexes?: readonly RegExp[] } | RegExp) =>
  args instanceof RegExp ? args : args.linear ? new RegExp(args.linear.source, 'i') : undefined;

test('the table keeps every abuse, and the moved ones run on the linear engine', () => {
  expect([...current.keys()].sort()).toEqual([...reference.keys()].sort());
  const linear = [...current.values()].filter((a) => !(a.args instanceof RegExp) && a.args.linear);
  expect(linear.length).toBeGreaterThanOrEqual(80);
});

describe.each(['malicious_commands.jsonl', 'admin_commands_tldr.jsonl'])('on every argument window of %s', (file) => {
  test('each abuse answers as before', () => {
    // Each abuse on the windows of the commands that name its binary: the analyzer only ever
    // tests an abuse after its binary's name.
    const commands = corpus(file).map((cmd) => ({ lower: cmd.toLowerCase(), windows: windowsOf(cmd).map((w) => w.slice(0, 2048)) }));
    const differences: string[] = [];
    let compared = 0;
    for (const [id, abuse] of current) {
      const before = reference.get(id)!;
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
  for (const [id, abuse] of current) {
    const pattern = sourceOf(abuse.args as never);
    if (!pattern) continue;
    const before = reference.get(id)!;
    for (const text of generatedTexts(pattern, 400, id.length)) {
      if (abuse.args.test(text) !== before.args.test(text)) differences.push(`${id}: ${JSON.stringify(text)}`);
    }
  }
  expect(differences.slice(0, 20)).toEqual([]);
});

test('the one intended difference: forfiles spacing past 16 blanks no longer hides cmd /c echo', () => {
  const text = ` /p c:\\ /c "cmd${' '.repeat(17)}/c echo @file"`;
  expect(reference.get('forfiles-proxy')!.args.test(text)).toBe(false);
  expect(current.get('forfiles-proxy')!.args.test(text)).toBe(true);
  expect(current.get('forfiles-proxy')!.args.test(' /p c:\\ /c "cmd /c echo @file"')).toBe(false);
});
