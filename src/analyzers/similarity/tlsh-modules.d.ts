// The tlsh npm package (idealista/tlsh-js) ships no types: the parts this folder uses.
declare module 'tlsh' {
  /** TLSH digest (70 hex digits) of a string whose char codes are the bytes; throws when too short or simple. */
  function hash(data: string): string;
  export = hash;
}

declare module 'tlsh/lib/buckets/bucket-processor' {
  interface ProcessedBuckets {
    isProcessedDataTooSimple(): boolean;
    buildDigest(): { toString(): string };
  }
  function processBuckets(data: string): ProcessedBuckets;
  export = processBuckets;
}

declare module 'tlsh/lib/buckets/slide-window' {
  class SlideWindow {
    getPivot(): number;
    put(value: number): void;
    getTripletHashes(fromStartWindow: number): number[];
  }
  export = SlideWindow;
}

declare module 'tlsh/lib/digests/digest-hash-builder' {
  interface Digest {
    calculateDifference(other: Digest, lengthDiff: boolean): number;
  }
  function DigestHashBuilder(): { withHash(hex: string): { build(): Digest } };
  export = DigestHashBuilder;
}
