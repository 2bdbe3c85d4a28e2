// `autosoc new playbook|analyzer NAME` writes a file and its test from a template; the test it
// writes passes as written (run here by jest in a child process), and the playbook is registered.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../src/cli/main';
import { namesOf } from '../../src/cli/new-command';

const ROOT = join(__dirname, '..', '..');
const suffix = Math.random().toString(36).slice(2, 7).replace(/^\d+/, '');
const INDEX = join(ROOT, 'playbooks', 'index.ts');
const indexBefore = readFileSync(INDEX, 'utf8');
const written: string[] = [];

afterAll(() => {
  for (const f of written) rmSync(join(ROOT, f), { force: true });
  writeFileSync(INDEX, indexBefore);
});

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
/** Runs one generated test file with the project's jest; throws (with its output) when it fails. */
const runJest = (file: string) =>
  execFileSync(join(ROOT, 'node_modules', '.bin', 'jest'), [file, '--maxWorkers=1'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: 'pipe',
    env: process.env,
  });

test('names become a file name and a workflow function name; bad names are refused', () => {
  expect(namesOf('ransomware-triage')).toEqual({ kebab: 'ransomware-triage', camel: 'ransomwareTriage' });
  expect(() => namesOf('Ransomware Triage')).toThrow('use lower-case words joined by "-"');
});

test('new analyzer writes a plugin and a test that passes', async () => {
  const name = `scaffold-check-${suffix}`;
  const { code, out } = await cli('new', 'analyzer', name, '--root', ROOT);
  expect(code).toBe(0);
  written.push(`plugins/analyzers/${name}.ts`, `test/plugins/${name}.test.ts`);
  expect(out).toContain(`wrote plugins/analyzers/${name}.ts\nwrote test/plugins/${name}.test.ts\n`);
  expect(() => runJest(`test/plugins/${name}.test.ts`)).not.toThrow();
  // A second scaffold under the same name would overwrite work: refused.
  expect((await cli('new', 'analyzer', name, '--root', ROOT)).err).toContain('already exist(s)');
});

test('new playbook writes a registered playbook and a test that passes on the time-skipping server', async () => {
  const name = `scaffold-flow-${suffix}`;
  const { code } = await cli('new', 'playbook', name, '--root', ROOT);
  expect(code).toBe(0);
  written.push(`playbooks/${name}.ts`, `test/playbooks/${name}.test.ts`);
  expect(readFileSync(INDEX, 'utf8')).toBe(`${indexBefore}export { ${namesOf(name).camel} } from './${name}';\n`);
  expect(() => runJest(`test/playbooks/${name}.test.ts`)).not.toThrow();
}, 600_000);
