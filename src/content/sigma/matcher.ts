// A Sigma (specification v2) detection matcher: compiles a rule's `detection` into a predicate
// over flat events ({ CommandLine: '...', Image: '...' }). No maintained Node engine exists, so
// this is ours; test/content/sigma-matcher.test.ts checks its parsing against pySigma's on the
// corpus rules. Supported modifiers: contains, startswith, endswith, all, re, windash, cased.
// Anything else throws UnsupportedSigma rather than matching wrongly.

export type SigmaEvent = Record<string, string | number | boolean | null | undefined>;

export class UnsupportedSigma extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedSigma';
  }
}

/** A value pattern: literal text with `*` (any run) and `?` (one character) wildcards. */
export type PatternPart = { text: string } | { wildcard: '*' | '?' };
export interface CompiledItem {
  /** undefined for keyword searches (any field). */
  field?: string;
  /** Each value as pattern parts, or a regular expression source for `re`. */
  values: ({ parts: PatternPart[] } | { regex: string } | { nullValue: true })[];
  /** `all`: every value must match; otherwise any. */
  linking: 'and' | 'or';
  cased: boolean;
}
export interface CompiledDetection {
  name: string;
  items: CompiledItem[];
}

export const SUPPORTED_MODIFIERS = new Set(['contains', 'startswith', 'endswith', 'all', 're', 'windash', 'cased']);

/** Parses a Sigma string value as pySigma does: `\` escapes `*`, `?` and `\`, otherwise it is literal. */
export function parseSigmaString(raw: string): PatternPart[] {
  const parts: PatternPart[] = [];
  let text = '';
  const flush = () => {
    if (text) parts.push({ text });
    text = '';
  };
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\') {
      const next = raw[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        text += next;
        i++;
      } else text += c;
    } else if (c === '*' || c === '?') {
      flush();
      parts.push({ wildcard: c });
    } else text += c;
  }
  flush();
  return parts;
}

/** Escapes literal text for a Sigma value (the inverse of parseSigmaString for plain text). */
export function escapeSigmaString(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '*' || c === '?') out += `\\${c}`;
    else if (c === '\\' && (i + 1 === text.length || '*?\\'.includes(text[i + 1]))) out += '\\\\';
    else out += c;
  }
  return out;
}

// pySigma's windash (regex \B[-/]\b): a "-" or "/" starting a word may be any of the five.
const WINDASH_ALTERNATIVES = ['-', '/', '\u2013', '\u2014', '\u2015'];
function windashVariants(raw: string): string[] {
  const positions: number[] = [];
  for (let i = 0; i < raw.length; i++)
    if ((raw[i] === '-' || raw[i] === '/') && (i === 0 || !/\w/.test(raw[i - 1])) && /\w/.test(raw[i + 1] ?? '')) positions.push(i);
  if (positions.length > 4) throw new UnsupportedSigma('windash on more than 4 dashes');
  let variants = [raw];
  for (const p of positions) variants = variants.flatMap((v) => WINDASH_ALTERNATIVES.map((d) => v.slice(0, p) + d + v.slice(p + 1)));
  return variants;
}

/** pySigma keeps one `*` where modifiers put a second beside a value's own. */
const collapseWildcards = (parts: PatternPart[]) =>
  parts.filter(
    (p, i) =>
      !(
        'wildcard' in p &&
        p.wildcard === '*' &&
        i > 0 &&
        'wildcard' in parts[i - 1] &&
        (parts[i - 1] as { wildcard: string }).wildcard === '*'
      ),
  );

function compileValue(value: unknown, modifiers: string[]): CompiledItem['values'] {
  if (value === null) return [{ nullValue: true }];
  if (typeof value === 'number' || typeof value === 'boolean') value = String(value);
  if (typeof value !== 'string') throw new UnsupportedSigma(`value of type ${typeof value}`);
  if (modifiers.includes('re')) return [{ regex: value }];
  const raws = modifiers.includes('windash') ? windashVariants(value) : [value];
  return raws.map((raw) => {
    const parts = parseSigmaString(raw);
    if (modifiers.includes('contains') || modifiers.includes('endswith')) parts.unshift({ wildcard: '*' });
    if (modifiers.includes('contains') || modifiers.includes('startswith')) parts.push({ wildcard: '*' });
    return { parts: collapseWildcards(parts) };
  });
}

