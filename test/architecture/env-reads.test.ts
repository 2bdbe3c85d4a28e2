// One configuration path: src/config.ts reads the environment and composes every setting;
// everything else is handed its part of Config (connector families parse theirs from
// config.connectors, a plain object). This test reads src/ and fails on a process.env read
// anywhere else but the few places below, each with why.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { SRC, tsFiles } from '../helpers/source-files';

const ENV_READ = /\bprocess\.env\b/;

/** Who may read process.env besides config.ts, and why. Shrink, never grow. */
const ALLOWED: Record<string, string> = {
  'config.ts': 'the one reader: validates and composes every setting',
  'cli/': 'the autosoc command line is an entry point: its commands take io.env, which defaults to process.env',
  'temporal/binaries.ts': "PATH is the shell's, not a setting: binaries are found as a shell would",
  'browser/chromium.ts': 'AUTOSOC_CHROMIUM: reports, the CLI and browser tests start Chromium without a Config',
};

const allowed = (file: string) => Object.keys(ALLOWED).some((a) => (a.endsWith('/') ? file.startsWith(a) : file === a));
const readsEnv = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .some((l) => !/^\s*(\/\/|\*)/.test(l) && ENV_READ.test(l));

test('only config.ts (and the entry points listed) reads process.env', () => {
  const readers = tsFiles(SRC)
    .filter(readsEnv)
    .map((f) => relative(SRC, f));
  expect(readers.filter((f) => !allowed(f))).toEqual([]);
});

test('every allowed place still reads process.env', () => {
  const readers = tsFiles(SRC)
    .filter(readsEnv)
    .map((f) => relative(SRC, f));
  expect(Object.keys(ALLOWED).filter((a) => !readers.some((f) => (a.endsWith('/') ? f.startsWith(a) : f === a)))).toEqual([]);
});
