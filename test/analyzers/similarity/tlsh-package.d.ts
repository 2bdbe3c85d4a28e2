// The npm tlsh package (idealista/tlsh-js) ships no types: the parts the tests use as an oracle.
declare module 'tlsh' {
  /** TLSH digest (70 hex digits) of a string whose char codes are the bytes; throws when too short or simple. */
  function hash(data: string): string;
  export = hash;
}

declare module 'tlsh/lib/digests/digest-hash-builder' {
  interface Digest {
    calculateDifference(other: Digest, lengthDiff: boolean): number;
  }
  function DigestHashBuilder(): { withHash(hex: string): { build(): Digest } };
  export = DigestHashBuilder;
}