function compileItem(key: string | undefined, value: unknown): CompiledItem {
  const [field, ...modifiers]: (string | undefined)[] = key === undefined ? [undefined] : key.split('|');
  for (const m of modifiers as string[]) if (!SUPPORTED_MODIFIERS.has(m)) throw new UnsupportedSigma(`modifier ${m}`);
  // Each windash value is an OR of its variants: under `all` that needs grouping we do not do.
  if (modifiers.includes('windash') && modifiers.includes('all')) throw new UnsupportedSigma('windash with all');
  const list = Array.isArray(value) ? value : [value];
  return {
    field: field || undefined,
    values: list.flatMap((v) => compileValue(v, modifiers as string[])),
    linking: modifiers.includes('all') ? 'and' : 'or',
    cased: modifiers.includes('cased'),
  };
}

/** One named detection: a map (fields AND-ed), a list of maps (OR-ed, one item group each) or keywords. */
function compileDetection(name: string, body: unknown): CompiledItem[][] {
  if (Array.isArray(body) && body.every((b) => typeof b === 'object' && b !== null && !Array.isArray(b))) {
    return body.map((map) => Object.entries(map as Record<string, unknown>).map(([k, v]) => compileItem(k, v)));
  }
  if (Array.isArray(body) || typeof body === 'string' || typeof body === 'number') return [[compileItem(undefined, body)]];
  if (typeof body === 'object' && body !== null) return [Object.entries(body).map(([k, v]) => compileItem(k, v))];
  throw new UnsupportedSigma(`detection ${name} is neither a map, a list nor keywords`);
}

