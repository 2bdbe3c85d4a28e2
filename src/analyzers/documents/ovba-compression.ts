// MS-OVBA 2.4.1 compression, the LZ77 variant that stores VBA source and the `dir` stream.
// A CompressedContainer is a 0x01 signature byte and CompressedChunks; each chunk has a
// 2-byte header (size-3 in bits 0-11, signature 0b011 in bits 12-14, "compressed" flag in
// bit 15) and then either 4096 raw bytes or TokenSequences: a flag byte whose bits say,
// low bit first, whether each of the next 8 tokens is a literal byte or a 2-byte CopyToken.
// A CopyToken's split between offset and length bits depends on how far the decompressed
// chunk has grown (2.4.1.3.19.1), so it is computed per token.

const CHUNK_SIZE = 4096;
const SIGNATURE_BYTE = 0x01;
const CHUNK_SIGNATURE = 0b011;
/** Decompressed bytes per module are capped: one 6-byte chunk can expand to 4096 bytes. */
export const DEFAULT_MAX_DECOMPRESSED = 8 * 1024 * 1024;

export interface Decompressed {
  data: Uint8Array;
  /** Set when the container is malformed; `data` then holds what was decoded before the fault. */
  error?: string;
  /** True when the output reached the cap and decoding stopped. */
  truncated: boolean;
}

/** 2.4.1.3.19.1 CopyToken Help: bit count of the offset part for a chunk grown to `difference` bytes. */
function copyTokenBitCount(difference: number): number {
  let bits = 0;
  while (1 << bits < difference) bits++; // smallest bits with 2^bits >= difference, i.e. ceil(log2)
  return Math.max(bits, 4);
}

/** Decompress a CompressedContainer (2.4.1.3.1); never reads past the input nor writes past `maxOutput`. */
export function decompressOvba(container: Uint8Array, maxOutput = DEFAULT_MAX_DECOMPRESSED): Decompressed {
  let out = new Uint8Array(Math.min(Math.max(container.length * 3, 64), maxOutput));
  let outLen = 0;
  const ensure = (extra: number): boolean => {
    if (outLen + extra > maxOutput) return false;
    if (outLen + extra > out.length) {
      const grown = new Uint8Array(Math.min(maxOutput, Math.max(out.length * 2, outLen + extra)));
      grown.set(out.subarray(0, outLen));
      out = grown;
    }
    return true;
  };
  const result = (error?: string, truncated = false): Decompressed => ({ data: out.slice(0, outLen), error, truncated });

  if (container.length === 0 || container[0] !== SIGNATURE_BYTE) return result('missing 0x01 container signature');
  const end = container.length;
  let pos = 1;
  while (pos < end) {
    if (pos + 2 > end) return result('truncated chunk header');
    const header = container[pos] | (container[pos + 1] << 8);
    const chunkSize = (header & 0x0fff) + 3;
    if (((header >> 12) & 0x7) !== CHUNK_SIGNATURE) return result(`bad chunk signature at ${pos}`);
    const compressed = (header & 0x8000) !== 0;
    const chunkStart = pos;
    const chunkOutStart = outLen;
    pos += 2;
    if (!compressed) {
      // A raw chunk always holds 4096 bytes; a short one means the container was cut.
      const n = Math.min(CHUNK_SIZE, end - pos);
      if (!ensure(n)) return result(undefined, true);
      out.set(container.subarray(pos, pos + n), outLen);
      outLen += n;
      pos += n;
      if (n < CHUNK_SIZE) return result('truncated raw chunk');
      continue;
    }
    const chunkEnd = Math.min(end, chunkStart + chunkSize);
    while (pos < chunkEnd) {
      const flags = container[pos++];
      for (let bit = 0; bit < 8 && pos < chunkEnd; bit++) {
        if ((flags & (1 << bit)) === 0) {
          if (!ensure(1)) return result(undefined, true);
          out[outLen++] = container[pos++];
          continue;
        }
        if (pos + 2 > chunkEnd) return result(`truncated copy token at ${pos}`);
        const token = container[pos] | (container[pos + 1] << 8);
        pos += 2;
        const bitCount = copyTokenBitCount(outLen - chunkOutStart);
        const lengthMask = 0xffff >> bitCount;
        const length = (token & lengthMask) + 3;
        const offset = ((token & ~lengthMask & 0xffff) >> (16 - bitCount)) + 1;
        const source = outLen - offset;
        if (source < 0) return result(`copy token reaches before the start of the data at ${pos - 2}`);
        if (!ensure(length)) return result(undefined, true);
        // Byte by byte: source and destination may overlap (run-length style copies).
        for (let i = 0; i < length; i++) out[outLen + i] = out[source + i];
        outLen += length;
      }
    }
  }
  return result();
}

/** Compress per 2.4.1.3.6-2.4.1.3.10 (used to build test documents and to check the decoder). */
export function compressOvba(input: Uint8Array): Uint8Array {
  const out: number[] = [SIGNATURE_BYTE];
  for (let chunkStart = 0; chunkStart < input.length; chunkStart += CHUNK_SIZE) {
    out.push(...compressChunk(input, chunkStart, Math.min(chunkStart + CHUNK_SIZE, input.length)));
  }
  return Uint8Array.from(out);
}

function compressChunk(input: Uint8Array, start: number, end: number): number[] {
  const body: number[] = [];
  let cur = start;
  const maxBody = CHUNK_SIZE; // compressed data may not exceed 4096 bytes, else a raw chunk is written
  while (cur < end && body.length < maxBody) {
    const flagIndex = body.length;
    body.push(0);
    let flags = 0;
    for (let bit = 0; bit < 8 && cur < end; bit++) {
      const { offset, length } = longestMatch(input, start, cur, end);
      if (offset > 0) {
        const bitCount = copyTokenBitCount(cur - start);
        const token = ((offset - 1) << (16 - bitCount)) | (length - 3);
        body.push(token & 0xff, (token >> 8) & 0xff);
        flags |= 1 << bit;
        cur += length;
      } else {
        body.push(input[cur++]);
      }
    }
    body[flagIndex] = flags;
  }
  if (cur < end || body.length > maxBody) {
    // Incompressible: a raw chunk of exactly 4096 bytes, zero-padded (2.4.1.3.10).
    const raw = new Array<number>(CHUNK_SIZE).fill(0);
    for (let i = start; i < end; i++) raw[i - start] = input[i];
    const header = (CHUNK_SIZE + 2 - 3) | (CHUNK_SIGNATURE << 12);
    return [header & 0xff, header >> 8, ...raw];
  }
  const header = (body.length + 2 - 3) | (CHUNK_SIGNATURE << 12) | 0x8000;
  return [header & 0xff, (header >> 8) & 0xff, ...body];
}

/** 2.4.1.3.19.4 Matching: the longest earlier match inside the chunk, ties going to the nearest. */
function longestMatch(input: Uint8Array, chunkStart: number, cur: number, end: number): { offset: number; length: number } {
  let bestLength = 0;
  let bestCandidate = 0;
  for (let candidate = cur - 1; candidate >= chunkStart; candidate--) {
    let len = 0;
    while (cur + len < end && input[cur + len] === input[candidate + len]) len++;
    if (len > bestLength) {
      bestLength = len;
      bestCandidate = candidate;
    }
  }
  if (bestLength < 3) return { offset: 0, length: 0 };
  const maxLength = (0xffff >> copyTokenBitCount(cur - chunkStart)) + 3;
  return { offset: cur - bestCandidate, length: Math.min(bestLength, maxLength) };
}
