// No plaintext in Temporal: every payload (workflow inputs and results, activity arguments,
// Updates, Signals, Queries, failures' details) is encrypted with AES-256-GCM before it leaves
// the process. Keys carry ids so they rotate: encode uses the current key, decode any key it
// knows. Payloads that were never encrypted (histories from before the codec) pass through
// decode unchanged, so old runs replay. Model: Temporal's `encryption` sample.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { type DataConverter, type Payload, type PayloadCodec, ValueError } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { NamedKey } from './keys';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : undefined);

export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;

  /** keys[0] encrypts; every key decrypts. */
  constructor(private readonly keys: NamedKey[]) {
    if (keys.length === 0) throw new Error('AesGcmPayloadCodec needs at least one key');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.keys[0];
    return payloads.map((p) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      // The key id is authenticated too: a payload cannot be relabelled to another key.
      cipher.setAAD(utf8(id));
      const plain = temporal.api.common.v1.Payload.encode(p).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(id) }, data };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      if (text(p.metadata?.encoding) !== ENCRYPTED_ENCODING) return p; // recorded before the codec
      const id = text(p.metadata?.[KEY_ID_METADATA]) ?? '';
      const key = this.byId.get(id);
      if (!key) throw new ValueError(`payload encrypted with unknown key id "${id}": add it to AUTOSOC_PAYLOAD_KEYS`);
      const data = Buffer.from(p.data ?? new Uint8Array(0));
      if (data.length < IV_BYTES + TAG_BYTES) throw new ValueError('encrypted payload is too short');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAAD(utf8(id));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}

/** The one data converter every autosoc client, worker and replayer uses. */
export const encryptedDataConverter = (keys: NamedKey[]): DataConverter => ({ payloadCodecs: [new AesGcmPayloadCodec(keys)] });
