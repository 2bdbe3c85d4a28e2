// A linear-time matcher for JavaScript regex syntax: the pattern is compiled to a Thompson NFA
// and simulated one text position at a time (a Pike VM, as RE2 and Rust's regex do), so
// `test()` costs O(text × pattern) whatever the pattern, where V8's backtracking engine can go
// quadratic or worse on patterns like /A[\s\S]*B/ or /\S+\.dll/ over attacker-written text.
//
// Used for curated pattern tables applied to untrusted text (LOLBin arguments, script
// indicators). Only `test()` is offered: no captures. The engine refuses what would break the
// bound: backreferences, and lookarounds whose body can match unboundedly long text (a
// lookaround is evaluated once per text position and memoised, so a bounded body keeps it linear).
// Semantics follow ECMAScript without the `u` flag (UTF-16 code units, `.` stops at line
// terminators unless `s`, `\b` on [A-Za-z0-9_], `i` as simple case folding); the differential
// test checks it against V8 on generated inputs.

type CharTest = (code: number) => boolean;

type Node =
  | { kind: 'char'; test: CharTest }
  | { kind: 'seq'; items: Node[] }
  | { kind: 'alt'; items: Node[] }
  | { kind: 'repeat'; item: Node; min: number; max: number }
  | { kind: 'assert'; what: 'bol' | 'eol' | 'wordb' | 'nwordb' }
  | { kind: 'look'; behind: boolean; negate: boolean; body: Node };

const MAX_PROGRAM = 20_000;
/** Longest text a lookaround body may span: its cost per position. */
const MAX_LOOK_WIDTH = 256;

