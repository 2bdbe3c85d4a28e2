// Tests that run compiled JavaScript (worker threads, worker processes) need dist/ built from
// the current source: a stale build would test yesterday's code.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** dist/<relative> built after every file under src/ changed; throws with the fix otherwise. */
export function freshlyCompiled(relative: string): string {
  const file = join(ROOT, 'dist', relative);
  if (!existsSync(file)) throw new Error(`${file} missing: run npm run build (scripts/test.sh does)`);
  if (statSync(file).mtimeMs < newestMtime(join(ROOT, 'src'))) throw new Error(`${file} is older than src/: run npm run build`);
  return file;
}
