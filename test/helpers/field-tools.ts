// The field's own validators (sigma-cli, pySigma, stix2-validator, PyMISP, taxii2-client),
// installed pinned into .tools/venv by scripts/setup.sh. Tests run them as subprocesses.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const VENV_BIN = resolve(__dirname, '..', '..', '.tools', 'venv', 'bin');

export function fieldTool(name: string): string {
  const p = join(VENV_BIN, name);
  if (!existsSync(p)) throw new Error(`${p} missing: run scripts/setup.sh (it installs the field tools)`);
  return p;
}

export interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a field tool to completion; never throws on a non-zero exit (the test asserts it). */
export function runTool(name: string, args: string[], opts: { cwd?: string; input?: string } = {}): Promise<ToolRun> {
  return new Promise((done) => {
    const child = execFile(
      fieldTool(name),
      args,
      { cwd: opts.cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } },
      (err, stdout, stderr) => done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}