const isWordCode = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isDigitCode = (c: number) => c >= 48 && c <= 57;
const isSpaceCode = (c: number) =>
  c === 32 ||
  (c >= 9 && c <= 13) ||
  c === 0xa0 ||
  c === 0x1680 ||
  (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 ||
  c === 0x2029 ||
  c === 0x202f ||
  c === 0x205f ||
  c === 0x3000 ||
  c === 0xfeff;
const isLineTerminator = (c: number) => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;

/** ECMAScript's Canonicalize for non-unicode `i`: upper case, unless that maps non-ASCII to ASCII or to several units. */
function canonicalize(code: number): number {
  const upper = String.fromCharCode(code).toUpperCase();
  if (upper.length !== 1) return code;
  const u = upper.charCodeAt(0);
  return code >= 128 && u < 128 ? code : u;
}

export class LinearRegexError extends Error {}

/** Parses the regex source into a tree (the subset above; anything else throws). */
class Parser {
  private at = 0;
  constructor(
    private readonly src: string,
    private readonly flags: { i: boolean; m: boolean; s: boolean },
  ) {}

  parse(): Node {
    const node = this.alternation();
    if (this.at < this.src.length) this.fail(`unexpected "${this.src[this.at]}"`);
    return node;
  }

  private fail(why: string): never {
    throw new LinearRegexError(`linear regex /${this.src}/: ${why} at ${this.at}`);
  }

  private alternation(): Node {
    const items = [this.sequence()];
    while (this.src[this.at] === '|') {
      this.at++;
      items.push(this.sequence());
    }
    return items.length === 1 ? items[0] : { kind: 'alt', items };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.at < this.src.length && this.src[this.at] !== '|' && this.src[this.at] !== ')') items.push(this.quantified());
    return items.length === 1 ? items[0] : { kind: 'seq', items };
  }

  private quantified(): Node {
    const atom = this.atom();
    const c = this.src[this.at];
    let min: number;
    let max: number;
    if (c === '*') {
      min = 0;
      max = Infinity;
      this.at++;
    } else if (c === '+') {
      min = 1;
      max = Infinity;
      this.at++;
    } else if (c === '?') {
      min = 0;
      max = 1;
      this.at++;
    } else if (c === '{' && /^\{\d+(?:,\d*)?\}/.test(this.src.slice(this.at, this.at + 16))) {
      const close = this.src.indexOf('}', this.at);
      const [lo, hi] = this.src.slice(this.at + 1, close).split(',');
      min = Number(lo);
      max = hi === undefined ? min : hi === '' ? Infinity : Number(hi);
      this.at = close + 1;
    } else return atom;
    if (this.src[this.at] === '?') this.at++; // laziness does not change whether a match exists
    if (atom.kind === 'assert' || atom.kind === 'look') return atom;
    return { kind: 'repeat', item: atom, min, max };
  }

  private atom(): Node {
    const c = this.src[this.at++];
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return this.charClass();
      case '.':
        return { kind: 'char', test: this.flags.s ? () => true : (x) => !isLineTerminator(x) };
      case '^':
        return { kind: 'assert', what: 'bol' };
      case '$':
        return { kind: 'assert', what: 'eol' };
      case '\\':
        return this.escape();
      case '*':
      case '+':
      case '?':
        this.at--;
        return this.fail('nothing to repeat');
      case '{':
        if (/^\d+(?:,\d*)?\}/.test(this.src.slice(this.at, this.at + 16))) {
          this.at--;
          this.fail('nothing to repeat');
        }
        return this.literal(123);
      default:
        return this.literal(c.charCodeAt(0));
    }
  }

  private group(): Node {
    let look: { behind: boolean; negate: boolean } | undefined;
    if (this.src.startsWith('?:', this.at)) this.at += 2;
    else if (this.src.startsWith('?=', this.at) || this.src.startsWith('?!', this.at)) {
      look = { behind: false, negate: this.src[this.at + 1] === '!' };
      this.at += 2;
    } else if (this.src.startsWith('?<=', this.at) || this.src.startsWith('?<!', this.at)) {
      look = { behind: true, negate: this.src[this.at + 2] === '!' };
      this.at += 3;
    } else if (this.src.startsWith('?<', this.at)) {
      const close = this.src.indexOf('>', this.at);
      if (close < 0) this.fail('unterminated group name');
      this.at = close + 1;
    } else if (this.src[this.at] === '?') this.fail('unsupported group');
    const body = this.alternation();
    if (this.src[this.at++] !== ')') this.fail('missing )');
    if (!look) return body;
    const width = maxWidth(body);
    if (width > MAX_LOOK_WIDTH)
      this.fail(`lookaround body may span ${width === Infinity ? 'unbounded' : width} characters (at most ${MAX_LOOK_WIDTH})`);
    return { kind: 'look', ...look, body };
  }

  private literal(code: number): Node {
    if (!this.flags.i) return { kind: 'char', test: (x) => x === code };
    const canonical = canonicalize(code);
    return { kind: 'char', test: (x) => x === code || canonicalize(x) === canonical };
  }

  /** An escape outside a class. */
  private escape(): Node {
    const c = this.src[this.at];
    if (c === 'b' || c === 'B') {
      this.at++;
      return { kind: 'assert', what: c === 'b' ? 'wordb' : 'nwordb' };
    }
    if (c !== undefined && /[1-9]/.test(c)) this.fail('backreferences are not supported');
    if (c === 'k') this.fail('backreferences are not supported');
    const set = this.classEscape();
    return set.kind === 'code' ? this.literal(set.code) : { kind: 'char', test: set.test };
  }

  /** An escape valid in and out of classes: a shorthand class or one code unit. */
  private classEscape(): { kind: 'set'; test: CharTest } | { kind: 'code'; code: number } {
    const c = this.src[this.at++];
    switch (c) {
      case 'd':
        return { kind: 'set', test: isDigitCode };
      case 'D':
        return { kind: 'set', test: (x) => !isDigitCode(x) };
      case 'w':
        return { kind: 'set', test: isWordCode };
      case 'W':
        return { kind: 'set', test: (x) => !isWordCode(x) };
      case 's':
        return { kind: 'set', test: isSpaceCode };
      case 'S':
        return { kind: 'set', test: (x) => !isSpaceCode(x) };
      case 'n':
        return { kind: 'code', code: 10 };
      case 'r':
        return { kind: 'code', code: 13 };
      case 't':
        return { kind: 'code', code: 9 };
      case 'v':
        return { kind: 'code', code: 11 };
      case 'f':
        return { kind: 'code', code: 12 };
      case '0':
        return { kind: 'code', code: 0 };
      case 'x':
        return { kind: 'code', code: this.hex(2) };
      case 'u':
        return { kind: 'code', code: this.hex(4) };
      case undefined:
        return this.fail('trailing backslash');
      default:
        if (/[A-Za-z]/.test(c)) this.fail(`unsupported escape \\${c}`);
        return { kind: 'code', code: c.charCodeAt(0) };
    }
  }

  private hex(digits: number): number {
    const text = this.src.slice(this.at, this.at + digits);
    if (text.length !== digits || !/^[0-9a-fA-F]+$/.test(text)) this.fail('bad hex escape');
    this.at += digits;
    return parseInt(text, 16);
  }

  private charClass(): Node {
    const negate = this.src[this.at] === '^';
    if (negate) this.at++;
    const sets: CharTest[] = [];
    const ranges: [number, number][] = [];
    while (this.src[this.at] !== ']') {
      if (this.at >= this.src.length) this.fail('unterminated class');
      const lo = this.classAtom();
      if (lo.kind === 'code' && this.src[this.at] === '-' && this.src[this.at + 1] !== ']' && this.at + 1 < this.src.length) {
        this.at++;
        const hi = this.classAtom();
        if (hi.kind !== 'code') this.fail('class range with a shorthand');
        if (hi.code < lo.code) this.fail('class range out of order');
        ranges.push([lo.code, hi.code]);
      } else if (lo.kind === 'code') ranges.push([lo.code, lo.code]);
      else sets.push(lo.test);
    }
    this.at++;
    const inRanges = (x: number) => ranges.some(([a, b]) => x >= a && x <= b);
    const member: CharTest = (x) => inRanges(x) || sets.some((t) => t(x));
    // Under `i`, a class matches x when one of its members has x's canonical form: the
    // candidates are x, its canonical (upper-case) form and that form's lower case.
    const folded: CharTest = !this.flags.i
      ? member
      : (x) => {
          if (member(x)) return true;
          const canonical = canonicalize(x);
          const lower = String.fromCharCode(canonical).toLowerCase();
          return [canonical, lower.length === 1 ? lower.charCodeAt(0) : -1].some(
            (y) => y >= 0 && member(y) && canonicalize(y) === canonical,
          );
        };
    return { kind: 'char', test: negate ? (x) => !folded(x) : folded };
  }

  private classAtom(): { kind: 'set'; test: CharTest } | { kind: 'code'; code: number } {
    const c = this.src[this.at++];
    if (c !== '\\') return { kind: 'code', code: c.charCodeAt(0) };
    if (this.src[this.at] === 'b') {
      this.at++;
      return { kind: 'code', code: 8 };
    }
    if (this.src[this.at] === '-') {
      this.at++;
      return { kind: 'code', code: 45 };
    }
    return this.classEscape();
  }
}

