// No regular expression in src/ can backtrack super-linearly (ReDoS): every regex literal and
// RegExp construction is found with the TypeScript compiler API and checked by recheck
// (https://makenowjust-labs.github.io/recheck/), which proves a pattern linear or finds an
// attack string. A pattern it cannot judge needs an entry below with the reason it is safe.
import { check } from 'recheck';
import { join } from 'node:path';
import { findRegexes } from './regex-inventory';

const ROOT = join(__dirname, '..', '..');

/** "file:line" → why this regex is safe although recheck cannot say so. Keep it short. */
const ALLOWED: Record<string, string> = {};

describe('every regex in src/ is linear', () => {
  const regexes = findRegexes(ROOT);

  it('finds the regexes (the inventory itself works)', () => {
    expect(regexes.length).toBeGreaterThan(100);
    expect(regexes.some((r) => r.where.startsWith('src/domain/observables.ts'))).toBe(true);
  });

  it('has no super-linear pattern and no unexplained dynamic RegExp', async () => {
    const problems: string[] = [];
    for (const r of regexes) {
      if (ALLOWED[r.where]) continue;
      if (r.source === undefined) {
        problems.push(`${r.where}: RegExp built from a non-literal (${r.text.slice(0, 80)}): make it a literal or allow-list it with a reason`);
        continue;
      }
      const result = await check(r.source, r.flags, { timeout: 10_000 });
      if (result.status === 'vulnerable') problems.push(`${r.where}: ${result.complexity.type} backtracking on ${JSON.stringify(result.attack.pattern)}: ${r.text.slice(0, 120)}`);
      else if (result.status === 'unknown') problems.push(`${r.where}: recheck cannot decide (${result.error.kind}): ${r.text.slice(0, 120)}`);
    }
    expect(problems).toEqual([]);
  });

  it('every allow-list entry still names a regex', () => {
    const places = new Set(regexes.map((r) => r.where));
    expect(Object.keys(ALLOWED).filter((w) => !places.has(w))).toEqual([]);
  });
});
