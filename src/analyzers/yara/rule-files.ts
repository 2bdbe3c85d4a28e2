// Finding the YARA rule files to load: the curated set shipped in rules/yara plus user folders.
// Reads only directory listings and stats; bounded so a huge or looping tree cannot stall a worker.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';

export const RULE_FILE_EXTENSIONS = ['.yar', '.yara'] as const;
const MAX_DEPTH = 8;
const MAX_FILES = 10_000;

export interface RuleFile {
  path: string;
  mtimeMs: number;
  size: number;
}
export interface RuleFileProblem {
  path: string;
  error: string;
}

/** `AUTOSOC_YARA_DIRS` is a PATH-like list; the caller passes the value so this module stays env-free. */
export function parseYaraDirs(value: string | undefined): string[] {
  if (!value) return [];
  return [
    ...new Set(
      value
        .split(delimiter)
        .map((d) => d.trim())
        .filter(Boolean)
        .map((d) => resolve(d)),
    ),
  ];
}

/** rules/yara of the package, found from src/ (ts-node, jest) or dist/src/ (built) alike. */
export function bundledRulesDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'rules', 'yara');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`rules/yara not found above ${__dirname}`);
}

const isRuleFile = (name: string) => RULE_FILE_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext));

/** Every .yar/.yara file under the folders, sorted per folder; folders that cannot be read are problems, not failures. */
export function listRuleFiles(dirs: readonly string[]): { files: RuleFile[]; problems: RuleFileProblem[] } {
  const files: RuleFile[] = [];
  const problems: RuleFileProblem[] = [];
  const seen = new Set<string>();
  let full = false;

  const walk = (dir: string, depth: number) => {
    if (full) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      problems.push({ path: dir, error: `cannot read rule folder: ${(e as Error).message}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      // Symlinked folders are not followed: a link back up the tree would loop.
      if (entry.isDirectory()) {
        if (depth < MAX_DEPTH) walk(path, depth + 1);
        else problems.push({ path, error: `deeper than ${MAX_DEPTH} levels: skipped` });
      } else if ((entry.isFile() || entry.isSymbolicLink()) && isRuleFile(entry.name)) {
        if (files.length >= MAX_FILES) {
          if (!full) problems.push({ path, error: `more than ${MAX_FILES} rule files: this and later files skipped` });
          full = true;
          return;
        }
        if (seen.has(path)) continue;
        seen.add(path);
        try {
          const st = statSync(path);
          if (st.isFile()) files.push({ path, mtimeMs: st.mtimeMs, size: st.size });
        } catch (e) {
          problems.push({ path, error: `cannot stat rule file: ${(e as Error).message}` });
        }
      }
    }
  };

  for (const dir of dirs) walk(resolve(dir), 0);
  return { files, problems };
}
