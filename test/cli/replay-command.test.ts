// `autosoc replay --histories DIR` before a deploy: recorded histories replay against today's
// code; an incompatible change (a new step not behind patched()) is caught, naming the history.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/main';

const HISTORIES = join(__dirname, '..', 'fixtures', 'histories');
const dir = mkdtempSync(join(tmpdir(), 'autosoc-replay-'));
for (const name of ['auto-closed', 'escalated-approved-by-update']) {
  copyFileSync(join(HISTORIES, `${name}.json`), join(dir, `${name}.json`));
  copyFileSync(join(HISTORIES, `${name}.meta.json`), join(dir, `${name}.meta.json`));
}

const cli = async (...argv: string[]) => {
  let out = '';
  let err = '';
  const code = await run(argv, {
    stdout: (s) => {
      out += s;
    },
    stderr: (s) => {
      err += s;
    },
  });
  return { code, out, err };
};

test('histories recorded from the current code replay', async () => {
  const { code, out } = await cli('replay', '--histories', dir);
  expect(out).toBe('ok   auto-closed\nok   escalated-approved-by-update\n2 histories replay\n');
  expect(code).toBe(0);
});

test('an incompatible change fails the replay, naming each history it would break', async () => {
  const { code, out, err } = await cli(
    'replay',
    '--histories',
    dir,
    '--workflows',
    join(__dirname, '..', 'fixtures', 'incompatible-workflows'),
  );
  expect(code).toBe(1);
  expect(out).toMatch(/^FAIL auto-closed: .+\nFAIL escalated-approved-by-update: .+\n$/);
  expect(out).toMatch(/[Nn]ondetermin/);
  expect(err).toBe('error: 2 of 2 histories do not replay: this change would break open runs (guard it with patched(), DEVELOPERS.md)\n');
});

test('a folder with no histories is refused', async () => {
  const { code, err } = await cli('replay', '--histories', mkdtempSync(join(tmpdir(), 'autosoc-empty-')));
  expect(code).toBe(1);
  expect(err).toContain('no *.json histories there');
});
