// scaffold-check-lt09w: loaded and checked as the worker loads it, then asked about domains.
import { join } from 'node:path';
import { loadPlugin } from '../../src/plugins/load-plugins';
import { checkedFinding } from '../../src/plugins/plugin-analyzers';
import type { AnalyzerPlugin } from '../../src/plugins/plugin-api';

const { plugin } = loadPlugin('scaffold-check-lt09w', join(__dirname, '..', '..', 'plugins', 'analyzers', 'scaffold-check-lt09w.ts'));
const analyzer = plugin as AnalyzerPlugin;
const ask = async (domains: string[]) => checkedFinding(analyzer.name, await analyzer.analyze({ observables: { domains } }));

test('declares its interface', () => {
  expect(plugin).toMatchObject({ kind: 'analyzer', name: 'scaffold-check-lt09w', inputKinds: ['domain'] });
});

test('flags a domain under a distrusted TLD', async () => {
  expect(await ask(['invoice-2026.zip'])).toMatchObject({ analyzer: 'scaffold-check-lt09w', verdict: 'suspicious', evidence: ['invoice-2026.zip'] });
});

test('says nothing of other domains', async () => {
  expect(await ask(['example.com'])).toMatchObject({ verdict: 'unknown', score: 0 });
});
