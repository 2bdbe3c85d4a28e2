// Nearest neighbours of a sample in the reference catalogue, by three independent signals:
// ssdeep score, TLSH distance and import hash. This is a linear scan: TLSH distance is a
// Hamming-like sum that no B-tree can index, and for the catalogue sizes autosoc keeps
// (thousands of entries) a scan costs a few milliseconds. A catalogue of millions would need
// an index: ssdeep's block-size buckets with 7-gram postings, TLSH's HAC-T / vantage-point trees.
import type { CatalogueEntryInput } from './catalogue';
import { isSsdeepSignature, ssdeepCompare } from './ssdeep';
import { normalizeTlsh, tlshDistance } from './tlsh';

export interface SampleHashes {
  sha256?: string;
  ssdeep?: string;
  tlsh?: string;
  imphash?: string;
}

export interface SimilarityThresholds {
  /** ssdeep scores from this up count as a match (0-100). */
  ssdeepMinScore: number;
  /** TLSH distances up to this count as a match (0 = same digest; ≥ 200 is unrelated). */
  tlshMaxDistance: number;
}
export const DEFAULT_THRESHOLDS: SimilarityThresholds = { ssdeepMinScore: 50, tlshMaxDistance: 100 };
export const MAX_NEIGHBOURS = 100;

/** Import hashes every .NET assembly shares (mscoree!_CorExeMain / _CorDllMain): no evidence of kinship. */
export const GENERIC_IMPHASHES = new Set(['f34d5f2d4577ed6d9ceec516c1f5a744', 'dae02f32a21e03ce65412f6e56942daa']);
/** How much one shared import table alone says: same toolchain and API use, not the same code. */
const IMPHASH_SIMILARITY = 60;
/** Each further agreeing signal adds this to the strongest one. */
const CORROBORATION_BONUS = 5;

export type Reference = CatalogueEntryInput & { id?: number };

export interface Neighbour<E extends Reference = Reference> {
  entry: E;
  /** Combined similarity 0-100: the strongest matching signal, plus a bonus per agreeing one. */
  similarity: number;
  sameSha256: boolean;
  /** Measured whenever both sides have the hash, whether or not it reached the threshold. */
  ssdeepScore?: number;
  tlshDistance?: number;
  sameImphash: boolean;
  /** The signals that reached their threshold: 'sha256' | 'ssdeep' | 'tlsh' | 'imphash'. */
  matched: string[];
}

/** A TLSH distance as a 0-100 similarity: 0 → 100, 100 → 50, 200 and more → 0. */
export const tlshSimilarity = (distance: number): number => Math.max(0, Math.round(100 - distance / 2));

const VERDICT_RANK: Record<Reference['verdict'], number> = { malicious: 0, suspicious: 1, benign: 2 };

/** Validated, normalised sample hashes; throws on a malformed one (the caller reports it). */
export function normalizeSample(sample: SampleHashes): SampleHashes {
  const out: SampleHashes = {};
  if (sample.sha256) {
    if (!/^[0-9a-f]{64}$/i.test(sample.sha256)) throw new TypeError(`sample sha256 is malformed: ${sample.sha256.slice(0, 80)}`);
    out.sha256 = sample.sha256.toLowerCase();
  }
  if (sample.ssdeep) {
    if (!isSsdeepSignature(sample.ssdeep)) throw new TypeError(`sample ssdeep is malformed: ${sample.ssdeep.slice(0, 160)}`);
    out.ssdeep = sample.ssdeep;
  }
  if (sample.tlsh) {
    const t = normalizeTlsh(sample.tlsh);
    if (!t) throw new TypeError(`sample TLSH is malformed: ${sample.tlsh.slice(0, 80)}`);
    out.tlsh = t;
  }
  if (sample.imphash) {
    if (!/^[0-9a-f]{32}$/i.test(sample.imphash)) throw new TypeError(`sample imphash is malformed: ${sample.imphash.slice(0, 80)}`);
    out.imphash = sample.imphash.toLowerCase();
  }
  return out;
}

/** How one catalogue entry relates to the (normalised) sample; undefined when no signal matches. */
export function compareWithEntry<E extends Reference>(
  sample: SampleHashes,
  entry: E,
  t: SimilarityThresholds = DEFAULT_THRESHOLDS,
): Neighbour<E> | undefined {
  const sameSha256 = !!sample.sha256 && sample.sha256 === entry.sha256?.toLowerCase();
  const sameImphash = !!sample.imphash && sample.imphash === entry.imphash?.toLowerCase();
  let ssdeepScore: number | undefined;
  if (sample.ssdeep && entry.ssdeep) {
    const s = ssdeepCompare(sample.ssdeep, entry.ssdeep);
    if (s >= 0) ssdeepScore = s; // -1: a malformed stored signature says nothing
  }
  let tlshDist: number | undefined;
  const entryTlsh = entry.tlsh ? normalizeTlsh(entry.tlsh) : undefined;
  if (sample.tlsh && entryTlsh) tlshDist = tlshDistance(sample.tlsh, entryTlsh);

  const signals: [string, number][] = [];
  if (sameSha256) signals.push(['sha256', 100]);
  if (ssdeepScore !== undefined && ssdeepScore > 0 && ssdeepScore >= t.ssdeepMinScore) signals.push(['ssdeep', ssdeepScore]);
  if (tlshDist !== undefined && tlshDist <= t.tlshMaxDistance) signals.push(['tlsh', tlshSimilarity(tlshDist)]);
  if (sameImphash && !GENERIC_IMPHASHES.has(sample.imphash!)) signals.push(['imphash', IMPHASH_SIMILARITY]);
  if (signals.length === 0) return undefined;

  const strongest = Math.max(...signals.map(([, s]) => s));
  return {
    entry,
    similarity: Math.min(100, strongest + CORROBORATION_BONUS * (signals.length - 1)),
    sameSha256,
    ssdeepScore,
    tlshDistance: tlshDist,
    sameImphash,
    matched: signals.map(([name]) => name),
  };
}

/**
 * The k catalogue entries most similar to the sample, most similar first (ties: malicious before
 * suspicious before benign, then by label). Only entries with at least one matching signal
 * (same sha256, ssdeep ≥ threshold, TLSH ≤ threshold, same non-generic imphash) are returned.
 * Throws a TypeError when the sample's own hashes are malformed.
 */
export function nearestNeighbours<E extends Reference>(
  sample: SampleHashes,
  catalogue: readonly E[],
  k = 5,
  thresholds: SimilarityThresholds = DEFAULT_THRESHOLDS,
): Neighbour<E>[] {
  const s = normalizeSample(sample);
  const limit = Math.max(0, Math.min(MAX_NEIGHBOURS, Math.floor(k)));
  if (limit === 0 || (!s.sha256 && !s.ssdeep && !s.tlsh && !s.imphash)) return [];
  const found: Neighbour<E>[] = [];
  for (const entry of catalogue) {
    const n = compareWithEntry(s, entry, thresholds);
    if (n) found.push(n);
  }
  found.sort(
    (a, b) =>
      b.similarity - a.similarity ||
      VERDICT_RANK[a.entry.verdict] - VERDICT_RANK[b.entry.verdict] ||
      a.entry.label.localeCompare(b.entry.label) ||
      (a.entry.id ?? 0) - (b.entry.id ?? 0),
  );
  return found.slice(0, limit);
}
