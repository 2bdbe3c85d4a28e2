// Our Sigma matcher parses every corpus rule as pySigma does (values after modifiers, value
// linking, OR-ed groups of AND-ed items), and evaluates conditions and wildcards as the spec says.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { compileSigmaRule, escapeSigmaString, parseSigmaString, UnsupportedSigma } from '../../src/content/sigma/matcher';
import { corpusPath } from '../helpers/corpus';
import { runTool } from '../helpers/field-tools';

const ruleFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? ruleFiles(join(dir, e.name)) : e.name.endsWith('.yml') ? [join(dir, e.name)] : [],
  );

describe('Sigma matcher against pySigma on the corpus rules', () => {
  const files = ruleFiles(corpusPath('sigma'));
  let dumped: Map<string, { detections?: Record<string, unknown>; error?: string }>;

  beforeAll(async () => {
    const run = await runTool('python', [join(__dirname, 'pysigma_dump.py'), ...files]);
    expect(run.code).toBe(0);
    dumped = new Map(
      run.stdout
        .trim()
        .split('\n')
        .map((l) => {
          const j = JSON.parse(l);
          return [j.file, j];
        }),
    );
  }, 120_000);

  it('compiles every rule to the detections pySigma parses', () => {
    expect(files.length).toBeGreaterThanOrEqual(200);
    let compared = 0;
    for (const file of files) {
      const py = dumped.get(file)!;
      expect(py.error).toBeUndefined();
      const rule = compileSigmaRule(parse(readFileSync(file, 'utf8')));
      const ours = Object.fromEntries(
        [...rule.detections].map(([name, groups]) => [name, groups.map((g) => g.map((i) => ({ ...i, field: i.field ?? null })))]),
      );
      expect({ file, detections: ours }).toEqual({ file, detections: py.detections });
      compared++;
    }
    expect(compared).toBe(files.length);
  });
});

describe('Sigma matcher semantics', () => {
  const rule = (detection: unknown) => compileSigmaRule({ detection });

  it('unescapes values as pySigma does', () => {
    expect(parseSigmaString('\\\\\\\\127.0.0.1\\\\')).toEqual([{ text: '\\\\127.0.0.1\\' }]);
    expect(parseSigmaString('a\\*b*c?')).toEqual([{ text: 'a*b' }, { wildcard: '*' }, { text: 'c' }, { wildcard: '?' }]);
    for (const s of ['C:\\Windows\\*', 'x?y', 'end\\', 'a\\\\b']) expect(parseSigmaString(escapeSigmaString(s))).toEqual([{ text: s }]);
  });

  it('matches modifiers case-insensitively, with all/any linking and windash', () => {
    const r = rule({
      sel: { 'Image|endswith': '\\certutil.exe', 'CommandLine|contains|all': ['urlcache', 'split'] },
      flag: { 'CommandLine|contains|windash': '-f ' },
      condition: 'sel and flag',
    });
    expect(r.matches({ Image: 'C:\\Windows\\System32\\CERTUTIL.EXE', CommandLine: 'certutil /urlcache /split /f http://x/a' })).toBe(true);
    expect(r.matches({ Image: 'C:\\Windows\\System32\\certutil.exe', CommandLine: 'certutil -urlcache http://x/a -f ' })).toBe(false);
    expect(r.matches({ Image: 'C:\\tools\\certutil.exe.bak', CommandLine: 'certutil -urlcache -split -f x' })).toBe(false);
  });

  it('evaluates 1 of / all of / not / parentheses and lists of maps', () => {
    const r = rule({
      selection_a: [{ Image: '*\\a.exe' }, { Image: '*\\b.exe' }],
      selection_b: { CommandLine: ['*x*', '*y*'] },
      filter_main: { User: 'SYSTEM' },
      condition: 'all of selection_* and not (1 of filter_*)',
    });
    expect(r.matches({ Image: 'C:\\b.exe', CommandLine: 'y' })).toBe(true);
    expect(r.matches({ Image: 'C:\\b.exe', CommandLine: 'y', User: 'system' })).toBe(false);
    expect(r.matches({ Image: 'C:\\c.exe', CommandLine: 'y' })).toBe(false);
    expect(r.matches({ Image: 'C:\\a.exe', CommandLine: 'z' })).toBe(false);
  });

  it('refuses what it cannot judge instead of matching wrongly', () => {
    expect(() => rule({ sel: { 'CommandLine|base64offset|contains': 'x' }, condition: 'sel' })).toThrow(UnsupportedSigma);
    expect(() => rule({ sel: { A: 'x' }, condition: 'sel | count() > 5' })).toThrow(UnsupportedSigma);
    expect(() => rule({ sel: { A: 'x' }, condition: 'missing' })).toThrow(UnsupportedSigma);
    expect(() => rule({ sel: { 'CommandLine|contains|all|windash': ['-a', '-b'] }, condition: 'sel' })).toThrow(UnsupportedSigma);
  });
});
