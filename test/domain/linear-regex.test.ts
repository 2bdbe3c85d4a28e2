// The linear engine agrees with V8 on whether a pattern matches (differential test on generated
// texts built from each pattern's own characters), refuses what would break its bound, and does
// work proportional to the text on inputs that make the backtracking engine quadratic.
import { linearRegex, LinearRegexError, linearRegexWork } from '../../src/domain/linear-regex';
import { generatedTexts } from '../helpers/generated-text';

const PATTERNS: RegExp[] = [
  /abc/,
  /a|b|cd/,
  /^ab$/,
  /^\s+add\b[\s\S]*\/add\b/i,
  /\S+\.dll\b/i,
  /[^\s"']*\.msi\b/,
  /a{2,4}b/,
  /(?:ab)+c/,
  /x*/,
  new RegExp('[]'),
  /[^]/,
  /\bword\b/,
  /\Bo\B/,
  /(?<![\w/])[\w-]+\.\w{1,5}:(?![\\/])[\w$-]*[a-z_$][\w.$-]*/,
  /\.(?!js\b|vbs\b)\w+/i,
  /(?:(?:[a-z]:)?[^\s:"'|<>]*\\[^\s:"'\\|<>]+|(?<![\w/])[\w-]+\.\w{1,5}):(?![\\/])[\w$-]*[a-z_$][\w.$-]*/,
  /^a.b$/m,
  /a.b/s,
  /a.b/,
  /[A-Z]+/i,
  /[\w.$-]+/,
  /\x41\u0042/,
  /[a-c-]/,
  /(?<=\d)x/,
  /(?<!\d)x/,
  /\/create\b[\s\S]*\/tr\s+["']?[\s\S]*(?:cmd|\\users\\)/i,
  /-q?O-?\s*-?[\s\S]*\|\s*(?:sudo\s+)?(?:ba|z|da|k)?sh\b/i,
  /ſ|k/i,
  /K/i,
  /[k]/i,
  /\u212a/i,
  /[^a]/i,
  /(?<year>\d{4})-\d{2}/,
];

describe('linearRegex agrees with V8', () => {
  it.each(PATTERNS.map((p) => [p.toString(), p]))('%s', (_name, pattern) => {
    const linear = linearRegex(pattern as RegExp);
    const texts = [
      ...generatedTexts(pattern as RegExp, 1500),
      '',
      'k',
      'K',
      '\u212a',
      'ſ',
      's',
      'S',
      'x',
      '1x',
      'ab',
      'a\nb',
      'a\u2028b',
      '2024-01',
    ];
    const disagreements = texts.filter(
      (t) => linear.test(t) !== (pattern as RegExp).test(t) || (linear.find(t) !== null) !== (pattern as RegExp).test(t),
    );
    expect(disagreements).toEqual([]);
    // Without context-dependent assertions, the span found is itself a whole match of the pattern.
    if (!/\\[bB]|\(\?<?[=!]|[\^$]/.test((pattern as RegExp).source)) {
      const whole = new RegExp(`^(?:${(pattern as RegExp).source})$`, (pattern as RegExp).flags);
      const spans = texts.map((t) => linear.find(t)).filter((m) => m !== null);
      expect(spans.filter((m) => !whole.test(m!.text))).toEqual([]);
    }
  });
});

describe('linearRegex refuses what would break the linear bound', () => {
  it.each([
    [/(a)\1/, /backreferences/],
    [/(?=.*x)/, /lookaround body may span unbounded/],
    [/a/g, /flag "g"/],
    [/a/y, /flag "y"/],
    [/\p{L}/u, /flag "u"/],
    [/a{1,30000}/, /program larger/],
  ])('%s', (pattern, message) => {
    expect(() => linearRegex(pattern)).toThrow(LinearRegexError);
    expect(() => linearRegex(pattern)).toThrow(message);
  });

  it('refuses broken source with a clear error', () => {
    expect(() => linearRegex('(ab', '')).toThrow(/missing \)/);
    expect(() => linearRegex('*a', '')).toThrow(/nothing to repeat/);
  });
});

describe('linearRegex work is linear in the text', () => {
  // Inputs that make V8 backtrack quadratically: a long run that never completes the pattern.
  it.each([
    [/\S+\.dll\b/i, (n: number) => 'a'.repeat(n)],
    [/-post\b[\s\S]*-config\s+["']?(?:https?:\/\/)/i, (n: number) => '-post '.repeat(n / 6)],
    [
      /(?:(?:[a-z]:)?[^\s:"'|<>]*\\[^\s:"'\\|<>]+|(?<![\w/])[\w-]+\.\w{1,5}):(?![\\/])[\w$-]*[a-z_$][\w.$-]*/,
      (n: number) => '\\'.repeat(n),
    ],
    [/^\s+user\s+\S+\s+\S+[\s\S]*\/add\b/i, (n: number) => ` user a ${'b'.repeat(n)}`],
  ])('%s', (pattern, hostile) => {
    const linear = linearRegex(pattern);
    const work = (n: number) => {
      linearRegexWork.threadSteps = 0;
      expect(linear.test(hostile(n))).toBe(false);
      return linearRegexWork.threadSteps;
    };
    const small = work(4_000);
    const large = work(16_000);
    // Four times the text, about four times the work (quadratic would be sixteen).
    expect(large / small).toBeLessThan(4.5);
    expect(large).toBeGreaterThan(0);
  });
});
