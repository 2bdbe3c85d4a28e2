// Where an investigation reads evidence and keeps analyzer results: PostgreSQL in the
// worker, memory in offline backtests, so both run the very same investigation code.
import type { Pool } from 'pg';
import { cachedAnalysis, cacheAnalysis, type CacheKey, type CachedAnalysis } from '../store/analysis-cache';
import { getEvidence, storeEvidence } from '../store/evidence';
import { chargeSourceEvidence } from '../store/evidence-quota';
import type { EvidenceRef } from '../domain/alert';
import { createHash } from 'node:crypto';

export interface InvestigationStore {
  load(sha256: string): Promise<Uint8Array | undefined>;
  put(blob: { kind: string; mediaType: string; name?: string; content: Uint8Array }): Promise<EvidenceRef>;
  cached(key: CacheKey): Promise<CachedAnalysis | undefined>;
  remember(key: CacheKey, analysis: CachedAnalysis): Promise<void>;
  /** Charges `bytes` to the source's quota for today; false (and nothing charged) when over `quota`. */
  chargeSource(source: string, bytes: number, quota: number): Promise<boolean>;
}

export function pgInvestigationStore(db: Pool): InvestigationStore {
  return {
    load: async (sha) => {
      const b = await getEvidence(db, sha);
      return b && new Uint8Array(b);
    },
    put: (blob) => storeEvidence(db, blob),
    cached: (key) => cachedAnalysis(db, key),
    remember: (key, a) => cacheAnalysis(db, key, a),
    chargeSource: (source, bytes, quota) => chargeSourceEvidence(db, source, bytes, quota),
  };
}

export function memoryInvestigationStore(): InvestigationStore {
  const blobs = new Map<string, Uint8Array>();
  const results = new Map<string, CachedAnalysis>();
  const charged = new Map<string, number>();
  const k = (key: CacheKey) => `${key.analyzer}\0${key.version}\0${key.objectSha256}`;
  return {
    load: async (sha) => blobs.get(sha),
    put: async (blob) => {
      const sha256 = createHash('sha256').update(blob.content).digest('hex');
      blobs.set(sha256, blob.content);
      return {
        sha256,
        kind: blob.kind,
        mediaType: blob.mediaType,
        sizeBytes: blob.content.byteLength,
        ...(blob.name ? { name: blob.name } : {}),
      };
    },
    cached: async (key) => results.get(k(key)),
    remember: async (key, a) => {
      if (!a.finding.error) results.set(k(key), a);
    },
    chargeSource: async (source, bytes, quota) => {
      const used = charged.get(source) ?? 0;
      if (used + bytes > quota) return false;
      charged.set(source, used + bytes);
      return true;
    },
  };
}
