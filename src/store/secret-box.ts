// Secrets the server must read back in clear (HMAC keys of signed ingest tokens: an HMAC key
// cannot be stored hashed, the server needs it to verify) are sealed with AES-256-GCM under a
// key from the configuration. The sealed form names its key id, so a wrong or rotated key is
// reported as such instead of as a bad signature, and binds a context (the token name) so a
// sealed value moved to another row does not open.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const VERSION = 'aesgcm1';

export class SecretBox {
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the secret key must be 32 bytes (base64 of 32 random bytes)');
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 8);
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.keyId, iv.toString('base64url'), data.toString('base64url'), cipher.getAuthTag().toString('base64url')].join(':');
  }

  open(sealed: string, context: string): string {
    const [version, keyId, iv, data, tag] = sealed.split(':');
    if (version !== VERSION || !tag) throw new Error('not a sealed secret');
    if (keyId !== this.keyId) throw new Error(`sealed under key ${keyId}, but the configured key is ${this.keyId} (AUTOSOC_SECRET_KEY)`);
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** The file the embedded default keeps its generated key in (mode 0600). */
export const secretKeyFile = (dataDir: string) => join(dataDir, 'secret.key');

/**
 * The configured key (AUTOSOC_SECRET_KEY, base64 of 32 bytes), else the one generated into the
 * data folder on first use. Every process that reads sealed secrets (API, token CLI) must see
 * the same key: set AUTOSOC_SECRET_KEY when they run on different machines.
 */
export function loadSecretBox(opts: { keyBase64?: string; dataDir: string }): SecretBox {
  if (opts.keyBase64) return new SecretBox(Buffer.from(opts.keyBase64, 'base64'));
  const file = secretKeyFile(opts.dataDir);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    try {
      writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw err; // another process made it first
    }
  }
  chmodSync(file, 0o600);
  return new SecretBox(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
}
