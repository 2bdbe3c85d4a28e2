// Key lists for the payload codec and for decision signatures. A list is written
// `id:base64,id:base64` (the first is current: new payloads are encrypted with it). Set it in
// the environment (AUTOSOC_PAYLOAD_KEYS, AUTOSOC_DECISION_KEYS); when unset, the embedded
// default keeps one generated key per list in the data folder (mode 0600), made on first use.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface NamedKey {
  id: string;
  key: Buffer;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,32}$/;

/** Parses `id:base64,...`; every key must be exactly `bytes` long and ids unique. */
export function parseKeyList(text: string, bytes: number, name: string): NamedKey[] {
  const keys = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((part) => {
      const at = part.indexOf(':');
      const id = part.slice(0, at);
      if (at < 1 || !KEY_ID.test(id)) throw new Error(`${name}: each key is id:base64 with an id of letters, digits, . _ - (at most 32)`);
      const key = Buffer.from(part.slice(at + 1), 'base64');
      if (key.length !== bytes) throw new Error(`${name}: key ${id} must be ${bytes} bytes (base64), not ${key.length}`);
      return { id, key };
    });
  if (keys.length === 0) throw new Error(`${name}: no keys`);
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new Error(`${name}: key ids must be unique`);
  return keys;
}

export const formatKeyList = (keys: NamedKey[]) => keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');

/** The key list in `file`, made (one random key, mode 0600) when the file does not exist. */
export function loadOrCreateKeyFile(file: string, bytes: number, name: string): NamedKey[] {
  if (!existsSync(file)) {
    mkdirSync(join(file, '..'), { recursive: true });
    // 'wx': two processes starting together cannot overwrite each other's key.
    try {
      writeFileSync(file, `${formatKeyList([{ id: `k${Date.now().toString(36)}`, key: randomBytes(bytes) }])}\n`, {
        mode: 0o600,
        flag: 'wx',
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  chmodSync(file, 0o600);
  return parseKeyList(readFileSync(file, 'utf8'), bytes, `${name} (${file})`);
}

/** AES-256 payload keys and Ed25519 decision seeds: from the environment, else the data folder. */
export function resolveKeyList(value: string | undefined, dataDir: string, fileName: string, name: string): NamedKey[] {
  return value ? parseKeyList(value, 32, name) : loadOrCreateKeyFile(join(dataDir, fileName), 32, name);
}
