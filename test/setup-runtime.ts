// Quiet the Temporal worker's logs in tests: warnings and errors only.
import { DefaultLogger, Runtime } from '@temporalio/worker';

try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // Already installed in this worker process by an earlier test file.
}

// Analyzer threads run compiled JavaScript (dist/); tests run TypeScript, so they run the same
// analyzer tasks in-process unless a test builds a pool itself (test/investigation/analyzer-pool.test.ts).
// Workers in the test process get it from their config (test/helpers/config.ts); this is for
// the autosoc processes tests spawn with the test's environment, and loadConfig() without one.
process.env.AUTOSOC_ANALYZER_ISOLATION ??= 'in-process';
