// Shannon entropy in bits per byte (0-8). Compressed or encrypted data sits near 8; machine
// code around 5.5-6.8; text around 4.5. Same formula as pefile's entropy_H.

/**
 * Byte counts into four interleaved tables: runs of one value (zero padding in binaries) would
 * otherwise make every increment wait for the one before it on the same counter.
 */
function byteCounts(bytes: Uint8Array): Uint32Array {
  const t = new Uint32Array(1024);
  const n = bytes.length;
  const quads = n - (n % 4);
  for (let i = 0; i < quads; i += 4) {
    t[bytes[i]]++;
    t[256 + bytes[i + 1]]++;
    t[512 + bytes[i + 2]]++;
    t[768 + bytes[i + 3]]++;
  }
  for (let i = quads; i < n; i++) t[bytes[i]]++;
  const counts = t.subarray(0, 256);
  for (let b = 0; b < 256; b++) counts[b] += t[256 + b] + t[512 + b] + t[768 + b];
  return counts;
}

export function shannonEntropy(bytes: Uint8Array): number {
  if (bytes.length === 0) return 0;
  const counts = byteCounts(bytes);
  let h = 0;
  for (let b = 0; b < 256; b++) {
    if (counts[b] === 0) continue;
    const p = counts[b] / bytes.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Entropy rounded for display and comparison. */
export function roundEntropy(h: number): number {
  return Math.round(h * 1000) / 1000;
}

/**
 * Shares a byte budget across many regions: a hostile header can point thousands of sections
 * at the same large range, so without a budget per-section entropy costs sections × file size.
 */
export class EntropyBudget {
  constructor(private remaining: number) {}
  measure(bytes: Uint8Array): number | undefined {
    if (bytes.length > this.remaining) return undefined;
    this.remaining -= bytes.length;
    return roundEntropy(shannonEntropy(bytes));
  }
}
