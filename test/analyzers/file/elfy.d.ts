// elfy 1.0 ships no types; the tests only call parse() and read a few fields of its result.
declare module 'elfy' {
  export function parse(buf: Buffer): unknown;
}
