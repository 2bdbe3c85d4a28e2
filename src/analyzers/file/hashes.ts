// Cryptographic digests that identify a file in threat-intel lookups and reports.
import { createHash } from 'node:crypto';

export interface FileHashes {
  md5: string;
  sha1: string;
  sha256: string;
}

export function fileHashes(bytes: Uint8Array): FileHashes {
  const digest = (algorithm: string) => createHash(algorithm).update(bytes).digest('hex');
  return { md5: digest('md5'), sha1: digest('sha1'), sha256: digest('sha256') };
}

/** The sha256 alone: what the file-static finding reports (md5 and sha1 it never used). */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
