// Finds the Temporal CLI, the time-skipping test server and sigma-cli: PATH first, then the pinned
// wheels that scripts/setup.sh installs into .tools/venv.
import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

const PROJECT_ROOT = resolve(__dirname, '..', '..', __dirname.includes(`${join('dist', 'src')}`) ? '..' : '.');
const VENV_BIN = join(PROJECT_ROOT, '.tools', 'venv', 'bin');

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function find(name: string): string {
  // PATH is the shell's, not a setting of autosoc: found the way a shell would find the binary.
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), VENV_BIN];
  const hit = dirs.map((d) => join(d, name)).find(executable);
  if (!hit) throw new Error(`${name} not found on PATH or in ${VENV_BIN}; run: bash scripts/setup.sh`);
  return hit;
}

export const temporalCliPath = () => find('temporal');
export const temporalTestServerPath = () => find('temporal-test-server');
/** sigma-cli (pySigma and its backends), pinned by setup.sh: converts Sigma rules to hunting queries. */
export const sigmaCliPath = () => find('sigma');
