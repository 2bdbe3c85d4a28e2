// The Config of a test that runs the real worker: loadConfig of the variables given, with
// analyzers in-process (their threads run compiled JavaScript from dist/; jest runs TypeScript),
// and the run's one workflow bundle (test/global-setup.ts).
import { type Config, loadConfig } from '../../src/config';

export const testConfig = (env: Record<string, string | undefined> = {}): Config =>
  loadConfig({ AUTOSOC_ANALYZER_ISOLATION: 'in-process', AUTOSOC_WORKFLOW_BUNDLE: process.env.AUTOSOC_WORKFLOW_BUNDLE, ...env });
