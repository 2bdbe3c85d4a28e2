// Splits a list for activity payloads under Temporal's 2 MB limit per payload. Sizes are JSON
// lengths in UTF-16 code units; one unit is at most 3 bytes of UTF-8 (a surrogate pair is 4
// bytes for 2 units), so a chunk of `maxChars` units serialises to at most 3 * maxChars bytes.
// Pure and linear in the input's size: usable in workflow code on already-bounded input.

/** JSON length per chunk: 3 * 512 Ki units is at most 1.5 MiB of UTF-8, under 2 MB with headroom. */
export const PAYLOAD_CHUNK_CHARS = 512 * 1024;

/**
 * Consecutive chunks of `items`, in order, each at most `maxChars` of JSON, except an item
 * larger than that on its own, which gets a chunk to itself. Never an empty chunk.
 */
export function chunkByJsonLength<T>(items: readonly T[], maxChars = PAYLOAD_CHUNK_CHARS): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    const length = JSON.stringify(item).length;
    if (current.length > 0 && size + length > maxChars) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += length;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
