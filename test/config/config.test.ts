import { resolve } from 'node:path';
import { ConfigError, loadConfig, parseSlaTiers, workflowUiLink } from '../../src/config';
import { DEFAULT_POLICY } from '../../src/domain/policy';

/** The ConfigError message loadConfig throws for an environment, or a failure if it accepts it. */
function configError(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).name).toBe('ConfigError');
    return (err as Error).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('has working defaults for a local dev stack', () => {
    const c = loadConfig({});
    expect(c.temporal).toEqual({
      address: '127.0.0.1:7233',
      local: true,
      namespace: 'default',
      taskQueue: 'autosoc-alerts',
      port: 7233,
      uiPort: 8233,
      uiUrl: 'http://127.0.0.1:8233',
      sqlitePragmas: ['journal_mode=WAL', 'synchronous=NORMAL'],
    });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir).toBe(resolve('.data'));
    expect(c.pglitePort).toBe(5433);
    expect(c.policy).toEqual({
      ...DEFAULT_POLICY,
      decisionKeys: [{ id: expect.any(String), publicKey: expect.stringMatching(/^[0-9a-f]{64}$/) }],
    });
    expect(c.logLevel).toBe('info');
  });

  it('sends no LLM temperature unless OPENAI_TEMPERATURE sets one (reasoning models refuse any but their default)', () => {
    expect(loadConfig({ OPENAI_API_KEY: 'sk-x' }).llm).toMatchObject({ model: 'gpt-4o-mini', temperature: undefined });
    expect(loadConfig({ OPENAI_API_KEY: 'sk-x', OPENAI_TEMPERATURE: '0.2' }).llm?.temperature).toBe(0.2);
  });

  it('does not read process.env when given an environment', () => {
    const saved = process.env.TEMPORAL_NAMESPACE;
    process.env.TEMPORAL_NAMESPACE = 'from-process-env';
    try {
      expect(loadConfig({}).temporal.namespace).toBe('default');
      expect(loadConfig().temporal.namespace).toBe('from-process-env');
    } finally {
      if (saved === undefined) delete process.env.TEMPORAL_NAMESPACE;
      else process.env.TEMPORAL_NAMESPACE = saved;
    }
  });

  it('hands the connector families their variables as a plain object, empty ones dropped', () => {
    const c = loadConfig({ CAPE_BASE_URL: 'http://cape.local:8000', VT_API_KEY: '', FALCON_CLIENT_ID: 'id' });
    expect(c.connectors).toEqual({ CAPE_BASE_URL: 'http://cape.local:8000', FALCON_CLIENT_ID: 'id' });
    expect(Object.isFrozen(c.connectors)).toBe(true);
    expect(loadConfig({}).connectors).toEqual({});
  });

  it('runs analyzers on threads unless AUTOSOC_ANALYZER_ISOLATION says in-process, and refuses anything else', () => {
    expect(loadConfig({}).analysis.isolation).toBe('threads');
    expect(loadConfig({ AUTOSOC_ANALYZER_ISOLATION: 'in-process' }).analysis.isolation).toBe('in-process');
    expect(configError({ AUTOSOC_ANALYZER_ISOLATION: 'none' })).toMatch(/AUTOSOC_ANALYZER_ISOLATION/);
  });

  it('uses an existing cluster when TEMPORAL_ADDRESS is set', () => {
    const c = loadConfig({ TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_NAMESPACE: 'soc' });
    expect(c.temporal.address).toBe('temporal.internal:7233');
    expect(c.temporal.local).toBe(false);
    expect(c.temporal.namespace).toBe('soc');
  });

  it('derives the local address and UI URL from the ports', () => {
    const c = loadConfig({ TEMPORAL_PORT: '17233', TEMPORAL_UI_PORT: '18233' });
    expect(c.temporal).toMatchObject({ address: '127.0.0.1:17233', port: 17233, uiPort: 18233, uiUrl: 'http://127.0.0.1:18233' });
  });

  it('strips a trailing slash from TEMPORAL_UI_URL', () => {
    expect(loadConfig({ TEMPORAL_UI_URL: 'https://temporal.example.com/' }).temporal.uiUrl).toBe('https://temporal.example.com');
  });

  it('reads DATABASE_URL, the SLA tiers and the auto-close threshold', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgresql://soc:pw@db:5432/autosoc',
      AUTOSOC_SLA_TIERS: 'l1=10m, l2=2h',
      AUTOSOC_AUTO_CLOSE_BELOW: '20',
      LOG_LEVEL: 'debug',
      AUTOSOC_DATA_DIR: '/var/lib/autosoc',
    });
    expect(c.databaseUrl).toBe('postgresql://soc:pw@db:5432/autosoc');
    expect(c.policy.slaTiers).toEqual([
      { name: 'l1', respondWithinMs: 600_000 },
      { name: 'l2', respondWithinMs: 7_200_000 },
    ]);
    expect(c.policy.autoCloseBelow).toBe(20);
    expect(c.logLevel).toBe('debug');
    expect(c.dataDir).toBe('/var/lib/autosoc');
    expect(loadConfig({ DATABASE_URL: 'postgres://localhost/x' }).databaseUrl).toBe('postgres://localhost/x');
  });

  it.each(['localhost', 'http://localhost:7233', 'host:port', ':7233', 'a b:7233'])(
    'rejects TEMPORAL_ADDRESS=%j, naming the variable',
    (value) => {
      expect(configError({ TEMPORAL_ADDRESS: value })).toContain('TEMPORAL_ADDRESS: must be host:port');
    },
  );

  it.each(['mysql://db/x', 'db:5432', 'postgres:/db', 'https://db/x'])('rejects DATABASE_URL=%j, naming the variable', (value) => {
    expect(configError({ DATABASE_URL: value })).toContain('DATABASE_URL: must be a postgres:// URL');
  });

  it.each(['tier1', 'tier1=15m,', 'tier1=soon', 'Tier 1=15m', 'tier1=0s', '=15m'])(
    'rejects AUTOSOC_SLA_TIERS=%j, naming the variable',
    (value) => {
      expect(configError({ AUTOSOC_SLA_TIERS: value })).toMatch(/AUTOSOC_SLA_TIERS/);
    },
  );

  it('rejects an auto-close threshold above the suspicious threshold, naming the variable', () => {
    expect(configError({ AUTOSOC_AUTO_CLOSE_BELOW: '60' })).toMatch(/AUTOSOC_AUTO_CLOSE_BELOW.*autoCloseBelow <= suspiciousAtOrAbove/);
  });

  it.each([
    ['TEMPORAL_PORT', 'seven'],
    ['TEMPORAL_PORT', '70000'],
    ['TEMPORAL_UI_PORT', '-1'],
    ['AUTOSOC_PGLITE_PORT', '1.5'],
    ['AUTOSOC_AUTO_CLOSE_BELOW', '101'],
    ['LOG_LEVEL', 'verbose'],
    ['TEMPORAL_UI_URL', 'not a url'],
    ['AUTOSOC_WORKER_MAX_CACHED_WORKFLOWS', '0'],
    ['AUTOSOC_WORKER_MAX_ACTIVITIES', '0'],
    ['AUTOSOC_WORKER_REUSE_V8_CONTEXT', 'yes'],
    ['AUTOSOC_DB_POOL_MAX', '-2'],
    ['AUTOSOC_TEMPORAL_SQLITE_PRAGMAS', 'journal_mode=WAL; DROP'],
  ])('rejects %s=%j, naming the variable', (name, value) => {
    expect(configError({ [name]: value })).toMatch(new RegExp(`^  - ${name}: `, 'm'));
  });

  it('lists every bad variable at once', () => {
    const message = configError({ TEMPORAL_ADDRESS: 'nope', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    expect(message).toMatch(/^invalid configuration:\n/);
    for (const name of ['TEMPORAL_ADDRESS', 'DATABASE_URL', 'LOG_LEVEL']) expect(message).toMatch(new RegExp(`^  - ${name}: `, 'm'));
  });
});

