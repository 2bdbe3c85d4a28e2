// No regular expression in src/ can backtrack super-linearly (ReDoS) unless it is listed with a
// reason. Every regex literal and RegExp(...) call is found with the TypeScript compiler API and
// checked by recheck (https://makenowjust-labs.github.io/recheck/), which proves a pattern
// linear or finds an attack string. The scan runs as a plain Node process (redos-scan.cjs):
// recheck's checker agent does not run inside jest's sandbox. Patterns already proved linear
// (redos-proven.json, exact text) are not re-checked; any new or edited pattern is.
// redos-allowed.json lists what is still super-linear, each with why it is tolerable for now;
// shrink it, never grow it without a reason a reviewer accepts.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const HERE = __dirname;

interface Scanned {
  where: string;
  file: string;
  pattern: string;
  text: string;
  source?: string;
  status?: string;
  engine?: string;
  complexity?: string;
  attack?: string;
  error?: string;
}
interface Allowed {
  file: string;
  pattern: string;
  reason: string;
}

const allowed: Allowed[] = JSON.parse(readFileSync(join(HERE, 'redos-allowed.json'), 'utf8'));
let regexes: Scanned[] = [];

beforeAll(() => {
  const out = execFileSync(
    process.execPath,
    [join(HERE, 'redos-scan.cjs'), ROOT, '--proven', join(HERE, 'redos-proven.json'), '--allowed', join(HERE, 'redos-allowed.json')],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 110_000,
    },
  );
  regexes = (JSON.parse(out) as { regexes: Scanned[] }).regexes;
}, 120_000);

test('the inventory finds the regexes of src/ (literals and RegExp calls)', () => {
  expect(regexes.length).toBeGreaterThan(500);
  expect(regexes.some((r) => r.where.startsWith('src/domain/observables.ts:'))).toBe(true);
  expect(regexes.some((r) => r.source === undefined)).toBe(true);
  expect(regexes.filter((r) => r.status === 'linear-engine').length).toBeGreaterThan(50);
});

test('no super-linear pattern and no dynamic RegExp outside the reasoned allow-list', () => {
  const problems = regexes.flatMap((r) => {
    if (r.status === 'safe' || r.status === 'allowed' || r.status === 'linear-engine') return [];
    if (r.source === undefined)
      return [`${r.where}: RegExp built from a non-literal (${r.text.slice(0, 80)}): write a literal, or list it with a reason`];
    if (r.status === 'vulnerable')
      return [`${r.where}: ${r.complexity} backtracking, attack ${JSON.stringify(r.attack?.slice(0, 60))}: ${r.text.slice(0, 100)}`];
    return [`${r.where}: recheck cannot decide (${r.error}): ${r.text.slice(0, 100)}`];
  });
  expect(problems).toEqual([]);
});

test('every allow-list entry has a reason and still names a regex in its file', () => {
  const present = new Set(regexes.map((r) => `${r.file}\n${r.pattern}`));
  expect(allowed.filter((a) => a.reason.trim().length < 20)).toEqual([]);
  expect(allowed.filter((a) => !present.has(`${a.file}\n${a.pattern}`)).map((a) => `${a.file}: ${a.pattern.slice(0, 80)}`)).toEqual([]);
});

test('the ingest boundary and the domain have no allow-listed regex left', () => {
  expect(
    allowed.filter(
      (a) =>
        a.file.startsWith('src/domain/') ||
        (a.file.startsWith('src/ingest/') && a.file !== 'src/ingest/formats/syslog.ts') ||
        a.file.startsWith('src/api/'),
    ),
  ).toEqual([]);
});
