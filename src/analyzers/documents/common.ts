// Shared by the document analyzers: the result shape, failure findings and realm-safe bytes.
import { createHash } from 'node:crypto';
import type { Finding } from '../../domain/finding';

/** An analyzer's verdict plus the structured facts it was drawn from (for reports and other analyzers). */
export interface Analysis<F> {
  finding: Finding;
  facts: F;
}

/** A finding for an input the analyzer could not read: no risk, no confidence, the reason in `error`. */
export function failedFinding(analyzer: string, error: string, evidence: string[] = []): Finding {
  return { analyzer, verdict: 'unknown', score: 0, confidence: 0, summary: `could not analyze: ${error}`, evidence, attack: [], error };
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * A Uint8Array of this realm over the same memory. Buffers made by Node's own modules belong to
 * another realm under jest, and some libraries (zip.js) test `instanceof Uint8Array`.
 */
export function asBytes(input: Uint8Array | ArrayBuffer): Uint8Array {
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function startsWith(bytes: Uint8Array, magic: readonly number[], at = 0): boolean {
  if (bytes.length < at + magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[at + i] !== magic[i]) return false;
  return true;
}

/** Latin-1 view of bytes: one char per byte, so regex offsets are byte offsets. */
export function latin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, Math.max(0, Math.min(end, bytes.length) - start)).toString('latin1');
}

export function uniqueSorted(items: Iterable<string>): string[] {
  return [...new Set(items)].sort();
}
