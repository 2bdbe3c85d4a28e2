// chunkByJsonLength: storm batches of joined alerts split under Temporal's 2 MB payload limit.
import { chunkByJsonLength, PAYLOAD_CHUNK_CHARS } from '../../src/domain/payload-chunks';

const item = (id: number, chars: number) => ({ id, text: 'x'.repeat(chars) });
const json = (x: unknown) => JSON.stringify(x).length;

describe('chunkByJsonLength', () => {
  it('keeps every item once, in order, each chunk within the limit', () => {
    const items = Array.from({ length: 50 }, (_, i) => item(i, 30_000 + ((i * 7919) % 20_000)));
    const chunks = chunkByJsonLength(items, 200_000);
    expect(chunks.flat()).toEqual(items);
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) expect(c.reduce((n, x) => n + json(x), 0)).toBeLessThanOrEqual(200_000);
    // Greedy: no chunk could have taken the next chunk's first item.
    for (let k = 0; k + 1 < chunks.length; k++) {
      expect(chunks[k].reduce((n, x) => n + json(x), 0) + json(chunks[k + 1][0])).toBeGreaterThan(200_000);
    }
  });

  it('gives an item larger than the limit a chunk of its own, and nothing for nothing', () => {
    const chunks = chunkByJsonLength([item(1, 10), item(2, 500), item(3, 10)], 100);
    expect(chunks.map((c) => c.map((x) => x.id))).toEqual([[1], [2], [3]]);
    expect(chunkByJsonLength([])).toEqual([]);
  });

  it('bounds the default chunk to 1.5 MiB of UTF-8 even for text of 3-byte characters', () => {
    const items = Array.from({ length: 40 }, (_, i) => ({ id: i, text: '€'.repeat(60_000) }));
    const chunks = chunkByJsonLength(items);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(Buffer.byteLength(JSON.stringify(c))).toBeLessThan(3 * PAYLOAD_CHUNK_CHARS + 1024);
    expect(3 * PAYLOAD_CHUNK_CHARS).toBeLessThan(2_000_000);
  });
});
