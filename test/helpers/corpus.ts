// The shared corpus of real public samples is read in place (licenses forbid copying it
// into the project). AUTOSOC_CORPUS points elsewhere, e.g. at your own samples.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CORPUS_DIR = resolve(process.env.AUTOSOC_CORPUS ?? join(__dirname, '..', '..', '..', 'shared', 'corpus'));

export function corpusPath(...parts: string[]): string {
  const p = join(CORPUS_DIR, ...parts);
  if (!existsSync(p)) throw new Error(`corpus file missing: ${p} (set AUTOSOC_CORPUS)`);
  return p;
}
