// Cryptographic digests that identify a file in threat-intel lookups and reports.
import { createHash } from 'node:crypto';

export interface FileHashes { md5: string; sha1: string; sha256: string }

/**
 * `knownSha256`: the caller's own sha256 of these very bytes (the evidence store keys objects by
 * it), so the bytes are not hashed with sha256 a second time.
 */
export function fileHashes(bytes: Uint8Array, knownSha256?: string): FileHashes {
  const digest = (algorithm: string) => createHash(algorithm).update(bytes).digest('hex');
  return { md5: digest('md5'), sha1: digest('sha1'), sha256: knownSha256 ?? digest('sha256') };
}