/** Longest text a node can match (Infinity if unbounded). */
function maxWidth(node: Node): number {
  switch (node.kind) {
    case 'char':
      return 1;
    case 'seq':
      return node.items.reduce((n, i) => n + maxWidth(i), 0);
    case 'alt':
      return Math.max(...node.items.map(maxWidth));
    case 'repeat':
      return node.max === 0 ? 0 : node.max * maxWidth(node.item);
    case 'assert':
    case 'look':
      return 0;
  }
}

/** Shortest text a node can match (used to bound lookbehind start positions). */
function minWidth(node: Node): number {
  switch (node.kind) {
    case 'char':
      return 1;
    case 'seq':
      return node.items.reduce((n, i) => n + minWidth(i), 0);
    case 'alt':
      return Math.min(...node.items.map(minWidth));
    case 'repeat':
      return node.min * minWidth(node.item);
    case 'assert':
    case 'look':
      return 0;
  }
}

// Program instructions, Thompson style.
const Op = { Char: 0, Split: 1, Jmp: 2, Match: 3, Bol: 4, Eol: 5, WordB: 6, NWordB: 7, Look: 8 } as const;
type OpCode = (typeof Op)[keyof typeof Op];
interface Instr {
  op: OpCode;
  test?: CharTest;
  ascii?: Uint8Array;
  x?: number;
  y?: number;
  look?: number;
}
interface Look {
  behind: boolean;
  negate: boolean;
  program: Program;
  minWidth: number;
  maxWidth: number;
}
interface Program {
  code: Instr[];
  looks: Look[];
}

