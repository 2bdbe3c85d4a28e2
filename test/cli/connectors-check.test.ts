// `autosoc connectors check` against local servers that speak each vendor's API: every
// configured connector answers one harmless read; a wrong credential shows the vendor's error.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/main';
import { AbuseIpdbServer } from '../servers/abuseipdb-server';
import { DefenderServer } from '../servers/defender-server';
import { FalconServer } from '../servers/falcon-server';
import { OpenAiServer } from '../servers/openai-server';
import { SearchApiServer } from '../servers/search-api-server';
import { UrlhausServer } from '../servers/urlhaus-server';
import { UrlscanServer } from '../servers/urlscan-server';
import { VirusTotalServer } from '../servers/virustotal-server';

const VT_KEY = 'a'.repeat(64),
  ABUSE_KEY = 'b'.repeat(80),
  URLHAUS_KEY = 'c'.repeat(48),
  URLSCAN_KEY = '5a17c0de-1111-4222-8333-444455556666';
const vt = new VirusTotalServer({ apiKey: VT_KEY });
const abuse = new AbuseIpdbServer({ apiKey: ABUSE_KEY });
const urlhaus = new UrlhausServer({ authKey: URLHAUS_KEY });
const urlscan = new UrlscanServer({ apiKey: URLSCAN_KEY });
const falcon = new FalconServer({ clientId: 'falcon-id', clientSecret: 'falcon-secret', hosts: {} });
const defender = new DefenderServer({
  tenant: 'tenant-1',
  clientId: 'mde-id',
  clientSecret: 'mde-secret',
  scope: 'https://api.securitycenter.microsoft.com/.default',
  machines: {},
});
const search = new SearchApiServer(new Map([['.alerts-security.alerts-default', []]]));
const openai = new OpenAiServer();
const servers = [vt, abuse, urlhaus, urlscan, falcon, defender, search, openai];
let env: Record<string, string>;

beforeAll(async () => {
  const [vtUrl, abuseUrl, urlhausUrl, urlscanUrl, falconUrl, defenderUrl, searchUrl, openaiUrl] = await Promise.all(
    servers.map((s) => s.start()),
  );
  const pollers = join(tmpdir(), `pollers-${process.pid}.json`);
  writeFileSync(
    pollers,
    JSON.stringify([
      { name: 'elastic', kind: 'elasticsearch', url: searchUrl, index: '.alerts-security.alerts-default', apiKeyEnv: 'ES_KEY' },
    ]),
  );
  env = {
    VT_API_KEY: VT_KEY,
    VT_BASE_URL: vtUrl,
    ABUSEIPDB_API_KEY: ABUSE_KEY,
    ABUSEIPDB_BASE_URL: abuseUrl,
    URLHAUS_AUTH_KEY: URLHAUS_KEY,
    URLHAUS_BASE_URL: urlhausUrl,
    URLSCAN_API_KEY: URLSCAN_KEY,
    URLSCAN_BASE_URL: urlscanUrl,
    FALCON_CLIENT_ID: 'falcon-id',
    FALCON_CLIENT_SECRET: 'falcon-secret',
    FALCON_BASE_URL: falconUrl,
    MDE_CLIENT_ID: 'mde-id',
    MDE_CLIENT_SECRET: 'mde-secret',
    MDE_BASE_URL: defenderUrl,
    MDE_TOKEN_URL: `${defenderUrl}/tenant-1/oauth2/v2.0/token`,
    AUTOSOC_POLLERS_FILE: pollers,
    ES_KEY: 'es-key',
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: openaiUrl,
    OPENAI_MODEL: 'gpt-4o-mini',
    AUTOSOC_SLACK_WEBHOOK_URL: 'http://127.0.0.1:9/services/T0/B0/secret',
  };
});
afterAll(() => Promise.all(servers.map((s) => s.stop())));

async function check(over: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(['--json', 'connectors', 'check'], {
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    env: { ...env, ...over },
  });
  return {
    code,
    err: err.join(''),
    results: (JSON.parse(out.join('')) as { connectors: { connector: string; ok: boolean; detail: string }[] }).connectors,
  };
}

test('every configured connector answers its harmless read', async () => {
  const { code, results } = await check();
  expect(code).toBe(0);
  expect(results.map((r) => [r.connector, r.ok])).toEqual([
    ['virustotal', true],
    ['abuseipdb', true],
    ['urlhaus', true],
    ['urlscan', true],
    ['falcon', true],
    ['defender', true],
    ['poller elastic', true],
    ['openai', true],
    ['slack', true],
  ]);
  expect(results.find((r) => r.connector === 'poller elastic')?.detail).toBe('searched .alerts-security.alerts-default: no documents yet');
  expect(search.requests.at(-1)).toMatchObject({ authorization: 'ApiKey es-key', body: { size: 1 } });
  expect(falcon.requests.map((r) => r.path)).toEqual(['/oauth2/token']); // nothing run on a host
});

test("a wrong credential shows the vendor's own error, and the command fails", async () => {
  const { code, err, results } = await check({ FALCON_CLIENT_SECRET: 'wrong', URLSCAN_API_KEY: '5a17c0de-0000-4000-8000-000000000000' });
  expect(code).toBe(1);
  expect(err).toBe('error: 2 of 9 connector(s) failed\n');
  expect(results.find((r) => r.connector === 'falcon')).toMatchObject({
    ok: false,
    detail: expect.stringContaining('access denied, invalid client credentials'),
  });
  expect(results.find((r) => r.connector === 'urlscan')).toMatchObject({
    ok: false,
    detail: expect.stringContaining('API key supplied but not found in database!'),
  });
  expect(JSON.stringify(results)).not.toContain('wrong'); // the secret itself is never echoed
});
