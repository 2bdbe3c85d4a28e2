// Item 12 of issue 10: ingest tokens speak for one source unless made with --any-source, and
// signed requests (X-Autosoc-Signature v1) bind method, path, query, a timestamp within the
// replay window, a nonce never used before and the body. HMAC keys are stored sealed.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { checkSignature, REPLAY_WINDOW_SECONDS, signRequest } from '../../src/api/request-signature';
import { run as runCli } from '../../src/cli/main';
import { parseAlert } from '../../src/domain/alert';
import { extractObservables } from '../../src/domain/observables';
import { upsertAlert } from '../../src/store/alerts';
import { createApiToken, sealPlaintextHmacSecrets } from '../../src/store/api-tokens';
import { SecretBox } from '../../src/store/secret-box';
import { sample, startApiHarness, type ApiHarness } from './harness';

let h: ApiHarness;
const secret = `whsec-${randomBytes(16).toString('hex')}`;
const tokens = { signed: '', bound: '', unbound: '' };
const names = { signed: '', bound: '', unbound: '' };
const wf = { a: '', b: '' };
const SOURCE_A = 'sig-src-a';

beforeAll(async () => {
  h = await startApiHarness('signed');
  for (const [key, source] of [
    ['a', SOURCE_A],
    ['b', 'sig-src-b'],
  ] as const) {
    wf[key] = `alert:${source}:${h.run}`;
    const alert = parseAlert(sample('05-port-scan.json', { source, sourceId: h.run }));
    await upsertAlert(h.db.pool, wf[key], alert, extractObservables(alert));
  }
  for (const k of Object.keys(names) as (keyof typeof names)[]) names[k] = `sig-${k}-${h.run}`;
  tokens.signed = await createApiToken(h.db.pool, {
    name: names.signed,
    roles: ['ingest'],
    source: SOURCE_A,
    hmacSecret: secret,
    box: h.secrets,
  });
  tokens.bound = await createApiToken(h.db.pool, { name: names.bound, roles: ['ingest'], source: SOURCE_A });
  // What an ingest token made before source binding, and not migrated, looks like.
  tokens.unbound = await createApiToken(h.db.pool, { name: names.unbound, roles: ['ingest'] });
});
afterAll(async () => {
  await h?.close();
});