function compile(root: Node, flags: { m: boolean }, looks: Look[] = []): Program {
  const code: Instr[] = [];
  const emit = (i: Instr) => {
    code.push(i);
    if (code.length > MAX_PROGRAM)
      throw new LinearRegexError(`linear regex: program larger than ${MAX_PROGRAM} instructions (expand fewer repeats)`);
    return code.length - 1;
  };
  const gen = (node: Node): void => {
    switch (node.kind) {
      case 'char': {
        // ASCII answers precomputed: the common case costs one array read.
        const ascii = new Uint8Array(128);
        for (let c = 0; c < 128; c++) ascii[c] = node.test(c) ? 1 : 0;
        emit({ op: Op.Char, test: node.test, ascii });
        return;
      }
      case 'seq':
        for (const i of node.items) gen(i);
        return;
      case 'alt': {
        const jumps: number[] = [];
        node.items.forEach((item, k) => {
          if (k < node.items.length - 1) {
            const split = emit({ op: Op.Split, x: code.length + 1 });
            gen(item);
            jumps.push(emit({ op: Op.Jmp }));
            code[split].y = code.length;
          } else gen(item);
        });
        for (const j of jumps) code[j].x = code.length;
        return;
      }
      case 'repeat': {
        for (let k = 0; k < node.min; k++) gen(node.item);
        if (node.max === Infinity) {
          const split = emit({ op: Op.Split, x: code.length + 1 });
          gen(node.item);
          emit({ op: Op.Jmp, x: split });
          code[split].y = code.length;
        } else {
          const splits: number[] = [];
          for (let k = node.min; k < node.max; k++) {
            splits.push(emit({ op: Op.Split, x: code.length + 1 }));
            gen(node.item);
          }
          for (const s of splits) code[s].y = code.length;
        }
        return;
      }
      case 'assert':
        emit({ op: node.what === 'bol' ? Op.Bol : node.what === 'eol' ? Op.Eol : node.what === 'wordb' ? Op.WordB : Op.NWordB });
        return;
      case 'look': {
        looks.push({
          behind: node.behind,
          negate: node.negate,
          program: compile(node.body, flags, []),
          minWidth: minWidth(node.body),
          maxWidth: maxWidth(node.body),
        });
        emit({ op: Op.Look, look: looks.length - 1 });
        return;
      }
    }
  };
  gen(root);
  emit({ op: Op.Match });
  return { code, looks };
}

/** Where a match was found: [start, end) of the first match to complete, from its leftmost start. */
interface Span {
  start: number;
  end: number;
}

/**
 * Runs a program over text from `from`: a match starting anywhere (or only at `from`), ending
 * anywhere (or only at `mustEndAt`). Returns the span of the first match to complete, or null.
 */
