// A parser for STIX 2.1 patterning (STIX 2.1 spec, section 9): observation expressions in
// brackets joined by AND/OR/FOLLOWEDBY, with qualifiers, holding comparison expressions
// joined by AND/OR with parentheses. It returns every comparison it read; the caller decides
// which count as indicators. Bounded in length, tokens and nesting depth.

export interface StixComparison {
  objectType: string;
  /** Property path, e.g. ['hashes', 'SHA-256'] or ['value']; list indexes are kept as '[*]'/'[0]'. */
  path: string[];
  operator: string;
  negated: boolean;
  /** Literal operands: one for most operators, several for IN. */
  values: (string | number | boolean)[];
}

export class StixPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StixPatternError';
  }
}

export const MAX_PATTERN_LENGTH = 64 * 1024;
const MAX_DEPTH = 32;

type Token =
  | { kind: 'punct'; text: string; pos: number }
  | { kind: 'word'; text: string; pos: number }
  | { kind: 'path'; objectType: string; path: string[]; pos: number }
  | { kind: 'string'; text: string; prefix: string; pos: number }
  | { kind: 'number'; value: number; pos: number };

const KEYWORDS = new Set([
  'AND',
  'OR',
  'NOT',
  'FOLLOWEDBY',
  'LIKE',
  'MATCHES',
  'IN',
  'ISSUBSET',
  'ISSUPERSET',
  'EXISTS',
  'WITHIN',
  'SECONDS',
  'REPEATS',
  'TIMES',
  'START',
  'STOP',
  'true',
  'false',
]);

function readQuoted(src: string, start: number): { text: string; end: number } {
  // start points at the opening quote; \' and \\ are the only escapes the grammar allows.
  let text = '';
  for (let i = start + 1; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const next = src[i + 1];
      if (next !== "'" && next !== '\\') throw new StixPatternError(`bad escape \\${next ?? ''} at ${i}`);
      text += next;
      i++;
    } else if (c === "'") {
      return { text, end: i + 1 };
    } else {
      text += c;
    }
  }
  throw new StixPatternError(`unterminated string at ${start}`);
}

function readPath(src: string, start: number): { token: Token; end: number } {
  const head = /^([a-z0-9][a-z0-9-]*):/i.exec(src.slice(start, start + 260));
  if (!head) throw new StixPatternError(`expected an object path at ${start}`);
  const path: string[] = [];
  let i = start + head[0].length;
  const ident = /^[a-z_][a-z0-9_-]*/i;
  let expectName = true;
  while (i < src.length) {
    if (expectName) {
      if (src[i] === "'") {
        const q = readQuoted(src, i);
        path.push(q.text);
        i = q.end;
      } else {
        const m = ident.exec(src.slice(i, i + 260));
        if (!m) throw new StixPatternError(`bad property name at ${i}`);
        path.push(m[0]);
        i += m[0].length;
      }
      expectName = false;
    } else if (src[i] === '.') {
      expectName = true;
      i++;
    } else {
      const idx = /^\[(\*|\d+)\]/.exec(src.slice(i, i + 24));
      if (!idx) break;
      path.push(`[${idx[1]}]`);
      i += idx[0].length;
    }
  }
  if (expectName) throw new StixPatternError(`object path ends early at ${i}`);
  return { token: { kind: 'path', objectType: head[1].toLowerCase(), path, pos: start }, end: i };
}

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if ('[]()'.includes(c) || c === ',') {
      tokens.push({ kind: 'punct', text: c, pos: i });
      i++;
      continue;
    }
    const op = /^(!=|<=|>=|=|<|>)/.exec(src.slice(i, i + 2));
    if (op) {
      tokens.push({ kind: 'punct', text: op[1], pos: i });
      i += op[1].length;
      continue;
    }
    if (c === "'" || (/[thb]/.test(c) && src[i + 1] === "'")) {
      const prefix = c === "'" ? '' : c;
      const q = readQuoted(src, i + prefix.length);
      tokens.push({ kind: 'string', text: q.text, prefix, pos: i });
      i = q.end;
      continue;
    }
    const num = /^-?\d+(?:\.\d+)?/.exec(src.slice(i, i + 40));
    if (num && !/^[a-z0-9-]*:/i.test(src.slice(i, i + 80))) {
      tokens.push({ kind: 'number', value: Number(num[0]), pos: i });
      i += num[0].length;
      continue;
    }
    const word = /^[A-Za-z]+/.exec(src.slice(i, i + 20));
    if (word && KEYWORDS.has(word[0]) && !/^[a-z0-9-]*:/i.test(src.slice(i, i + 80))) {
      tokens.push({ kind: 'word', text: word[0], pos: i });
      i += word[0].length;
      continue;
    }
    const p = readPath(src, i);
    tokens.push(p.token);
    i = p.end;
  }
  return tokens;
}