const evidenceUrl = (workflowId: string, query = '?name=note.txt&kind=file') =>
  `/v1/alerts/${encodeURIComponent(workflowId)}/evidence${query}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

function signed(
  url: string,
  body: Buffer,
  o: { timestamp?: number; nonce?: string; signUrl?: string; signBody?: Buffer; method?: string } = {},
) {
  const timestamp = String(o.timestamp ?? nowSeconds());
  const nonce = o.nonce ?? randomBytes(16).toString('hex');
  return {
    'x-autosoc-timestamp': timestamp,
    'x-autosoc-nonce': nonce,
    'x-autosoc-signature': signRequest(secret, {
      method: o.method ?? 'POST',
      url: o.signUrl ?? url,
      timestamp,
      nonce,
      body: o.signBody ?? body,
    }),
  };
}

const upload = (url: string, token: string, body: Buffer, headers: Record<string, string> = {}) =>
  h.app.inject({
    method: 'POST',
    url,
    payload: body,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain', ...headers },
  } as InjectOptions);

const note = () => Buffer.from(`note ${randomBytes(8).toString('hex')}\n`);

describe('signed requests (v1)', () => {
  it('a request signed over method, path, query, timestamp, nonce and body is accepted, its nonce remembered', async () => {
    const body = note();
    const url = evidenceUrl(wf.a);
    const res = await upload(url, tokens.signed, body, signed(url, body));
    expect(res.statusCode).toBe(201);
    const { rows } = await h.db.pool.query('SELECT count(*)::int AS n FROM request_nonces WHERE token_name = $1', [names.signed]);
    expect(rows[0].n).toBe(1);
  });

  it('the same request again (replay within the window) is refused', async () => {
    const body = note();
    const url = evidenceUrl(wf.a);
    const headers = signed(url, body);
    expect((await upload(url, tokens.signed, body, headers)).statusCode).toBe(201);
    const replay = await upload(url, tokens.signed, body, headers);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error).toMatch(/X-Autosoc-Nonce was already used/);
  });

  it.each([
    ['older than the window', -(REPLAY_WINDOW_SECONDS + 5)],
    ['further ahead than the window', REPLAY_WINDOW_SECONDS + 5],
  ])('a timestamp %s is refused even with a valid signature', async (_what, skew) => {
    const body = note();
    const url = evidenceUrl(wf.a);
    const res = await upload(url, tokens.signed, body, signed(url, body, { timestamp: nowSeconds() + skew }));
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatch(/more than 300 s from the server's clock/);
  });

  it.each([
    ['another path', (url: string) => ({ signUrl: evidenceUrl(wf.b, url.slice(url.indexOf('?'))) })],
    ['another query', () => ({ signUrl: evidenceUrl(wf.a, '?name=other.txt&kind=file') })],
    ['no query', () => ({ signUrl: evidenceUrl(wf.a, '') })],
    ['another body', () => ({ signBody: Buffer.from('something else') })],
    ['another method', () => ({ method: 'PUT' })],
  ])('a signature made for %s is refused', async (_what, change) => {
    const body = note();
    const url = evidenceUrl(wf.a);
    const res = await upload(url, tokens.signed, body, signed(url, body, change(url)));
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatch(/does not match this request/);
  });

  it.each([
    ['no signature', (hd: Record<string, string>) => ({ ...hd, 'x-autosoc-signature': '' }), /requires signed requests/],
    ['no timestamp', (hd: Record<string, string>) => ({ ...hd, 'x-autosoc-timestamp': '' }), /unix seconds/],
    ['a short nonce', (hd: Record<string, string>) => ({ ...hd, 'x-autosoc-nonce': 'abc' }), /X-Autosoc-Nonce must be/],
  ])('%s is refused', async (_what, alter, message) => {
    const body = note();
    const url = evidenceUrl(wf.a);
    const res = await upload(url, tokens.signed, body, alter(signed(url, body)));
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatch(message);
  });

  it('the method is signed (unit): the same headers for GET do not verify', () => {
    const body = Buffer.from('x');
    const headers = signed('/v1/alerts', body);
    const req = { url: '/v1/alerts', headers, body, nowSeconds: Number(headers['x-autosoc-timestamp']) };
    expect(checkSignature(secret, { ...req, method: 'POST' })).toMatchObject({ ok: true });
    expect(checkSignature(secret, { ...req, method: 'GET' })).toMatchObject({ ok: false, reason: 'bad_signature' });
  });
});

describe('source binding', () => {
  it("a bound token may not attach evidence to another source's alert", async () => {
    const res = await upload(evidenceUrl(wf.b), tokens.bound, note());
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatch(/speaks for "sig-src-a"; the alert is from another source/);
    expect((await upload(evidenceUrl(wf.a), tokens.bound, note())).statusCode).toBe(201);
  });

  it('an ingest token bound to no source may neither send alerts nor attach evidence', async () => {
    const ev = await upload(evidenceUrl(wf.a), tokens.unbound, note());
    expect(ev.statusCode).toBe(403);
    expect(ev.json().error).toMatch(/bound to no source: re-create it with --source/);
    const alert = await h.app.inject({
      method: 'POST',
      url: '/v1/alerts',
      payload: JSON.stringify(sample('05-port-scan.json', { sourceId: `unbound-${h.run}` })),
      headers: { authorization: `Bearer ${tokens.unbound}`, 'content-type': 'application/json' },
    } as InjectOptions);
    expect(alert.statusCode).toBe(403);
    expect(alert.json().error).toMatch(/bound to no source/);
  });

  it('the token CLI makes an ingest token say --source or --any-source', async () => {
    let stderr = '';
    const cli = (argv: string[]) =>
      runCli(argv, {
        stdout: () => undefined,
        stderr: (s) => {
          stderr += s;
        },
        env: { ...process.env },
      });
    expect(await cli(['token', 'create', '--name', `sig-cli-${h.run}`, '--roles', 'ingest'])).toBe(1);
    expect(stderr).toMatch(/give --source <source>, or --any-source/);
    expect(await cli(['token', 'create', '--name', `sig-cli-${h.run}`, '--roles', 'ingest', '--source', 'x', '--any-source'])).toBe(1);
    expect(await cli(['token', 'create', '--name', `sig-cli-${h.run}`, '--roles', 'ingest', '--any-source'])).toBe(0);
    const { rows } = await h.db.pool.query('SELECT source, any_source FROM api_tokens WHERE name = $1', [`sig-cli-${h.run}`]);
    expect(rows).toEqual([{ source: null, any_source: true }]);
  });
});

describe('HMAC keys at rest', () => {
  it('are sealed, bound to their token, and open only under the configured key', async () => {
    const { rows } = await h.db.pool.query('SELECT hmac_secret, hmac_secret_sealed FROM api_tokens WHERE name = $1', [names.signed]);
    expect(rows[0].hmac_secret).toBeNull();
    expect(rows[0].hmac_secret_sealed).not.toContain(secret);
    expect(h.secrets.open(rows[0].hmac_secret_sealed, names.signed)).toBe(secret);
    expect(() => h.secrets.open(rows[0].hmac_secret_sealed, names.bound)).toThrow(); // moved to another row
    expect(() => new SecretBox(randomBytes(32)).open(rows[0].hmac_secret_sealed, names.signed)).toThrow(
      /sealed under key [0-9a-f]{8}, but the configured key is/,
    );
  });

  it('plaintext keys left by earlier versions are sealed at start-up and keep working', async () => {
    const name = `sig-legacy-${h.run}`;
    const token = await createApiToken(h.db.pool, { name, roles: ['ingest'], source: SOURCE_A });
    await h.db.pool.query('UPDATE api_tokens SET hmac_secret = $2 WHERE name = $1', [name, secret]);
    expect(await sealPlaintextHmacSecrets(h.db.pool, h.secrets)).toBeGreaterThanOrEqual(1);
    const { rows } = await h.db.pool.query('SELECT hmac_secret, hmac_secret_sealed FROM api_tokens WHERE name = $1', [name]);
    expect(rows[0].hmac_secret).toBeNull();
    expect(rows[0].hmac_secret_sealed).not.toContain(secret);
    const body = note();
    const url = evidenceUrl(wf.a);
    expect((await upload(url, token, body)).statusCode).toBe(401); // signing is now required
    expect((await upload(url, token, body, signed(url, body))).statusCode).toBe(201);
  });
});

describe("README's openssl example", () => {
  it('sends a signed alert the API accepts, and only once', async () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const block = /<!-- signed-request-example[^\n]*\n```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'autosoc-sig-'));
    const body = join(dir, 'alert.json');
    writeFileSync(body, JSON.stringify(sample('05-port-scan.json', { source: SOURCE_A, sourceId: `readme-${h.run}` })));
    const api = await h.app.listen({ host: '127.0.0.1', port: 0 });
    const env = { PATH: process.env.PATH, API: api, BODY: body, SECRET: secret, TOKEN: tokens.signed };
    // Asynchronously: the API answering curl runs in this process.
    const sh = async (script: string) =>
      (await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], { env, encoding: 'utf8' })).stdout;
    const out = await sh(block!);
    expect(JSON.parse(out)).toMatchObject({ accepted: 1 });
    // The same signed request captured and resent is a replay.
    const resent = await sh(
      block!.replace('NONCE=$(openssl rand -hex 16)', 'NONCE=$(openssl rand -hex 16); echo "$TS $NONCE" > "$BODY.sent"'),
    );
    expect(JSON.parse(resent)).toMatchObject({ duplicates: 1 });
    const [ts, nonce] = readFileSync(`${body}.sent`, 'utf8').trim().split(' ');
    const pinned = block!.replace('TS=$(date +%s) NONCE=$(openssl rand -hex 16)', `TS=${ts} NONCE=${nonce}`);
    const replay = await sh(pinned);
    expect(JSON.parse(replay).error).toMatch(/X-Autosoc-Nonce was already used/);
  });
});
