// `npm run temporal -- <args>`: the Temporal CLI autosoc resolved (PATH, else .tools/venv), with
// its arguments, output and exit status passed through (its default address, localhost:7233, is
// the one npm start serves).
import { spawnSync } from 'node:child_process';
import { temporalCliPath } from '../src/temporal/binaries';

const result = spawnSync(temporalCliPath(), process.argv.slice(2), { stdio: 'inherit' });
if (result.error) {
  console.error(`temporal: ${result.error.message} (run \`npm run setup\` to install it)`);
  process.exit(1);
}
process.exit(result.status ?? 1);
