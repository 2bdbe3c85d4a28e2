import fc from 'fast-check';
import { parseStixPattern, StixPatternError } from '../../src/intel/stix-pattern';

describe('parseStixPattern', () => {
  it('reads a simple equality', () => {
    expect(parseStixPattern("[ipv4-addr:value = '198.51.100.7']")).toEqual([
      { objectType: 'ipv4-addr', path: ['value'], operator: '=', negated: false, values: ['198.51.100.7'] },
    ]);
  });

  it('reads quoted path segments and bare hash names', () => {
    const c = parseStixPattern("[file:hashes.'SHA-256' = 'aa' OR file:hashes.MD5 = 'bb']");
    expect(c.map((x) => [x.path, x.values[0]])).toEqual([
      [['hashes', 'SHA-256'], 'aa'],
      [['hashes', 'MD5'], 'bb'],
    ]);
  });

  it('reads observation expressions joined by AND/OR/FOLLOWEDBY with qualifiers and parentheses', () => {
    const c = parseStixPattern(
      "([domain-name:value = 'a.example'] AND [url:value = 'http://a.example/x']) WITHIN 600 SECONDS " +
        "FOLLOWEDBY [email-addr:value = 'x@a.example'] REPEATS 2 TIMES OR [ipv4-addr:value = '192.0.2.1'] START t'2025-01-01T00:00:00Z' STOP t'2025-02-01T00:00:00Z'",
    );
    expect(c.map((x) => `${x.objectType}:${x.values[0]}`)).toEqual([
      'domain-name:a.example',
      'url:http://a.example/x',
      'email-addr:x@a.example',
      'ipv4-addr:192.0.2.1',
    ]);
  });

  it('keeps non-equality operators, negation, IN sets and list indexes for the caller to judge', () => {
    const c = parseStixPattern(
      "[network-traffic:dst_port > 1024 AND (network-traffic:protocols[*] = 'udp') AND network-traffic:dst_ref.value NOT = '10.0.0.1' " +
        "AND domain-name:value IN ('a.example', 'b.example') AND email-message:subject LIKE 'Invoice%' AND EXISTS file:name]",
    );
    expect(c.map((x) => [x.operator, x.negated, x.path.join('.'), x.values])).toEqual([
      ['>', false, 'dst_port', [1024]],
      ['=', false, 'protocols.[*]', ['udp']],
      ['=', true, 'dst_ref.value', ['10.0.0.1']],
      ['IN', false, 'value', ['a.example', 'b.example']],
      ['LIKE', false, 'subject', ['Invoice%']],
      ['EXISTS', false, 'name', []],
    ]);
  });

  it("unescapes \\' and \\\\ inside strings and reads t/h/b literals and booleans", () => {
    const c = parseStixPattern("[file:name = 'it\\'s a \\\\ path' AND file:x_flag = true AND file:magic_number_hex = h'4d5a']");
    expect(c.map((x) => x.values[0])).toEqual(["it's a \\ path", true, '4d5a']);
  });

  it.each([
    ["[ipv4-addr:value = '1.2.3.4'", /expected "\]"/],
    ["ipv4-addr:value = '1.2.3.4'", /expected "\["/],
    ["[ipv4-addr:value = '1.2.3.4]", /unterminated string/],
    ["[ipv4-addr:value '1.2.3.4']", /comparison operator/],
    ["[ipv4-addr: = '1']", /property name/],
    ["[ipv4-addr:value = '1'] garbage", /object path|unexpected/],
    ["[file:name = 'a\\q']", /bad escape/],
    ["[ipv4-addr:value = '1' AND NOT (ipv4-addr:value = '2')]", /object path/],
    ['', /empty pattern/],
  ])('rejects %s with a StixPatternError', (pattern, message) => {
    expect(() => parseStixPattern(pattern)).toThrow(StixPatternError);
    expect(() => parseStixPattern(pattern)).toThrow(message);
  });

  it('refuses nesting deeper than its bound instead of recursing without limit', () => {
    const deep = `${'('.repeat(500)}[ipv4-addr:value = '1.2.3.4']${')'.repeat(500)}`;
    expect(() => parseStixPattern(deep)).toThrow(/deeper than 32/);
    const deepComparisons = `[${'('.repeat(500)}ipv4-addr:value = '1.2.3.4'${')'.repeat(500)}]`;
    expect(() => parseStixPattern(deepComparisons)).toThrow(/deeper than 32/);
  });

  it('refuses patterns over the length bound', () => {
    expect(() => parseStixPattern(`[url:value = '${'a'.repeat(70_000)}']`)).toThrow(/longer than/);
  });

  it('on any input either returns comparisons or throws StixPatternError (never another error)', () => {
    const alphabet = fc.constantFrom(
      ..."[]()'\\=!<> ,:.-*0123456789abcdefANDORNOTINLIKE".split(''),
      ' AND ',
      ' OR ',
      'ipv4-addr:value',
      "'x'",
      'WITHIN 5 SECONDS',
    );
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 60 }).map((a) => a.join('')),
        (p) => {
          try {
            const out = parseStixPattern(p);
            expect(Array.isArray(out)).toBe(true);
          } catch (err) {
            expect(err).toBeInstanceOf(StixPatternError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
