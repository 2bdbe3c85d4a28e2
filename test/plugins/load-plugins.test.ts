// Plugins are checked against their declared interface when the worker starts: good ones load
// with their kind; a broken one stops the start with an error naming its file and the fault.
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { BUILT_IN_ANALYZERS } from '../../src/investigation/default-plan';
import { loadPlugins, PluginError } from '../../src/plugins/load-plugins';
import { createWorker, workerPlugins } from '../../src/worker';
import { testConfig } from '../helpers/config';

const FIXTURES = join(__dirname, '..', 'fixtures', 'plugins');
const reserved = { analyzers: BUILT_IN_ANALYZERS, connectors: ['manual', 'falcon'] };

test('a folder of good plugins loads each with its declared interface', () => {
  const loaded = loadPlugins({ dirs: [join(FIXTURES, 'good')], packages: [] }, reserved);
  expect(loaded.analyzers.map((a) => [a.plugin.name, a.plugin.version, a.plugin.inputKinds])).toEqual([
    ['new-domain', '1.0.0', ['domain', 'url']],
    ['zip-magic', '2.1.0', ['evidence:file', 'evidence:attachment']], // a `default` export counts
  ]);
  expect(loaded.connectors.map((c) => [c.plugin.name, c.plugin.inputKinds])).toEqual([['ticket-desk', ['disable_user']]]);
  expect(loaded.analyzers[0].source).toBe(join(FIXTURES, 'good', 'new-domain.js'));
});

test('a plugin can come from an npm package (resolved like require)', () => {
  const loaded = loadPlugins({ dirs: [], packages: [join(FIXTURES, 'good', 'zip-magic.js')] }, reserved);
  expect(loaded.analyzers.map((a) => a.plugin.name)).toEqual(['zip-magic']);
  expect(() => loadPlugins({ dirs: [], packages: ['autosoc-plugin-that-does-not-exist'] }, reserved)).toThrow(
    'plugin autosoc-plugin-that-does-not-exist: package not found',
  );
});

test.each([
  ['bad-version', 'x.js', 'version: a semantic version, e.g. 1.0.0'],
  ['syntax', 'x.js', 'failed to load: '],
  ['no-analyze', 'x.js', 'analyze: must be a function'],
  ['mixed-kinds', 'x.js', 'inputKinds: observable kinds'],
  ['duplicate', 'b.js', `name "twin" is already taken by ${join(FIXTURES, 'broken', 'duplicate', 'a.js')}`],
  ['reserved', 'x.js', 'name "yara" is a built-in analyzer\'s'],
  ['unknown-key', 'x.js', 'unknown key(s) "analyse"'],
])('a broken plugin (%s) is refused, naming its file and the fault', (dir, file, fault) => {
  const load = () => loadPlugins({ dirs: [join(FIXTURES, 'broken', dir)], packages: [] }, reserved);
  expect(load).toThrow(PluginError);
  expect(load).toThrow(`plugin ${join(FIXTURES, 'broken', dir, file)}: ${fault}`);
});

test('a missing plugin folder is refused, naming it', () => {
  expect(() => loadPlugins({ dirs: ['/nonexistent/plugins'], packages: [] }, reserved)).toThrow(
    'plugin /nonexistent/plugins: plugin folder cannot be read',
  );
});

test('the worker does not start with a broken plugin configured, and says which', async () => {
  const config = loadConfig({ AUTOSOC_PLUGIN_DIRS: `${join(FIXTURES, 'good')}:${join(FIXTURES, 'broken', 'no-analyze')}` });
  expect(config.plugins.dirs).toHaveLength(2);
  expect(() => workerPlugins(config)).toThrow(`plugin ${join(FIXTURES, 'broken', 'no-analyze', 'x.js')}: analyze: must be a function`);
  // createWorker loads plugins before it touches the database or Temporal.
  await expect(createWorker(config, undefined as never, undefined as never, undefined as never)).rejects.toThrow(PluginError);
});

test('the worker loads good plugins into its plan and responders', () => {
  const plugins = workerPlugins(testConfig({ AUTOSOC_PLUGIN_DIRS: join(FIXTURES, 'good') }));
  expect(plugins.analyzers.alertAnalyzers.map((a) => a.name)).toEqual(['new-domain']);
  expect(plugins.analyzers.objectAnalyzers.map((a) => `${a.name}@${a.version}`)).toEqual(['zip-magic@2.1.0']);
  expect(plugins.connectors.map((c) => c.name)).toEqual(['ticket-desk']);
});
