// The curated rule set in rules/yara: every rule compiles cleanly under YARA-X, carries the
// metadata we promise, fires on its positive samples and on none of the negative look-alikes.
import { validate, type RuleMatch } from '@litko/yara-x';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundledRulesDir, getYaraScanner, ruleAttackIds, SEVERITY_SCORES } from '../../../src/analyzers/yara';
import { RULE_SAMPLES } from '../../fixtures/yara/samples';

const dir = bundledRulesDir();
const ruleFiles = readdirSync(dir)
  .filter((f) => f.endsWith('.yar'))
  .sort();
const sources = ruleFiles.map((f) => ({ file: f, text: readFileSync(join(dir, f), 'utf8') }));
const publicRules = sources.flatMap((s) => [...s.text.matchAll(/^rule\s+(\w+)/gm)].map((m) => m[1]));
const scanner = getYaraScanner([]);
const scan = (bytes: Buffer): RuleMatch[] => scanner.rules.scan(bytes);

describe('curated YARA rules', () => {
  it('holds 15-25 public rules, each with samples, and the scanner loaded every file', () => {
    expect(publicRules.length).toBeGreaterThanOrEqual(15);
    expect(publicRules.length).toBeLessThanOrEqual(25);
    expect(new Set(publicRules).size).toBe(publicRules.length);
    expect(RULE_SAMPLES.map((s) => s.rule).sort()).toEqual([...publicRules].sort());
    expect(scanner.problems).toEqual([]);
    expect(scanner.files.map((f) => f.split('/').pop()).sort()).toEqual(ruleFiles);
  });

  it.each(ruleFiles)('%s compiles under YARA-X without errors or slow-pattern warnings', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const result = validate(text, { errorOnSlowPattern: true, errorOnSlowLoop: true });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(text.startsWith('// SPDX-License-Identifier: Apache-2.0')).toBe(true);
  });

  describe.each(RULE_SAMPLES)('$rule', ({ rule, positives, negatives }) => {
    it.each(positives)('fires on positive $name', ({ bytes }) => {
      const hit = scan(bytes).find((m) => m.ruleIdentifier === rule);
      expect(hit).toBeDefined();
      // The metadata the analyzer reads is there and well formed.
      const meta = hit!.meta as Record<string, unknown>;
      expect(meta.author).toBe('autosoc');
      expect(String(meta.description).length).toBeGreaterThan(20);
      expect(String(meta.reference)).toMatch(/^https:\/\/\S+$/);
      expect(Object.keys(SEVERITY_SCORES)).toContain(meta.severity);
      const ids = ruleAttackIds(meta);
      expect(
        String(meta.attack)
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ).toEqual(ids);
      if (meta.severity !== 'info') expect(ids.length).toBeGreaterThan(0);
    });

    it.each(negatives)('stays quiet on look-alike $name', ({ bytes }) => {
      expect(scan(bytes).map((m) => m.ruleIdentifier)).not.toContain(rule);
    });
  });

  it('fires no rule at all on any negative look-alike', () => {
    const noisy = RULE_SAMPLES.flatMap((s) =>
      s.negatives.map((n) => ({ name: n.name, rules: scan(n.bytes).map((m) => m.ruleIdentifier) })),
    ).filter((r) => r.rules.length > 0);
    expect(noisy).toEqual([]);
  });
});