class Parser {
  private i = 0;
  private depth = 0;
  readonly comparisons: StixComparison[] = [];

  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }
  private isPunct(text: string): boolean {
    const t = this.peek();
    return t?.kind === 'punct' && t.text === text;
  }
  private isWord(text: string): boolean {
    const t = this.peek();
    return t?.kind === 'word' && t.text === text;
  }
  private where(): string {
    const t = this.peek();
    return t ? `at ${t.pos}` : 'at end';
  }

  private expectPunct(text: string): void {
    if (!this.isPunct(text)) throw new StixPatternError(`expected "${text}" ${this.where()}`);
    this.i++;
  }

  private nest<T>(f: () => T): T {
    if (++this.depth > MAX_DEPTH) throw new StixPatternError(`pattern nests deeper than ${MAX_DEPTH}`);
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  parsePattern(): void {
    this.observation();
    while (this.isWord('AND') || this.isWord('OR') || this.isWord('FOLLOWEDBY')) {
      this.i++;
      this.observation();
    }
  }

  private observation(): void {
    this.nest(() => {
      if (this.isPunct('(')) {
        this.i++;
        this.parsePattern();
        this.expectPunct(')');
      } else {
        this.expectPunct('[');
        this.comparisonOr();
        this.expectPunct(']');
      }
      this.qualifiers();
    });
  }

  private qualifiers(): void {
    for (;;) {
      if (this.isWord('WITHIN')) {
        this.i++;
        this.number();
        this.word('SECONDS');
      } else if (this.isWord('REPEATS')) {
        this.i++;
        this.number();
        this.word('TIMES');
      } else if (this.isWord('START')) {
        this.i++;
        this.timestamp();
        this.word('STOP');
        this.timestamp();
      } else return;
    }
  }

  private word(text: string): void {
    if (!this.isWord(text)) throw new StixPatternError(`expected ${text} ${this.where()}`);
    this.i++;
  }
  private number(): void {
    if (this.peek()?.kind !== 'number') throw new StixPatternError(`expected a number ${this.where()}`);
    this.i++;
  }
  private timestamp(): void {
    const t = this.peek();
    if (t?.kind !== 'string' || t.prefix !== 't') throw new StixPatternError(`expected t'timestamp' ${this.where()}`);
    this.i++;
  }

  private comparisonOr(): void {
    this.comparisonAnd();
    while (this.isWord('OR')) {
      this.i++;
      this.comparisonAnd();
    }
  }

  private comparisonAnd(): void {
    this.comparisonTerm();
    while (this.isWord('AND')) {
      this.i++;
      this.comparisonTerm();
    }
  }

  private comparisonTerm(): void {
    this.nest(() => {
      if (this.isPunct('(')) {
        this.i++;
        this.comparisonOr();
        this.expectPunct(')');
        return;
      }
      if (this.isWord('EXISTS')) {
        this.i++;
        const path = this.path();
        this.comparisons.push({ ...path, operator: 'EXISTS', negated: false, values: [] });
        return;
      }
      const path = this.path();
      let negated = false;
      if (this.isWord('NOT')) {
        negated = true;
        this.i++;
      }
      const t = this.peek();
      if (t?.kind === 'punct' && ['=', '!=', '<', '>', '<=', '>='].includes(t.text)) {
        this.i++;
        this.comparisons.push({ ...path, operator: t.text, negated, values: [this.literal()] });
      } else if (t?.kind === 'word' && ['LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET'].includes(t.text)) {
        this.i++;
        this.comparisons.push({ ...path, operator: t.text, negated, values: [this.literal()] });
      } else if (this.isWord('IN')) {
        this.i++;
        this.expectPunct('(');
        const values = [this.literal()];
        while (this.isPunct(',')) {
          this.i++;
          values.push(this.literal());
        }
        this.expectPunct(')');
        this.comparisons.push({ ...path, operator: 'IN', negated, values });
      } else {
        throw new StixPatternError(`expected a comparison operator ${this.where()}`);
      }
    });
  }

  private path(): { objectType: string; path: string[] } {
    const t = this.peek();
    if (t?.kind !== 'path') throw new StixPatternError(`expected an object path ${this.where()}`);
    this.i++;
    return { objectType: t.objectType, path: t.path };
  }

  private literal(): string | number | boolean {
    const t = this.peek();
    this.i++;
    if (t?.kind === 'string') return t.text;
    if (t?.kind === 'number') return t.value;
    if (t?.kind === 'word' && (t.text === 'true' || t.text === 'false')) return t.text === 'true';
    this.i--;
    throw new StixPatternError(`expected a literal ${this.where()}`);
  }

  done(): void {
    if (this.i !== this.tokens.length) throw new StixPatternError(`unexpected input ${this.where()}`);
  }
}

/** Every comparison in a STIX pattern; throws StixPatternError when it is not one. */
export function parseStixPattern(pattern: string): StixComparison[] {
  if (typeof pattern !== 'string' || !pattern.trim()) throw new StixPatternError('empty pattern');
  if (pattern.length > MAX_PATTERN_LENGTH) throw new StixPatternError(`pattern longer than ${MAX_PATTERN_LENGTH} characters`);
  const parser = new Parser(tokenize(pattern));
  parser.parsePattern();
  parser.done();
  return parser.comparisons;
}
