// Analyzer plugins run like the built-in analyzers: in an investigation, through runSafely
// (a throw, an invalid answer or an overrun is an analyzer-error finding, never a failed
// stage), object results cached by (name, version, sha256); on their own threads, killed at
// their declared time and memory limits. The thread tests need dist/ (npm run build).
import { join } from 'node:path';
import { parseAlert } from '../../src/domain/alert';
import { extractObservables } from '../../src/domain/observables';
import { inProcessRunner } from '../../src/investigation/analyzer-pool';
import { offlinePlan } from '../../src/investigation/default-plan';
import { runInvestigation } from '../../src/investigation/investigate';
import { memoryInvestigationStore } from '../../src/investigation/store';
import { loadPlugins } from '../../src/plugins/load-plugins';
import { pluginAnalyzers, type PluginAnalyzers } from '../../src/plugins/plugin-analyzers';
import { freshlyCompiled } from '../helpers/compiled';

const FIXTURES = join(__dirname, '..', 'fixtures', 'plugins');
const load = (dir: string) => loadPlugins({ dirs: [join(FIXTURES, dir)], packages: [] }, { analyzers: [], connectors: [] }).analyzers;
const counters = globalThis as { newDomainCalls?: number; zipMagicCalls?: number };
const opened: PluginAnalyzers[] = [];
afterAll(async () => {
  await Promise.all(opened.map((p) => p.close()));
});

const alert = parseAlert({
  source: 'mail-gw',
  sourceId: 'p-1',
  time: '2026-12-01T10:00:00Z',
  title: 'link to a look-alike',
  severity: 'medium',
  observables: { domains: ['login-micros0ft.example'], urls: ['https://login-micros0ft.example/a'], ips: ['198.51.100.9'] },
});
const ctx = { observables: extractObservables(alert), processes: [], files: [] };

test('an investigation runs alert- and object-level plugins beside the built-ins, caching object results by version', async () => {
  const plugins = pluginAnalyzers(load('good'), 'in-process');
  const plan = offlinePlan({ runner: inProcessRunner, plugins });
  const store = memoryInvestigationStore();
  const zip = await store.put({
    kind: 'attachment',
    mediaType: 'application/zip',
    name: 'invoice.zip',
    content: new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]),
  });
  counters.newDomainCalls = 0;
  counters.zipMagicCalls = 0;

  const findings = await runInvestigation(store, plan, ctx, [zip]);
  expect(findings.find((f) => f.analyzer === 'new-domain')).toMatchObject({
    verdict: 'suspicious',
    score: 60,
    evidence: ['login-micros0ft.example'],
    attack: ['T1566.002'],
  });
  expect(findings.find((f) => f.analyzer === 'zip-magic:invoice.zip')).toMatchObject({
    verdict: 'suspicious',
    summary: 'invoice.zip is a ZIP archive',
  });
  expect(findings.some((f) => f.analyzer === 'url')).toBe(true); // the built-ins still run

  // A second alert with the same attachment: the object plugin's answer comes from the cache.
  await runInvestigation(store, plan, ctx, [zip]);
  expect(counters).toMatchObject({ newDomainCalls: 2, zipMagicCalls: 1 });
});

test("an invalid answer becomes the plugin's error finding, with no risk", async () => {
  const plugins = pluginAnalyzers(
    load('limits').filter((l) => l.plugin.name === 'liar'),
    'in-process',
  );
  const [finding] = await runInvestigation(
    memoryInvestigationStore(),
    { ...offlinePlan({ runner: inProcessRunner }), alertAnalyzers: plugins.alertAnalyzers, objectAnalyzers: [] },
    ctx,
    [],
  );
  expect(finding).toMatchObject({ analyzer: 'liar', verdict: 'unknown', score: 0, confidence: 0 });
  expect(finding.error).toContain('returned an invalid finding: score');
});

describe('on threads, under the declared limits', () => {
  let threaded: PluginAnalyzers;
  beforeAll(() => {
    threaded = pluginAnalyzers(load('limits').concat(load('good')), 'threads', freshlyCompiled('src/plugins/plugin-thread.js'));
    opened.push(threaded);
  });
  const byName = (name: string) => threaded.alertAnalyzers.find((a) => a.name === name)!;
  const investigateWith = (name: string) =>
    runInvestigation(
      memoryInvestigationStore(),
      { ...offlinePlan({ runner: inProcessRunner }), alertAnalyzers: [byName(name)], objectAnalyzers: [] },
      ctx,
      [],
    );

  test('a plugin that never yields is stopped at its own time limit, and the next run gets a fresh thread', async () => {
    const [finding] = await investigateWith('spin');
    expect(finding).toMatchObject({ analyzer: 'spin', score: 0, error: 'spin: stopped after the 300 ms time limit' });
  });

  test('a plugin that outgrows its memory limit is stopped and reported as such', async () => {
    const [finding] = await investigateWith('hog');
    expect(finding).toMatchObject({ analyzer: 'hog', score: 0, error: 'hog: stopped at the 32 MB memory limit' });
  });

  test('a healthy plugin answers from its thread with only its declared observable kinds', async () => {
    const [finding] = await investigateWith('new-domain');
    expect(finding).toMatchObject({ analyzer: 'new-domain', verdict: 'suspicious', evidence: ['login-micros0ft.example'] });
    expect(finding.error).toBeUndefined();
  });
});
