// The payload codec and its keys: rotation, pass-through of payloads recorded before it,
// tamper detection, and the generated key file of the embedded default.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { ConfigError, loadConfig } from '../../src/config';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING } from '../../src/security/payload-codec';
import { loadOrCreateKeyFile, parseKeyList } from '../../src/security/keys';

const key = (id: string) => ({ id, key: randomBytes(32) });
const payload = (value: unknown): Payload => defaultPayloadConverter.toPayload(value)!;
const valueOf = (p: Payload) => defaultPayloadConverter.fromPayload(p);
const encoding = (p: Payload) => Buffer.from(p.metadata!.encoding!).toString();
const alert = { title: 'mimikatz on fin-ws-042', commandLine: 'sekurlsa::logonpasswords', user: 'j.doe' };

test('encode hides the payload; decode restores it exactly', async () => {
  const codec = new AesGcmPayloadCodec([key('k1')]);
  const [encrypted] = await codec.encode([payload(alert)]);
  expect(encoding(encrypted)).toBe(ENCRYPTED_ENCODING);
  expect(Buffer.from(encrypted.metadata!['encryption-key-id']!).toString()).toBe('k1');
  for (const s of Object.values(alert)) expect(Buffer.from(encrypted.data!).includes(Buffer.from(s))).toBe(false);
  const [decoded] = await codec.decode([encrypted]);
  expect(valueOf(decoded)).toEqual(alert);
  // A fresh IV each time: the same value never encrypts to the same bytes.
  const [again] = await codec.encode([payload(alert)]);
  expect(Buffer.from(again.data!).equals(Buffer.from(encrypted.data!))).toBe(false);
});

test('key rotation: the new key encrypts, the old one still decrypts; a dropped key is named', async () => {
  const [k1, k2] = [key('k1'), key('k2')];
  const [old] = await new AesGcmPayloadCodec([k1]).encode([payload(alert)]);
  const rotated = new AesGcmPayloadCodec([k2, k1]);
  expect(valueOf((await rotated.decode([old]))[0])).toEqual(alert);
  const [fresh] = await rotated.encode([payload(alert)]);
  expect(Buffer.from(fresh.metadata!['encryption-key-id']!).toString()).toBe('k2');
  await expect(new AesGcmPayloadCodec([k2]).decode([old])).rejects.toThrow(/unknown key id "k1"/);
});

test('payloads recorded before the codec pass through decode unchanged', async () => {
  const plain = payload(alert);
  const [decoded] = await new AesGcmPayloadCodec([key('k1')]).decode([plain]);
  expect(decoded).toBe(plain);
});

test('a tampered payload, or one relabelled to another key, fails authentication', async () => {
  const [k1, k2] = [key('k1'), key('k2')];
  const codec = new AesGcmPayloadCodec([k1, k2]);
  const [encrypted] = await codec.encode([payload(alert)]);
  const flipped = Buffer.from(encrypted.data!);
  flipped[20] ^= 1;
  await expect(codec.decode([{ ...encrypted, data: flipped }])).rejects.toThrow();
  const relabelled = { ...encrypted, metadata: { ...encrypted.metadata, 'encryption-key-id': Buffer.from('k2') } };
  await expect(codec.decode([relabelled])).rejects.toThrow();
});

test('key lists: parsed with ids, wrong sizes and duplicate ids refused; the default file is made once with mode 0600', () => {
  const k = randomBytes(32).toString('base64');
  expect(parseKeyList(`a:${k},b:${k}`, 32, 'X').map((x) => x.id)).toEqual(['a', 'b']);
  expect(() => parseKeyList(`a:${randomBytes(16).toString('base64')}`, 32, 'X')).toThrow(/must be 32 bytes/);
  expect(() => parseKeyList(`a:${k},a:${k}`, 32, 'X')).toThrow(/unique/);
  expect(() => parseKeyList(k, 32, 'X')).toThrow(/id:base64/);
  const file = join(mkdtempSync(join(tmpdir(), 'keys-')), 'payload-keys');
  const first = loadOrCreateKeyFile(file, 32, 'X');
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(loadOrCreateKeyFile(file, 32, 'X')).toEqual(first); // kept, not regenerated
  expect(readFileSync(file, 'utf8')).toMatch(/^k[0-9a-z]+:[A-Za-z0-9+/=]+\n$/);
});

test('configuration: keys from the environment or the data folder; a policy file may not set decision keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  const k = randomBytes(32).toString('base64');
  const fromEnv = loadConfig({ AUTOSOC_DATA_DIR: dir, AUTOSOC_PAYLOAD_KEYS: `new:${k},old:${k}`, AUTOSOC_DECISION_KEYS: `d1:${k}` });
  expect(fromEnv.security.payloadKeys.map((x) => x.id)).toEqual(['new', 'old']);
  expect(fromEnv.policy.decisionKeys).toEqual([{ id: 'd1', publicKey: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
  const generated = loadConfig({ AUTOSOC_DATA_DIR: dir });
  expect(statSync(join(dir, 'payload-keys')).mode & 0o777).toBe(0o600);
  expect(statSync(join(dir, 'decision-keys')).mode & 0o777).toBe(0o600);
  expect(loadConfig({ AUTOSOC_DATA_DIR: dir }).security).toEqual(generated.security);
  expect(() => loadConfig({ AUTOSOC_DATA_DIR: dir, AUTOSOC_PAYLOAD_KEYS: 'bad' })).toThrow(ConfigError);
  const policyFile = join(dir, 'policy.yaml');
  writeFileSync(policyFile, `decisionKeys:\n  - id: mine\n    publicKey: ${'a'.repeat(64)}\n`);
  expect(() => loadConfig({ AUTOSOC_DATA_DIR: dir, AUTOSOC_POLICY_FILE: policyFile })).toThrow(
    /decisionKeys cannot be set in a policy file/,
  );
});
