// Deterministic ids for exported objects: exporting the same incident twice gives the same
// objects, so a consumer updates rather than duplicates.
import { createHash } from 'node:crypto';

/** RFC 4122 UUID version 5 (SHA-1 of the namespace's bytes and the name). */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** autosoc's own namespace for the ids of what it generates (a fixed random UUID). */
export const AUTOSOC_NAMESPACE = '4f1c7a52-9d3e-4b8a-a6f0-2c5e8d9b1a37';

export const stableUuid = (...parts: string[]) => uuidV5(AUTOSOC_NAMESPACE, parts.join('\u0000'));

/**
 * A deterministic id in UUIDv4 layout, for STIX domain objects (STIX 2.1 section 2.9 asks for
 * version 4 there): derived from the name so a re-export updates the same objects.
 */
export function stableUuidV4Layout(...parts: string[]): string {
  const x = stableUuid(...parts).split('');
  x[14] = '4';
  return x.join('');
}