function run(
  program: Program,
  text: string,
  flags: { m: boolean },
  from: number,
  anchoredStart: boolean,
  mustEndAt: number,
  memo: Map<Look, Int8Array>,
): Span | null {
  const { code } = program;
  const n = code.length;
  // Thread lists: instruction and where its match started (older threads come first, so the
  // leftmost start wins an instruction two threads reach in the same step).
  let current = new Int32Array(n);
  let currentStart = new Int32Array(n);
  let currentLen = 0;
  let next = new Int32Array(n);
  let nextStart = new Int32Array(n);
  const seen = new Uint32Array(n);
  let stamp = 0;
  const stack = new Int32Array(n * 2 + 2);

  const holds = (instr: Instr, pos: number): boolean => {
    switch (instr.op) {
      case Op.Bol:
        return pos === 0 || (flags.m && isLineTerminator(text.charCodeAt(pos - 1)));
      case Op.Eol:
        return pos === text.length || (flags.m && isLineTerminator(text.charCodeAt(pos)));
      case Op.WordB:
      case Op.NWordB: {
        const before = pos > 0 && isWordCode(text.charCodeAt(pos - 1));
        const after = pos < text.length && isWordCode(text.charCodeAt(pos));
        return (before !== after) === (instr.op === Op.WordB);
      }
      case Op.Look:
        return lookHolds(program.looks[instr.look as number], pos);
      default:
        return true;
    }
  };
  const lookHolds = (look: Look, pos: number): boolean => {
    let cache = memo.get(look);
    if (!cache) {
      cache = new Int8Array(text.length + 1);
      memo.set(look, cache);
    }
    if (cache[pos] === 0) {
      let found = false;
      if (!look.behind) found = run(look.program, text, flags, pos, true, -1, memo) !== null;
      else {
        for (let start = Math.max(0, pos - look.maxWidth); start <= pos - look.minWidth && !found; start++) {
          found = run(look.program, text, flags, start, true, pos, memo) !== null;
        }
      }
      cache[pos] = found !== look.negate ? 1 : 2;
    }
    return cache[pos] === 1;
  };

  let listLen = 0;
  /** Follows empty moves from pc at pos, adding Char instructions to the list; true on a match. */
  const add = (list: Int32Array, starts: Int32Array, pc0: number, pos: number, start: number): boolean => {
    let top = 0;
    stack[top++] = pc0;
    while (top > 0) {
      const pc = stack[--top];
      if (seen[pc] === stamp) continue;
      seen[pc] = stamp;
      const instr = code[pc];
      switch (instr.op) {
        case Op.Char:
          list[listLen] = pc;
          starts[listLen++] = start;
          break;
        case Op.Match:
          if (mustEndAt < 0 || pos === mustEndAt) return true;
          break;
        case Op.Jmp:
          stack[top++] = instr.x as number;
          break;
        case Op.Split:
          stack[top++] = instr.y as number;
          stack[top++] = instr.x as number;
          break;
        default:
          if (holds(instr, pos)) stack[top++] = pc + 1;
      }
    }
    return false;
  };

  const end = mustEndAt >= 0 ? mustEndAt : text.length;
  stamp++;
  listLen = 0;
  if (add(current, currentStart, 0, from, from)) return { start: from, end: from };
  currentLen = listLen;
  for (let pos = from; pos < end; pos++) {
    const c = text.charCodeAt(pos);
    linearRegexWork.threadSteps += currentLen + 1;
    stamp++;
    listLen = 0;
    for (let k = 0; k < currentLen; k++) {
      const instr = code[current[k]];
      if (
        (c < 128 ? (instr.ascii as Uint8Array)[c] === 1 : (instr.test as CharTest)(c)) &&
        add(next, nextStart, current[k] + 1, pos + 1, currentStart[k])
      ) {
        return { start: currentStart[k], end: pos + 1 };
      }
    }
    if (!anchoredStart && add(next, nextStart, 0, pos + 1, pos + 1)) return { start: pos + 1, end: pos + 1 };
    [current, next] = [next, current];
    [currentStart, nextStart] = [nextStart, currentStart];
    currentLen = listLen;
    if (currentLen === 0 && anchoredStart) return null;
  }
  return null;
}

/** Work done, for tests that assert a bound on it (threads advanced over one character each). */
export const linearRegexWork = { threadSteps: 0 };

/** A pattern compiled for linear-time matching. */
export interface LinearRegex {
  readonly source: string;
  readonly flags: string;
  test(text: string): boolean;
  /**
   * A match and where it is: the first match to complete, from its leftmost start. Whether
   * there is one agrees with RegExp#exec; the span can be shorter than V8's (greedy parts stop
   * at the first point the whole pattern matches), so use it for excerpts, not for parsing.
   */
  find(text: string): { index: number; text: string } | null;
}

/**
 * Compiles a regex (literal or source + flags) for the linear engine. Flags: i, m, s (g and y
 * are refused: there is no lastIndex). Throws LinearRegexError naming what is unsupported.
 */
export function linearRegex(pattern: RegExp | string, flagText = ''): LinearRegex {
  const source = typeof pattern === 'string' ? pattern : pattern.source;
  const flagString = typeof pattern === 'string' ? flagText : pattern.flags;
  for (const f of flagString) if (!'ims'.includes(f)) throw new LinearRegexError(`linear regex /${source}/: flag "${f}" is not supported`);
  const flags = { i: flagString.includes('i'), m: flagString.includes('m'), s: flagString.includes('s') };
  const program = compile(new Parser(source, flags).parse(), flags);
  return {
    source,
    flags: flagString,
    test: (text: string) => run(program, text, flags, 0, false, -1, new Map()) !== null,
    find: (text: string) => {
      const span = run(program, text, flags, 0, false, -1, new Map());
      return span && { index: span.start, text: text.slice(span.start, span.end) };
    },
  };
}