const patternRegexCache = new Map<string, RegExp>();
function patternRegex(parts: PatternPart[], cased: boolean): RegExp {
  const source = parts
    .map((p) => ('text' in p ? p.text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') : p.wildcard === '*' ? '[\\s\\S]*' : '[\\s\\S]'))
    .join('');
  const key = `${cased ? 'c' : 'i'}:${source}`;
  let re = patternRegexCache.get(key);
  if (!re) {
    re = new RegExp(`^${source}$`, cased ? 'u' : 'iu');
    if (patternRegexCache.size > 10_000) patternRegexCache.clear();
    patternRegexCache.set(key, re);
  }
  return re;
}

function valueMatches(v: CompiledItem['values'][number], actual: SigmaEvent[string], cased: boolean): boolean {
  if ('nullValue' in v) return actual === null || actual === undefined || actual === '';
  if (actual === null || actual === undefined) return false;
  const text = String(actual);
  if ('regex' in v) return new RegExp(v.regex).test(text);
  return patternRegex(v.parts, cased).test(text);
}

function itemMatches(item: CompiledItem, event: SigmaEvent): boolean {
  const candidates = item.field === undefined ? Object.values(event) : [event[item.field]];
  const one = (v: CompiledItem['values'][number]) => candidates.some((c) => valueMatches(v, c, item.cased));
  return item.linking === 'and' ? item.values.every(one) : item.values.some(one);
}

// --- condition: `a and not (1 of b_* or all of them)` ------------------------------------------
type Cond =
  | { op: 'and' | 'or'; args: Cond[] }
  | { op: 'not'; arg: Cond }
  | { op: 'ref'; name: string }
  | { op: 'of'; quantifier: 'any' | 'all'; pattern: string };

function tokenize(condition: string): string[] {
  return condition.match(/\(|\)|[^\s()]+/g) ?? [];
}

export function parseCondition(condition: string): Cond {
  const tokens = tokenize(condition);
  let pos = 0;
  const peek = () => tokens[pos]?.toLowerCase();
  const expect = (t: string) => {
    if (peek() !== t) throw new UnsupportedSigma(`condition: expected ${t} at ${tokens[pos] ?? 'end'}`);
    pos++;
  };
  const primary = (): Cond => {
    const t = tokens[pos];
    if (t === undefined) throw new UnsupportedSigma('condition ends early');
    if (t === '(') {
      pos++;
      const c = orExpr();
      expect(')');
      return c;
    }
    if (t.toLowerCase() === 'not') {
      pos++;
      return { op: 'not', arg: primary() };
    }
    if ((t === '1' || t.toLowerCase() === 'all') && tokens[pos + 1]?.toLowerCase() === 'of') {
      pos += 2;
      const pattern = tokens[pos++];
      if (!pattern) throw new UnsupportedSigma('condition: "of" without a target');
      return { op: 'of', quantifier: t === '1' ? 'any' : 'all', pattern };
    }
    if (t === '|' || t === ')') throw new UnsupportedSigma(`condition: unexpected ${t}`);
    pos++;
    return { op: 'ref', name: t };
  };
  const andExpr = (): Cond => {
    const args = [primary()];
    while (peek() === 'and') {
      pos++;
      args.push(primary());
    }
    return args.length === 1 ? args[0] : { op: 'and', args };
  };
  const orExpr = (): Cond => {
    const args = [andExpr()];
    while (peek() === 'or') {
      pos++;
      args.push(andExpr());
    }
    return args.length === 1 ? args[0] : { op: 'or', args };
  };
  const c = orExpr();
  if (pos !== tokens.length) throw new UnsupportedSigma(`condition: unexpected ${tokens[pos]} (aggregations are not supported)`);
  return c;
}

const globRegex = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );

export interface CompiledRule {
  detections: Map<string, CompiledItem[][]>;
  condition: Cond;
  /** True when the rule's detection matches the event. */
  matches(event: SigmaEvent): boolean;
}

/** Compiles a parsed rule (the YAML as an object). Throws UnsupportedSigma for what it cannot judge. */
export function compileSigmaRule(rule: { detection?: unknown }): CompiledRule {
  const detection = rule.detection as Record<string, unknown> | undefined;
  if (!detection || typeof detection !== 'object') throw new UnsupportedSigma('no detection');
  const { condition, timeframe, ...named } = detection;
  if (timeframe !== undefined) throw new UnsupportedSigma('timeframe');
  const conditions = Array.isArray(condition) ? condition : [condition];
  if (conditions.length !== 1 || typeof conditions[0] !== 'string') throw new UnsupportedSigma('exactly one condition string is supported');
  const detections = new Map(Object.entries(named).map(([name, body]) => [name, compileDetection(name, body)]));
  const cond = parseCondition(conditions[0]);
  const names = [...detections.keys()];
  const resolve = (pattern: string) => {
    const hit = pattern === 'them' ? names : names.filter((n) => globRegex(pattern).test(n));
    if (hit.length === 0) throw new UnsupportedSigma(`condition names no detection: ${pattern}`);
    return hit;
  };
  const check = (c: Cond): void => {
    if (c.op === 'ref' && !detections.has(c.name)) throw new UnsupportedSigma(`condition names no detection: ${c.name}`);
    if (c.op === 'of') resolve(c.pattern);
    if (c.op === 'not') check(c.arg);
    if (c.op === 'and' || c.op === 'or') c.args.forEach(check);
  };
  check(cond);
  const detectionMatches = (name: string, event: SigmaEvent) =>
    detections.get(name)!.some((group) => group.every((item) => itemMatches(item, event)));
  const evaluate = (c: Cond, event: SigmaEvent): boolean => {
    switch (c.op) {
      case 'ref':
        return detectionMatches(c.name, event);
      case 'not':
        return !evaluate(c.arg, event);
      case 'and':
        return c.args.every((a) => evaluate(a, event));
      case 'or':
        return c.args.some((a) => evaluate(a, event));
      case 'of': {
        const hit = resolve(c.pattern);
        return c.quantifier === 'all' ? hit.every((n) => detectionMatches(n, event)) : hit.some((n) => detectionMatches(n, event));
      }
    }
  };
  return { detections, condition: cond, matches: (event) => evaluate(cond, event) };
}
