// The ingest boundary's defence against hostile structure and text, applied once to every
// item whatever its format (normalize.ts): bounded JSON nesting (checked on the text, before
// anything recurses), no prototype keys, no NUL bytes or lone surrogates (PostgreSQL jsonb and
// text refuse both, so they would be "accepted, then lost"), no giant fields. Repairs are never
// silent: each leaves a short code that ends up in `alert.inputAnomalies`.

/** Deeper JSON is refused before parsing: ECS/OCSF/Wazuh documents nest about 6-10 levels. */
export const MAX_JSON_DEPTH = 64;
/** Longer strings are cut (no schema field is longer than 32 KiB; a raw blob rides as evidence). */
export const MAX_FIELD_CHARS = 64 * 1024;
/** Keys that would reach Object.prototype through a careless merge or lookup. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export type InputAnomaly = 'nul-removed' | 'lone-surrogate-replaced' | 'invalid-utf8' | 'prototype-key-dropped' | 'field-truncated';

/** Where JSON text first nests deeper than `max` (bracket count outside strings), or undefined. */
export function jsonTooDeep(text: string, max = MAX_JSON_DEPTH): { depth: number; offset: number } | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return { depth, offset: i };
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Collects what was repaired; one code each, in the order first met. */
export class AnomalyLog {
  private readonly seen = new Set<InputAnomaly>();
  add(code: InputAnomaly): void {
    this.seen.add(code);
  }
  get codes(): InputAnomaly[] {
    return [...this.seen];
  }
}

/** Text without NUL bytes and lone surrogates (replaced by U+FFFD), at most `max` UTF-16 units. */
export function cleanText(s: string, log: AnomalyLog, max = MAX_FIELD_CHARS): string {
  let out = s;
  if (out.length > max) {
    // Never cut a surrogate pair in half (that would itself leave a lone surrogate).
    const end = out.charCodeAt(max - 1) >= 0xd800 && out.charCodeAt(max - 1) <= 0xdbff ? max - 1 : max;
    out = out.slice(0, end);
    log.add('field-truncated');
  }
  if (out.includes('\0')) {
    out = out.replaceAll('\0', '');
    log.add('nul-removed');
  }
  if (LONE_SURROGATE.test(out)) {
    out = out.replace(LONE_SURROGATES, '\uFFFD');
    log.add('lone-surrogate-replaced');
  }
  return out;
}

/** Own data property, even for a key like "__proto__" (plain assignment would set the prototype). */
const define = (o: object, key: string, value: unknown) =>
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });

/**
 * A copy of parsed JSON (or a mapped alert) with every string cleaned and every prototype key
 * dropped. Iterative, so it cannot overflow the stack whatever the nesting (callers bound
 * depth anyway, before parsing).
 */
export function sanitizeValue(value: unknown, log: AnomalyLog, maxChars = MAX_FIELD_CHARS): unknown {
  const clean = (v: unknown): unknown => (typeof v === 'string' ? cleanText(v, log, maxChars) : v);
  const root: { value: unknown } = { value: undefined };
  const work: { from: unknown; into: Record<string, unknown> | unknown[]; key: string | number }[] = [
    { from: value, into: root as unknown as Record<string, unknown>, key: 'value' },
  ];
  while (work.length > 0) {
    const { from, into, key } = work.pop()!;
    let copy: unknown;
    if (Array.isArray(from)) {
      const arr: unknown[] = new Array(from.length);
      from.forEach((item, i) => work.push({ from: item, into: arr, key: i }));
      copy = arr;
    } else if (typeof from === 'object' && from !== null && !ArrayBuffer.isView(from)) {
      const obj: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(from)) {
        if (PROTOTYPE_KEYS.has(k)) {
          log.add('prototype-key-dropped');
          continue;
        }
        const cleanKey = cleanText(k, log, 1024);
        if (PROTOTYPE_KEYS.has(cleanKey)) {
          log.add('prototype-key-dropped');
          continue;
        }
        define(obj, cleanKey, undefined); // keeps the key order; filled when its value is copied
        work.push({ from: v, into: obj, key: cleanKey });
      }
      copy = obj;
    } else copy = clean(from);
    if (Array.isArray(into)) into[key as number] = copy;
    else define(into, key as string, copy);
  }
  return root.value;
}
