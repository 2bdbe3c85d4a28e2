// scaffold-check-lt09w: an analyzer plugin. Loaded by the worker from AUTOSOC_PLUGIN_DIRS (after npm run
// build: dist/plugins/analyzers), checked against src/plugins/plugin-api.ts, run on its own
// thread within its limits. Pure: no database, no network.
import type { AnalyzerPlugin } from '../../src/plugins/plugin-api';

/** Top-level domains this example distrusts: replace with your own logic. */
const RISKY_TLDS = ['.zip', '.mov'];

const plugin: AnalyzerPlugin = {
  kind: 'analyzer',
  name: 'scaffold-check-lt09w',
  version: '0.1.0', // bump when the logic changes: cached results of older versions are ignored
  inputKinds: ['domain'], // observable kinds, or evidence kinds such as 'evidence:file'
  limits: { timeMs: 5_000, memoryMb: 128 },
  analyze(input) {
    const domains = 'observables' in input ? input.observables.domains ?? [] : [];
    const hits = domains.filter((d) => RISKY_TLDS.some((tld) => d.endsWith(tld)));
    return hits.length
      ? { verdict: 'suspicious', score: 50, confidence: 0.6, summary: `domain(s) under a distrusted TLD: ${hits.join(', ')}`, evidence: hits }
      : { verdict: 'unknown', score: 0, confidence: 0.3, summary: 'no domain under a distrusted TLD' };
  },
};
export default plugin;
