// Work counters for "stays bounded on hostile input" tests: they assert how much work was done
// (regex executions, characters handed to a regex, bytes searched or copied), never how long it
// took, so a busy machine cannot fail them. Speed is measured in bench/bounded instead.

export interface TextWork {
  /** RegExp executions: String.prototype.match/matchAll/replace/split/search and RegExp#test all
   *  run through RegExp.prototype.exec once it is replaced, so each one is counted. */
  execs: number;
  /** Characters each execution stepped over, from where it started (lastIndex for global and
   *  sticky regexes) to the end of its match, or to the end of the input when it failed. */
  charsScanned: number;
  /** The longest input any regex was run on. */
  longestInput: number;
  /** Characters String#indexOf stepped over (to the match, or to the end when there is none). */
  indexOfChars: number;
}

/** Runs fn (sync or async) with RegExp#exec and String#indexOf counted, then restores them. */
export async function countTextWork<T>(fn: () => T | Promise<T>): Promise<{ value: T; work: TextWork }> {
  const work: TextWork = { execs: 0, charsScanned: 0, longestInput: 0, indexOfChars: 0 };
  const proto = RegExp.prototype;
  const original = Object.getOwnPropertyDescriptor(proto, 'exec')!;
  const exec = proto.exec;
  // A replaced exec sends split down the spec's path, which runs a sticky regex once per
  // position: count a split as one pass over its input instead.
  const splitDescriptor = Object.getOwnPropertyDescriptor(proto, Symbol.split)!;
  const split = proto[Symbol.split];
  let splitting = 0;
  Object.defineProperty(proto, Symbol.split, {
    ...splitDescriptor,
    value: function countedSplit(this: RegExp, input: string, limit?: number) {
      const s = String(input);
      work.execs++;
      work.charsScanned += s.length;
      if (s.length > work.longestInput) work.longestInput = s.length;
      splitting++;
      try {
        return split.call(this, s, limit);
      } finally {
        splitting--;
      }
    },
  });
  Object.defineProperty(proto, 'exec', {
    ...original,
    value: function countedExec(this: RegExp, input: string) {
      const s = String(input);
      if (splitting) return exec.call(this, s);
      work.execs++;
      const start = this.global || this.sticky ? this.lastIndex : 0;
      if (s.length > work.longestInput) work.longestInput = s.length;
      const match = exec.call(this, s);
      work.charsScanned += Math.max(0, (match ? match.index + match[0].length : s.length) - start);
      return match;
    },
  });
  const indexOf = Object.getOwnPropertyDescriptor(String.prototype, 'indexOf')!;
  const find = String.prototype.indexOf;
  Object.defineProperty(String.prototype, 'indexOf', {
    ...indexOf,
    value: function countedIndexOf(this: string, needle: string, from?: number) {
      const at = find.call(this, needle, from);
      const start = Math.max(0, Math.trunc(Number(from ?? 0)) || 0);
      work.indexOfChars += Math.max(0, (at < 0 ? this.length : at + String(needle).length) - start);
      return at;
    },
  });
  try {
    return { value: await fn(), work };
  } finally {
    Object.defineProperty(proto, 'exec', original);
    Object.defineProperty(proto, Symbol.split, splitDescriptor);
    Object.defineProperty(String.prototype, 'indexOf', indexOf);
  }
}

export interface BufferWork {
  /** Bytes copied by Buffer#copy and Buffer#copyWithin. */
  bytesCopied: number;
  /** Bytes Buffer#indexOf had in front of it (from its start position to the end). */
  bytesSearched: number;
}

/** Runs fn with Buffer#copy, #copyWithin and #indexOf counted, then restores them. */
export function countBufferWork<T>(fn: () => T): { value: T; work: BufferWork } {
  const work: BufferWork = { bytesCopied: 0, bytesSearched: 0 };
  const proto = Buffer.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const saved = { copy: proto.copy, copyWithin: proto.copyWithin, indexOf: proto.indexOf };
  const own = Object.fromEntries(Object.keys(saved).map((k) => [k, Object.getOwnPropertyDescriptor(proto, k)]));
  proto.copy = function (this: Buffer, target: Uint8Array, targetStart = 0, sourceStart = 0, sourceEnd = this.length) {
    const n = saved.copy.call(this, target, targetStart, sourceStart, sourceEnd) as number;
    work.bytesCopied += n;
    return n;
  } as (...args: unknown[]) => unknown;
  proto.copyWithin = function (this: Buffer, target: number, start: number, end: number = this.length) {
    work.bytesCopied += Math.max(0, Math.min(Number(end), this.length) - start);
    return saved.copyWithin.call(this, target, start, end);
  } as (...args: unknown[]) => unknown;
  proto.indexOf = function (this: Buffer, value: unknown, byteOffset = 0, encoding?: unknown) {
    const from = Number(byteOffset) < 0 ? Math.max(0, this.length + Number(byteOffset)) : Number(byteOffset);
    work.bytesSearched += Math.max(0, this.length - from);
    return saved.indexOf.call(this, value, byteOffset, encoding);
  } as (...args: unknown[]) => unknown;
  try {
    return { value: fn(), work };
  } finally {
    for (const [k, d] of Object.entries(own)) {
      if (d) Object.defineProperty(proto, k, d);
      else delete proto[k]; // inherited from Uint8Array.prototype
    }
  }
}
