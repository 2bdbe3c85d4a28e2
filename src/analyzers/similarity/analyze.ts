// Analyzer 'similarity' ("genetic" analysis): does the sample share code with a catalogued
// known-bad or known-good sample? Fuzzy hashes of the bytes (ssdeep, TLSH) plus the import hash
// the PE analyzer computes are compared with the catalogue; the closest entries decide.
import { createHash } from 'node:crypto';
import type { Finding } from '../../domain/finding';
import {
  DEFAULT_THRESHOLDS,
  nearestNeighbours,
  type Neighbour,
  type Reference,
  type SampleHashes,
  type SimilarityThresholds,
} from './neighbours';
import { ssdeepHash } from './ssdeep';
import { TLSH_MAX_INPUT_BYTES, tlshHash } from './tlsh';

export const SIMILARITY_ANALYZER = 'similarity';
/**
 * Versions similarityHashes and the judgement. A finding also depends on the catalogue's
 * contents: cache the hashes by sha256, not the finding.
 */
export const ANALYZER_VERSION = '2';

/** Similarity from which a malicious neighbour makes the sample malicious, not just suspicious. */
const MALICIOUS_FROM = 70;

/**
 * The sample's hashes for comparison: sha256 and ssdeep always, TLSH when the input is between
 * 256 bytes and TLSH_MAX_INPUT_BYTES and varied enough, imphash as given (from the PE analyzer).
 * `knownSha256`: the caller's sha256 of these bytes (the evidence store's key), not hashed again.
 */
export function similarityHashes(bytes: Uint8Array, imphash?: string, knownSha256?: string): SampleHashes {
  const hashes: SampleHashes = { sha256: knownSha256 ?? createHash('sha256').update(bytes).digest('hex'), ssdeep: ssdeepHash(bytes) };
  const tlsh = bytes.length <= TLSH_MAX_INPUT_BYTES ? tlshHash(bytes) : undefined;
  if (tlsh) hashes.tlsh = tlsh;
  if (imphash) hashes.imphash = imphash;
  return hashes;
}

/** "ssdeep 88, TLSH distance 42, same imphash": the signals that matched. */
function matchedSignals(n: Neighbour): string {
  const parts: string[] = [];
  if (n.matched.includes('sha256')) parts.push('same sha256');
  if (n.matched.includes('ssdeep')) parts.push(`ssdeep ${n.ssdeepScore}`);
  if (n.matched.includes('tlsh')) parts.push(`TLSH distance ${n.tlshDistance}`);
  if (n.matched.includes('imphash')) parts.push('same imphash');
  return parts.join(', ');
}

/** Every measurement, matched or not, for the evidence list. */
function describe(n: Neighbour): string {
  const e = n.entry;
  const about = [e.verdict, e.family && `family ${e.family}`, `source ${e.source}`, e.sha256 && `sha256 ${e.sha256}`]
    .filter(Boolean)
    .join(', ');
  const measured = [
    n.sameSha256 && 'same sha256',
    n.ssdeepScore !== undefined && `ssdeep ${n.ssdeepScore}`,
    n.tlshDistance !== undefined && `TLSH distance ${n.tlshDistance}`,
    n.sameImphash && 'same imphash',
  ]
    .filter(Boolean)
    .join(', ');
  return `${e.label} (${about}): ${measured}; similarity ${n.similarity}`;
}

const confidenceOf = (n: Neighbour) =>
  Math.round(Math.min(0.95, 0.3 + (0.6 * n.similarity) / 100 + 0.05 * (n.matched.length - 1)) * 100) / 100;

/** Judges a sample by its nearest catalogue neighbours (as nearestNeighbours returns them). */
export function analyzeSimilarity(sample: SampleHashes, neighbours: readonly Neighbour[]): Finding {
  const evidence = neighbours.map(describe);
  const base = { analyzer: SIMILARITY_ANALYZER, evidence, attack: [] as string[] };
  if (!sample.ssdeep && !sample.tlsh && !sample.imphash && !sample.sha256) {
    return { ...base, verdict: 'unknown', score: 0, confidence: 0, summary: 'no hash to compare with the catalogue' };
  }
  const bad = neighbours.filter((n) => n.entry.verdict !== 'benign');
  const benign = neighbours.filter((n) => n.entry.verdict === 'benign');
  const [top] = bad;
  // Identity beats kinship: a file catalogued as good is good, unless it is also catalogued as bad.
  const identicalGood = benign.find((n) => n.sameSha256);
  if (top && !(identicalGood && !bad.some((n) => n.sameSha256))) {
    const malicious = top.entry.verdict === 'malicious' && top.similarity >= MALICIOUS_FROM;
    const score = malicious ? Math.round(40 + 0.55 * top.similarity) : Math.round(20 + 0.45 * top.similarity);
    // A benign reference that is closer still makes the kinship ambiguous (e.g. a shared library).
    const closerBenign = benign.find((n) => n.similarity > top.similarity);
    const confidence = closerBenign ? Math.round(confidenceOf(top) * 50) / 100 : confidenceOf(top);
    const summary =
      `shares code with ${top.entry.label} (${top.entry.verdict}), ${matchedSignals(top)}` +
      (closerBenign ? `; closer to ${closerBenign.entry.label} (benign), ${matchedSignals(closerBenign)}` : '');
    return { ...base, verdict: malicious ? 'malicious' : 'suspicious', score, confidence, summary };
  }
  const good = identicalGood ?? benign[0];
  if (good) {
    // Kinship with good code is weaker evidence than identity: a trojanised build stays close.
    const confidence = good.sameSha256 ? 0.9 : Math.min(0.7, confidenceOf(good));
    return {
      ...base,
      verdict: 'benign',
      score: 0,
      confidence,
      summary: `shares code with ${good.entry.label} (benign), ${matchedSignals(good)}`,
    };
  }
  return { ...base, verdict: 'unknown', score: 0, confidence: 0.2, summary: 'shares no code with any catalogued sample' };
}

/** nearestNeighbours then analyzeSimilarity; a malformed sample hash becomes a finding with `error`. */
export function findSimilar<E extends Reference>(
  sample: SampleHashes,
  catalogue: readonly E[],
  k = 5,
  thresholds: SimilarityThresholds = DEFAULT_THRESHOLDS,
): Finding {
  try {
    return analyzeSimilarity(sample, nearestNeighbours(sample, catalogue, k, thresholds));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      analyzer: SIMILARITY_ANALYZER,
      verdict: 'unknown',
      score: 0,
      confidence: 0,
      summary: `similarity analysis failed: ${message}`,
      evidence: [],
      attack: [],
      error: message,
    };
  }
}