describe('worker tuning', () => {
  it('leaves unset worker options to the SDK, but caps the workflow cache, and passes set ones through', () => {
    // The cap bounds memory with runs waiting for analysts (bench/README.md, Memory).
    expect(Object.fromEntries(Object.entries(loadConfig({}).worker).filter(([, v]) => v !== undefined))).toEqual({
      maxCachedWorkflows: 200,
    });
    expect(
      loadConfig({
        AUTOSOC_WORKER_MAX_ACTIVITIES: '16',
        AUTOSOC_WORKER_REUSE_V8_CONTEXT: 'false',
        AUTOSOC_WORKER_MAX_CACHED_WORKFLOWS: '500',
      }).worker,
    ).toMatchObject({ maxConcurrentActivityTaskExecutions: 16, reuseV8Context: false, maxCachedWorkflows: 500 });
  });

  it('splits the SQLite pragmas for the dev server', () => {
    expect(loadConfig({ AUTOSOC_TEMPORAL_SQLITE_PRAGMAS: 'journal_mode=DELETE,synchronous=FULL' }).temporal.sqlitePragmas).toEqual([
      'journal_mode=DELETE',
      'synchronous=FULL',
    ]);
  });

  it('refuses to turn the workflow cache off: the local store activities need it', () => {
    expect(configError({ AUTOSOC_WORKER_MAX_CACHED_WORKFLOWS: '0' })).toMatch(/AUTOSOC_WORKER_MAX_CACHED_WORKFLOWS: .*local activities/);
  });
});

describe('parseSlaTiers', () => {
  it('keeps the order given and trims spaces', () => {
    expect(parseSlaTiers(' tier1 = 15m , tier2=1h,tier3=4h ')).toEqual([
      { name: 'tier1', respondWithinMs: 900_000 },
      { name: 'tier2', respondWithinMs: 3_600_000 },
      { name: 'tier3', respondWithinMs: 14_400_000 },
    ]);
  });

  it('says what a tier should look like', () => {
    expect(() => parseSlaTiers('tier1=15m,tier2')).toThrow('"tier2" should look like tier1=15m');
  });
});

describe('workflowUiLink', () => {
  it('links to the workflow in its namespace, encoding both', () => {
    const c = loadConfig({ TEMPORAL_UI_URL: 'https://ui.example.com/', TEMPORAL_NAMESPACE: 'soc prod' });
    expect(workflowUiLink(c, 'alert:edr:a%2Fb')).toBe('https://ui.example.com/namespaces/soc%20prod/workflows/alert%3Aedr%3Aa%252Fb');
  });
});
