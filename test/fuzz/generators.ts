// Generators and the bounded-call check shared by the fuzz tests (fast-check).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { SAMPLES_DIR } from '../helpers/alerts';
import { countTextWork } from '../helpers/work';

const enc = new TextEncoder();
// A hang detector, not a speed goal (those live in bench/): generous for a loaded 2-core CI.
/** Characters one call may scan with regexes and indexOf: inputs stay under ~1 M characters, so a
 *  linear parser is far below this and a quadratic one (1e12) far above. */
const CALL_CHARS = 200_000_000;
export const SAMPLE_ALERTS = readdirSync(SAMPLES_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => readFileSync(join(SAMPLES_DIR, f), 'utf8'));

/** Valid text mutated: a slice cut, bytes flipped, a fragment repeated or spliced in. */
export function mutated(seeds: string[]): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom(...seeds),
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 64 }), fc.string({ maxLength: 16, unit: 'binary' }), fc.nat({ max: 4 })), { maxLength: 6 }),
    )
    .map(([seed, edits]) =>
      edits.reduce((s, [at, len, ins, op]) => {
        const i = s.length ? at % s.length : 0;
        if (s.length > 200_000) return s; // repeats compound: keep the input large but bounded
        switch (op) {
          case 0:
            return s.slice(0, i) + s.slice(i + len);
          case 1:
            return s.slice(0, i) + ins + s.slice(i);
          case 2:
            return s.slice(0, i) + s.slice(i, i + len).repeat(1 + (len % 50)) + s.slice(i + len);
          case 3:
            return s.slice(0, i) + ins + s.slice(i + len);
          default:
            return s.slice(0, i);
        }
      }, seed),
    );
}

/** JSON values with odd shapes: deep nesting, huge strings, wrong types under real keys. */
export const deepJsonOf = (max: number): fc.Arbitrary<string> =>
  fc
    .tuple(fc.integer({ min: 100, max }), fc.constantFrom('[', '{"a":'))
    .map(([n, open]) => open.repeat(n) + '1' + (open === '[' ? ']' : '}').repeat(n));
export const deepJson = deepJsonOf(3000);
export const hugeString = fc
  .tuple(fc.integer({ min: 50_000, max: 300_000 }), fc.constantFrom('a', '\\', '|', '=', ' ', '%', '\n', '"', "'", '(', '['))
  .map(([n, c]) => c.repeat(n));
export const wrongTypes = fc
  .tuple(
    fc.constantFrom(...SAMPLE_ALERTS),
    fc.dictionary(
      fc.constantFrom('severity', 'time', 'title', 'source', 'sourceId', 'observables', 'attackTechniques', 'raw', 'hosts', 'users'),
      fc.jsonValue({ maxDepth: 3 }),
    ),
  )
  .map(([s, o]) => JSON.stringify({ ...JSON.parse(s), ...o }));
export const anyText = fc.oneof(
  fc.string({ maxLength: 2000, unit: 'binary' }),
  fc.string({ maxLength: 2000, unit: 'grapheme' }),
  fc.json({ maxDepth: 6 }),
  deepJson,
  { arbitrary: hugeString, weight: 1 },
);
export const anyBytes = fc.oneof(
  fc.uint8Array({ maxLength: 4096 }),
  anyText.map((t) => enc.encode(t)),
);

/** Calls fn; a throw must be one of `allowed`, and the call must scan at most CALL_CHARS. */
export async function bounded(what: string, fn: () => unknown, ...allowed: (new (...a: never[]) => Error)[]): Promise<void> {
  const { work } = await countTextWork(async () => {
    try {
      await fn();
    } catch (err) {
      if (!allowed.some((E) => err instanceof E))
        throw new Error(`${what} threw an undocumented ${(err as Error)?.name}: ${(err as Error)?.message?.slice(0, 300)}`);
    }
  });
  const chars = work.charsScanned + work.indexOfChars;
  if (chars > CALL_CHARS) throw new Error(`${what} scanned ${chars} characters`);
}

export const RUNS = { numRuns: 100, endOnFailure: true } as const;
