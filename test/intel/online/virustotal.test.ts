import { IntelError } from '../../../src/intel/online/http';
import { judgeVirusTotal, VirusTotalClient, vtUrlId } from '../../../src/intel/online/virustotal';
import { VirusTotalServer } from '../../servers/virustotal-server';

const KEY = 'a'.repeat(64);
const file = {
  md5: '5985cd9e7e9fabfbf712e74d5a8af803',
  sha1: 'fc737034d4f7bf88acf93556bb7324d95eec3797',
  sha256: '6ca4d8f901ad601e358fb29a4f7fa5d69218060fc5b8ad819f22fe3ba3c9412a',
};
const URL_WITH_QUERY = 'http://invoice-portal.example/dl/inv_2025.zip?id=77&t=a+b';
const server = new VirusTotalServer({
  apiKey: KEY,
  files: [{ ...file, stats: { malicious: 41, suspicious: 1, harmless: 0, undetected: 30 }, meaningfulName: 'inv_2025.exe' }],
  domains: { 'invoice-portal.example': { malicious: 2, suspicious: 1, harmless: 60, undetected: 30 } },
  ips: { '198.51.100.7': { malicious: 0, suspicious: 0, harmless: 62, undetected: 30 } },
  urls: { [URL_WITH_QUERY]: { malicious: 9, suspicious: 0, harmless: 50, undetected: 30 } },
});
let baseUrl: string;
let client: VirusTotalClient;

beforeAll(async () => {
  baseUrl = await server.start();
  client = new VirusTotalClient({ apiKey: KEY, baseUrl });
});
afterAll(() => server.stop());
beforeEach(() => {
  server.mode = 'normal';
  server.requests.length = 0;
});

describe('VirusTotal client against a local VirusTotal v3 server', () => {
  it('looks a file up by any of its hashes with the x-apikey header', async () => {
    for (const hash of [file.md5, file.sha1, file.sha256]) {
      const v = await client.lookup({ type: 'hash', value: hash }, 5_000);
      expect(v).toEqual({
        provider: 'virustotal',
        indicator: { type: 'hash', value: hash },
        verdict: 'malicious',
        score: 100,
        summary: '41/72 engines flag it malicious, 1 suspicious',
        link: `https://www.virustotal.com/gui/file/${hash}`,
      });
    }
    expect(server.requests.map((r) => [r.method, r.path, r.apiKey])).toEqual(
      [file.md5, file.sha1, file.sha256].map((h) => ['GET', `/api/v3/files/${h}`, KEY]),
    );
  });

  it('reads domain and IP reports', async () => {
    expect(await client.lookup({ type: 'domain', value: 'invoice-portal.example' }, 5_000)).toMatchObject({
      verdict: 'suspicious',
      score: 50,
      summary: '2/93 engines flag it malicious, 1 suspicious',
      link: 'https://www.virustotal.com/gui/domain/invoice-portal.example',
    });
    expect(await client.lookup({ type: 'ip', value: '198.51.100.7' }, 5_000)).toMatchObject({
      verdict: 'benign',
      score: 0,
      link: 'https://www.virustotal.com/gui/ip-address/198.51.100.7',
    });
    expect(server.requests.map((r) => r.path)).toEqual(['/api/v3/domains/invoice-portal.example', '/api/v3/ip_addresses/198.51.100.7']);
  });

  it('identifies a URL by its unpadded base64url form', async () => {
    const v = await client.lookup({ type: 'url', value: URL_WITH_QUERY }, 5_000);
    expect(v).toMatchObject({ verdict: 'malicious', score: 79 });
    expect(v.link).toMatch(/^https:\/\/www\.virustotal\.com\/gui\/url\/[0-9a-f]{64}$/);
    const id = server.requests[0].path.split('/').pop()!;
    expect(id).toBe(vtUrlId(URL_WITH_QUERY));
    expect(id).not.toMatch(/[=+/]/);
    expect(Buffer.from(id, 'base64url').toString()).toBe(URL_WITH_QUERY);
  });

  it('answers unknown for what VirusTotal does not know (404 NotFoundError)', async () => {
    expect(await client.lookup({ type: 'domain', value: 'never-seen.example' }, 5_000)).toMatchObject({
      verdict: 'unknown',
      score: 0,
      summary: 'not found in VirusTotal',
    });
  });

  it('fails with kind auth on a wrong key, rate-limited on 429, http on 5xx, malformed on broken JSON', async () => {
    const wrong = new VirusTotalClient({ apiKey: 'b'.repeat(64), baseUrl });
    await expect(wrong.lookup({ type: 'hash', value: file.md5 }, 5_000)).rejects.toMatchObject({
      kind: 'auth',
      message: expect.stringContaining('WrongCredentialsError'),
    });
    server.mode = 'rate-limited';
    server.retryAfterSeconds = 30;
    await expect(client.lookup({ type: 'hash', value: file.md5 }, 5_000)).rejects.toMatchObject({
      kind: 'rate-limited',
      retryAfterMs: 30_000,
    });
    server.mode = 'server-error';
    await expect(client.lookup({ type: 'hash', value: file.md5 }, 5_000)).rejects.toMatchObject({
      kind: 'http',
      message: expect.stringContaining('HTTP 503'),
    });
    server.mode = 'malformed';
    const err = await client.lookup({ type: 'hash', value: file.md5 }, 5_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntelError);
    expect(err).toMatchObject({ kind: 'malformed', message: expect.stringContaining('not JSON') });
  });

  it('gives up within its timeout on a server that sends half an answer and stalls', async () => {
    server.mode = 'stall-body';
    // The body never ends: only the 300 ms timeout lets this call return at all.
    await expect(client.lookup({ type: 'hash', value: file.md5 }, 300)).rejects.toMatchObject({
      kind: 'timeout',
      message: 'no answer within 300 ms',
    });
  });

  it('never puts the API key in an error message', async () => {
    server.mode = 'server-error';
    const err = (await client.lookup({ type: 'ip', value: '198.51.100.7' }, 5_000).catch((e: Error) => e)) as Error;
    expect(err.message).not.toContain(KEY);
  });

  it('supports MD5, SHA-1 and SHA-256 hashes, IPs, domains and URLs, not emails or SHA-512', () => {
    expect(client.supports({ type: 'hash', value: 'a'.repeat(128) })).toBe(false);
    expect(client.supports({ type: 'email', value: 'x@invoice-portal.example' })).toBe(false);
    expect(client.supports({ type: 'hash', value: file.sha1 })).toBe(true);
  });
});

describe('judgeVirusTotal', () => {
  const stats = (malicious: number, suspicious = 0) => ({ malicious, suspicious, harmless: 60, undetected: 20 });
  it.each([
    [stats(0), 'benign', 0],
    [stats(1), 'suspicious', 45],
    [stats(4), 'suspicious', 60],
    [stats(0, 3), 'suspicious', 40],
    [stats(5), 'malicious', 75],
    [stats(40), 'malicious', 100],
  ])('%j → %s %i', (s, verdict, score) => {
    expect(judgeVirusTotal(s)).toMatchObject({ verdict, score });
  });
  it('is unknown when no engine analyzed it', () => {
    expect(judgeVirusTotal({ malicious: 0, suspicious: 0, harmless: 0, undetected: 0 }).verdict).toBe('unknown');
  });
});
