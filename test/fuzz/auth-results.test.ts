// Property-based fuzzing of the Authentication-Results parser (headers of untrusted email).
// Its own file because a failure here has been a hang that exhausts the heap and kills the jest
// worker (reproducer: the 4 characters "x) s"), which would take the other parsers down with it.
import fc from 'fast-check';
import { parseAuthenticationResults, summarizeAuth } from '../../src/analyzers/email/auth-results';
import { anyText, bounded, mutated, RUNS } from './generators';

const AUTH_RESULTS = [
  'mx.google.com; dkim=pass header.i=@example.com header.s=s1 header.b=abc; spf=pass (google.com: domain of a@example.com designates 1.2.3.4) smtp.mailfrom=a@example.com; dmarc=pass (p=REJECT) header.from=example.com',
  'spf=None (sender IP is 1.2.3.4) smtp.mailfrom=x.com; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=x.com;compauth=fail reason=001',
  'example.org 1; none',
];

test('parseAuthenticationResults and summarizeAuth never throw', async () => {
  const nested = fc.integer({ min: 10, max: 50_000 }).map((n) => `mx; spf=pass ${'('.repeat(n)}x${')'.repeat(n >> 1)}`);
  await fc.assert(
    fc.asyncProperty(fc.oneof(anyText, mutated(AUTH_RESULTS), nested), async (value) => {
      await bounded('parseAuthenticationResults', () => {
        const h = parseAuthenticationResults(value);
        expect(Array.isArray(h.results)).toBe(true);
        summarizeAuth([value, value], ['mx.google.com']);
      });
    }),
    RUNS,
  );
});
