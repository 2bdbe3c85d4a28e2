// bench/investigation: what analyzer result caching buys. The same evidence objects (machine
// binaries, each made unique to this run by a random suffix so no earlier run cached them) go
// through the real investigation (the worker's plan, PostgreSQL evidence store) twice: first
// as new files, every analyzer running, then as files seen before, every result cached (a
// storm, a re-triage, the same attachment mailed to a hundred people). Both in the same run.
//   npm run build && node dist/bench/investigation/run.js [--mb 16] [--json]
// Env: DATABASE_URL (else a fresh embedded PGlite in a temp folder).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EvidenceRef } from '../../src/domain/alert';
import type { ObservableSet } from '../../src/domain/observables';
import { sharedAnalyzerPool } from '../../src/investigation/analyzer-pool';
import { defaultPlan } from '../../src/investigation/default-plan';
import { runInvestigation } from '../../src/investigation/investigate';
import { pgInvestigationStore } from '../../src/investigation/store';
import { openDatabase } from '../../src/store/database';
import { sampleFiles } from '../lib/sample-files';
import { argValue, round } from '../lib/stats';

const NO_OBSERVABLES: ObservableSet = { hosts: [], users: [], hashes: [], domains: [], ips: [], urls: [], emails: [], commandLines: [] };

async function main() {
  const maxBytes = argValue('--mb', 16) * 1024 * 1024;
  const json = process.argv.includes('--json');
  const dataDir = mkdtempSync(join(tmpdir(), 'autosoc-bench-inv-'));
  const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL, embeddedDataDir: join(dataDir, 'pglite'), embeddedPort: 5497 });
  try {
    const store = pgInvestigationStore(db.pool);
    const plan = defaultPlan(db.pool, { runner: sharedAnalyzerPool() });
    const files = sampleFiles(maxBytes);
    const refs: EvidenceRef[] = [];
    for (const f of files) {
      const content = Buffer.concat([f.bytes, randomBytes(16)]);
      refs.push(await store.put({ kind: 'file', mediaType: 'application/octet-stream', name: f.name, content }));
    }
    const bytes = files.reduce((n, f) => n + f.bytes.length, 0);

    /** One investigation per file, as one alert per file would run; wall seconds for all. */
    const pass = async () => {
      const t0 = process.hrtime.bigint();
      for (const ref of refs) await runInvestigation(store, plan, { observables: NO_OBSERVABLES, processes: [] }, [ref]);
      return Number(process.hrtime.bigint() - t0) / 1e9;
    };
    const uncachedSeconds = await pass(); // new files: every analyzer runs, results are stored
    const cachedSeconds = await pass(); // the same files again

    const result = {
      files: files.length,
      megabytes: round(bytes / 1024 / 1024, 1),
      database: db.embedded ? 'embedded PGlite' : 'PostgreSQL (DATABASE_URL)',
      uncached: { seconds: round(uncachedSeconds, 2), msPerFile: round((uncachedSeconds * 1000) / files.length, 1) },
      cached: { seconds: round(cachedSeconds, 2), msPerFile: round((cachedSeconds * 1000) / files.length, 1) },
      speedup: round(uncachedSeconds / cachedSeconds, 1),
    };
    if (json) console.log(JSON.stringify(result));
    else {
      console.log(`investigation of ${result.files} files (${result.megabytes} MB), one per alert, ${result.database}`);
      console.log(`  new files                        ${result.uncached.seconds} s   ${result.uncached.msPerFile} ms/file`);
      console.log(
        `  every result cached (seen files) ${result.cached.seconds} s   ${result.cached.msPerFile} ms/file   speedup ${result.speedup}x`,
      );
    }
  } finally {
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main()
  .then(() => process.exit(0))
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
