// Computes the value of PowerShell expressions built only from literals and known variables:
// string concatenation, the -f format operator, [char] codes, -join/-split/-replace, string
// methods, [Convert]::FromBase64String + Encoding.GetString, Deflate/GZip streams, Get-Variable,
// Get-Command wildcards, ForEach-Object over known arrays. Nothing is executed; anything the
// evaluator does not model yields `undefined`. Work is bounded by a step budget and a depth limit.
import { inflateRawSync, gunzipSync } from 'node:zlib';
import type { Node } from './parser';
import { FIXED_VARIABLES, KNOWN_COMMANDS, resolveCommand } from './names';
import {
  decodeBytes,
  encodeString,
  MAX_ARRAY,
  MAX_STRING,
  num,
  str,
  toArr,
  toBytes,
  toChar,
  toNum,
  toStr,
  type Encoding,
  type Value,
} from './values';
import { linearRegex, type LinearRegex } from '../../domain/linear-regex';

/** Transformations recorded while folding, for the report and the technique mapping. */
export type Note =
  | 'concat'
  | 'format'
  | 'char-codes'
  | 'join'
  | 'split'
  | 'replace'
  | 'reverse'
  | 'case'
  | 'backtick'
  | 'base64'
  | 'compression'
  | 'xor'
  | 'variable'
  | 'special-variable'
  | 'get-command'
  | 'scriptblock'
  | 'iex-unwrap'
  | 'dynamic-iex'
  | 'dynamic-command'
  | 'encoded-command'
  | 'decode'
  | 'string-method';

export interface EvalContext {
  source: string;
  /** Variables visible to the statement being folded (lower-case names, no `$`). */
  vars: Map<string, Value>;
  notes: Set<Note>;
  /** Work left in this pass; every visited node costs one step. */
  steps: number;
  memo: Map<number, Value | null>;
  /** >0 while evaluating a script block body with `$_` bound: results are not memoised. */
  unmemoised: number;
  /** Variables the script assigns: their stock values ($PSHome, $env:ComSpec ...) no longer hold. */
  assigned: ReadonlySet<string>;
}

const MAX_DEPTH = 200;
const MAX_DECOMPRESSED = 4 << 20;

export function newContext(source: string, steps: number): EvalContext {
  return { source, vars: new Map(), notes: new Set(), steps, memo: new Map(), unmemoised: 0, assigned: new Set() };
}

const textOf = (ctx: EvalContext, n: Node) => ctx.source.slice(n.startIndex, n.endIndex);
const kids = (n: Node) => n.children;
const named = (n: Node) => n.namedChildren;

/** `$script:Foo`, `${foo}`, `$env:ComSpec` → `foo`, `foo`, `env:comspec`. */
export function variableName(text: string): string {
  let t = text.startsWith('$') || text.startsWith('@') ? text.slice(1) : text;
  if (t.startsWith('{') && t.endsWith('}')) t = t.slice(1, -1);
  t = t.replace(/`/g, '').toLowerCase();
  t = t.replace(/^(?:global|script|local|private|using|variable):/, '');
  return t === 'psitem' ? '_' : t;
}

/** Type name as written in [ ... ], normalised: lower-case, no `System.`, no spaces/backticks. */
export function typeName(text: string): string {
  return text
    .replace(/^\[|\]$/g, '')
    .replace(/[\s`]/g, '')
    .toLowerCase()
    .replace(/^system\./, '');
}

export function evaluate(node: Node, ctx: EvalContext, depth = 0): Value | undefined {
  if (depth > MAX_DEPTH || --ctx.steps < 0) return undefined;
  if (ctx.unmemoised === 0) {
    const hit = ctx.memo.get(node.id);
    if (hit !== undefined) return hit ?? undefined;
  }
  let v: Value | undefined;
  try {
    v = evalNode(node, ctx, depth);
  } catch {
    v = undefined; // a conversion PowerShell would reject: no value
  }
  if (v && !withinLimits(v)) v = undefined;
  if (ctx.unmemoised === 0) ctx.memo.set(node.id, v ?? null);
  return v;
}

function withinLimits(v: Value): boolean {
  if (v.t === 'str' || v.t === 'sb') return v.v.length <= MAX_STRING;
  if (v.t === 'arr') return v.v.length <= MAX_ARRAY;
  if (v.t === 'bytes' || v.t === 'stream') return v.v.length <= MAX_DECOMPRESSED;
  return true;
}

const PASS_THROUGH = new Set([
  'pipeline',
  'logical_expression',
  'bitwise_expression',
  'comparison_expression',
  'additive_expression',
  'multiplicative_expression',
  'format_expression',
  'range_expression',
  'unary_expression',
  'argument_expression',
  'logical_argument_expression',
  'bitwise_argument_expression',
  'comparison_argument_expression',
  'additive_argument_expression',
  'multiplicative_argument_expression',
  'format_argument_expression',
  'range_argument_expression',
  'string_literal',
  'statement_list',
  'integer_literal',
  'command_name_expr',
]);

const BINARY = new Set([
  'logical_expression',
  'bitwise_expression',
  'comparison_expression',
  'additive_expression',
  'multiplicative_expression',
  'format_expression',
  'range_expression',
  'logical_argument_expression',
  'bitwise_argument_expression',
  'comparison_argument_expression',
  'additive_argument_expression',
  'multiplicative_argument_expression',
  'format_argument_expression',
  'range_argument_expression',
]);

function evalNode(node: Node, ctx: EvalContext, depth: number): Value | undefined {
  const type = node.type;
  if (BINARY.has(type) && node.childCount >= 3) return evalBinaryChain(node, ctx, depth);
  switch (type) {
    case 'verbatim_string_characters':
      return str(verbatim(textOf(ctx, node)));
    case 'verbatim_here_string_characters':
      return str(hereString(textOf(ctx, node)));
    case 'expandable_string_literal':
    case 'expandable_here_string_literal':
      return expandable(node, ctx, depth);
    case 'decimal_integer_literal':
    case 'hexadecimal_integer_literal':
      return integer(textOf(ctx, node));
    case 'real_literal': {
      const n = Number(textOf(ctx, node).replace(/[dm]$/i, ''));
      return Number.isFinite(n) ? num(n) : undefined;
    }
    case 'variable':
    case 'braced_variable':
      return lookupVariable(textOf(ctx, node), ctx);
    case 'parenthesized_expression':
    case 'sub_expression': {
      const inner = named(node);
      return inner.length === 1 ? evaluate(inner[0], ctx, depth + 1) : undefined;
    }
    case 'array_expression': {
      const inner = named(node);
      if (inner.length === 0) return { t: 'arr', v: [] };
      if (inner.length > 1) return undefined;
      const v = evaluate(inner[0], ctx, depth + 1);
      return v ? { t: 'arr', v: toArr(v) ?? [] } : undefined;
    }
    case 'array_literal_expression':
    case 'argument_expression_list': {
      const items = named(node);
      if (items.length === 1) return evaluate(items[0], ctx, depth + 1);
      if (items.length > MAX_ARRAY) return undefined;
      const out: Value[] = [];
      for (const it of items) {
        const v = evaluate(it, ctx, depth + 1);
        if (!v) return undefined;
        out.push(v);
      }
      return { t: 'arr', v: out };
    }
    case 'pipeline_chain':
      return evalPipelineChain(node, ctx, depth);
    case 'expression_with_unary_operator':
      return evalUnary(node, ctx, depth);
    case 'cast_expression': {
      const [t, operand] = named(node);
      if (!t || !operand) return undefined;
      const v = evaluate(operand, ctx, depth + 1);
      return v ? cast(typeName(textOf(ctx, t)), v, ctx) : undefined;
    }
    case 'type_literal':
      return { t: 'type', v: textOf(ctx, node).slice(1, -1).replace(/[\s`]/g, '') };
    case 'member_access':
      return evalMemberAccess(node, ctx, depth);
    case 'invokation_expression':
      return evalInvocation(node, ctx, depth);
    case 'element_access':
      return evalElementAccess(node, ctx, depth);
    case 'command':
      return evalCommand(node, ctx, depth);
    case 'path_command_name': {
      const inner = named(node);
      return inner.length === 1 && inner[0].type === 'variable' ? evaluate(inner[0], ctx, depth + 1) : undefined;
    }
    default:
      if (PASS_THROUGH.has(type)) {
        const inner = named(node);
        return inner.length === 1 ? evaluate(inner[0], ctx, depth + 1) : undefined;
      }
      return undefined;
  }
}

// ---- literals --------------------------------------------------------------------------------

function verbatim(text: string): string {
  return text.slice(1, -1).replace(/(['\u2018\u2019\u201a\u201b])['\u2018\u2019\u201a\u201b]/g, '$1');
}

function hereString(text: string): string {
  return text.replace(/^@['"\u2018\u2019\u201c\u201d][ \t]*\r?\n/, '').replace(/\r?\n['"\u2018\u2019\u201c\u201d]@$/, '');
}

function integer(text: string): Value | undefined {
  const m = /^(0x[0-9a-f]+|\d+)(?:u?[lsy]|n|d|u)?(kb|mb|gb|tb|pb)?$/i.exec(text);
  if (!m) return undefined;
  const base = m[1].toLowerCase().startsWith('0x') ? parseInt(m[1], 16) : Number(m[1]);
  const mult = { kb: 2 ** 10, mb: 2 ** 20, gb: 2 ** 30, tb: 2 ** 40, pb: 2 ** 50 }[m[2]?.toLowerCase() ?? ''] ?? 1;
  return num(base * mult);
}

const ESCAPES: Record<string, string> = { '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** A double-quoted string: backtick escapes, `""`, and embedded $var / $(...) values. */
function expandable(node: Node, ctx: EvalContext, depth: number): Value | undefined {
  const text = textOf(ctx, node);
  const here = node.type === 'expandable_here_string_literal';
  const open = here ? (text.match(/^@["\u201c\u201d][ \t]*\r?\n/)?.[0].length ?? 2) : 1;
  const close = here ? (text.match(/\r?\n["\u201c\u201d]@$/)?.[0].length ?? 2) : 1;
  const parts = named(node);
  let out = '';
  let i = node.startIndex + open;
  const end = node.endIndex - close;
  let p = 0;
  while (i < end) {
    if (p < parts.length && parts[p].startIndex <= i) {
      const part = parts[p++];
      if (part.startIndex < i) continue;
      const v = evaluate(part, ctx, depth + 1);
      const s = v ? toStr(v) : undefined;
      if (s === undefined) return undefined;
      out += s;
      i = part.endIndex;
      continue;
    }
    const c = ctx.source[i];
    if (c === '`' && i + 1 < end) {
      const e = ctx.source[i + 1];
      if (e === 'u' && ctx.source[i + 2] === '{') {
        const m = /^\{([0-9a-f]{1,6})\}/i.exec(ctx.source.slice(i + 2, i + 10));
        if (m) {
          out += String.fromCodePoint(Math.min(parseInt(m[1], 16), 0x10ffff));
          i += 2 + m[0].length;
          continue;
        }
      }
      if (e in ESCAPES) out += ESCAPES[e];
      else {
        out += e;
        if (/[a-z0-9]/i.test(e)) ctx.notes.add('backtick');
      }
      i += 2;
      continue;
    }
    if (!here && (c === '"' || c === '\u201c' || c === '\u201d') && i + 1 < end && /["\u201c\u201d]/.test(ctx.source[i + 1])) {
      out += c;
      i += 2;
      continue;
    }
    out += c;
    i++;
    if (out.length > MAX_STRING) return undefined;
  }
  return str(out);
}

function lookupVariable(text: string, ctx: EvalContext): Value | undefined {
  const name = variableName(text);
  const known = ctx.vars.get(name);
  if (known) {
    if (name !== '_') ctx.notes.add('variable');
    return known;
  }
  if (name in FIXED_VARIABLES && !ctx.assigned.has(name)) {
    const f = FIXED_VARIABLES[name];
    return f === null ? { t: 'null' } : typeof f === 'boolean' ? { t: 'bool', v: f } : str(f);
  }
  if (name === 'executioncontext') return { t: 'host', v: 'executioncontext' };
  return undefined;
}

// ---- operators -------------------------------------------------------------------------------

/**
 * `a + b + c` nests to the left; walk the chain iteratively so long concatenations stay shallow.
 * Every prefix of the chain is memoised too: the rewriter asks for each nested prefix in turn
 * when the whole chain does not fold (`$unknown + 'a' + 'b' ...`), and re-walking each prefix
 * made that quadratic (a 6,000-term line took seconds). With the memo the walk stops at the
 * first prefix already known, so a chain costs linear work in all.
 */
function evalBinaryChain(node: Node, ctx: EvalContext, depth: number): Value | undefined {
  const memoised = ctx.unmemoised === 0;
  const spine: Node[] = [];
  const ops: [string, Node][] = [];
  let left: Node = node;
  while (BINARY.has(left.type) && left.childCount >= 3 && ops.length < MAX_ARRAY) {
    if (left !== node && memoised && ctx.memo.has(left.id)) break; // evaluate() answers it from the memo
    const c = kids(left);
    spine.push(left);
    ops.push([textOf(ctx, c[1]).toLowerCase(), c[2]]);
    left = c[0];
    if (--ctx.steps < 0) return undefined;
  }
  let acc = evaluate(left, ctx, depth + 1);
  for (let k = ops.length - 1; k >= 0; k--) {
    if (acc) {
      const [op, rightNode] = ops[k];
      const right = evaluate(rightNode, ctx, depth + 1);
      acc = right ? binaryValue(op, acc, right, ctx) : undefined;
      if (acc && !withinLimits(acc)) acc = undefined;
    }
    // spine[0] is `node` itself, which evaluate() memoises; an unknown prefix makes every
    // longer prefix unknown, so those are recorded without evaluating their right operands.
    if (k > 0 && memoised) ctx.memo.set(spine[k].id, acc ?? null);
  }
  return acc;
}

/** Applies a binary operator (`+`, `-f`, `-join`, `-replace`, ...) to two known values. */
export function binaryValue(op: string, l: Value, r: Value, ctx: EvalContext): Value | undefined {
  switch (op) {
    case '+':
      return add(l, r, ctx);
    case '-':
    case '*':
    case '/':
    case '%': {
      if (op === '*' && (l.t === 'str' || l.t === 'arr')) return repeat(l, r);
      const a = toNum(l),
        b = toNum(r);
      if (a === undefined || b === undefined) return undefined;
      if ((op === '/' || op === '%') && b === 0) return undefined;
      return num(op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b : a % b);
    }
    case '-f': {
      ctx.notes.add('format');
      return formatOp(l, r);
    }
    case '..': {
      const a = toNum(l),
        b = toNum(r);
      if (a === undefined || b === undefined || Math.abs(b - a) >= MAX_ARRAY) return undefined;
      const out: Value[] = [];
      for (let i = a; a <= b ? i <= b : i >= b; i += a <= b ? 1 : -1) out.push(num(i));
      return { t: 'arr', v: out };
    }
    case '-bxor':
    case '-band':
    case '-bor': {
      const a = toNum(l),
        b = toNum(r);
      if (a === undefined || b === undefined || !Number.isInteger(a) || !Number.isInteger(b)) return undefined;
      if (op === '-bxor') ctx.notes.add('xor');
      return num(op === '-bxor' ? a ^ b : op === '-band' ? a & b : a | b);
    }
    case '-join': {
      const items = toArr(l),
        sep = toStr(r);
      if (!items || sep === undefined) return undefined;
      ctx.notes.add('join');
      return joinValues(items, sep, ctx);
    }
    case '-split':
    case '-isplit':
    case '-csplit': {
      const s = toStr(l);
      const [pattern, max] = toArr(r) ?? [];
      const p = pattern ? toStr(pattern) : undefined;
      if (s === undefined || p === undefined) return undefined;
      const re = safeRegex(p, op === '-csplit' ? 'g' : 'gi', s.length);
      if (!re) return undefined;
      ctx.notes.add('split');
      const limit = max ? toNum(max) : undefined;
      const parts = splitRegex(s, re, limit);
      return parts ? { t: 'arr', v: parts.map(str) } : undefined;
    }
    case '-replace':
    case '-ireplace':
    case '-creplace': {
      const s = toStr(l);
      const args = toArr(r) ?? [];
      const p = args[0] ? toStr(args[0]) : undefined;
      const rep = args[1] ? toStr(args[1]) : '';
      if (s === undefined || p === undefined || rep === undefined || args.length > 2) return undefined;
      const re = safeRegex(p, op === '-creplace' ? 'g' : 'gi', s.length);
      if (!re) return undefined;
      ctx.notes.add('replace');
      return str(s.replace(re, rep.replace(/\$\{(\w+)\}/g, '$<$1>')));
    }
    default:
      return undefined;
  }
}

function add(l: Value, r: Value, ctx: EvalContext): Value | undefined {
  if (l.t === 'str' || l.t === 'match' || (l.t === 'char' && (r.t === 'str' || r.t === 'char'))) {
    // A leading [char] chain is numeric in PowerShell; obfuscators only use it inside a string
    // context, so we keep the readable spelling (documented trade-off).
    const a = toStr(l),
      b = toStr(r);
    if (a === undefined || b === undefined || a.length + b.length > MAX_STRING) return undefined;
    ctx.notes.add(l.t === 'char' && r.t === 'char' ? 'char-codes' : 'concat');
    return str(a + b);
  }
  if (l.t === 'arr') {
    const extra = r.t === 'arr' ? r.v : [r];
    return l.v.length + extra.length > MAX_ARRAY ? undefined : { t: 'arr', v: [...l.v, ...extra] };
  }
  if (l.t === 'null') return r;
  const a = toNum(l),
    b = toNum(r);
  return a === undefined || b === undefined ? undefined : num(a + b);
}

function repeat(l: Value, r: Value): Value | undefined {
  const n = toNum(r);
  if (n === undefined || !Number.isInteger(n) || n < 0) return undefined;
  if (l.t === 'str') return l.v.length * n > MAX_STRING ? undefined : str(l.v.repeat(n));
  if (l.t === 'arr') return l.v.length * n > MAX_ARRAY ? undefined : { t: 'arr', v: Array.from({ length: n }, () => l.v).flat() };
  return undefined;
}

function joinValues(items: Value[], sep: string, ctx?: EvalContext): Value | undefined {
  if (ctx && items.length >= 3 && items.every((it) => it.t === 'char')) ctx.notes.add('char-codes');
  const parts: string[] = [];
  let size = 0;
  for (const it of items) {
    const s = toStr(it);
    if (s === undefined) return undefined;
    size += s.length + sep.length;
    if (size > MAX_STRING) return undefined;
    parts.push(s);
  }
  return str(parts.join(sep));
}

/** .NET composite formatting: {index[,alignment][:format]} with {{ and }} escapes. */
export function formatString(fmt: string, args: Value[]): string | undefined {
  let out = '';
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if (c === '{' && fmt[i + 1] === '{') {
      out += '{';
      i++;
      continue;
    }
    if (c === '}' && fmt[i + 1] === '}') {
      out += '}';
      i++;
      continue;
    }
    if (c === '}') return undefined;
    if (c !== '{') {
      out += c;
      continue;
    }
    const m = /^\{\s*(\d+)\s*(?:,\s*(-?\d+)\s*)?(?::([^}]*))?\}/.exec(fmt.slice(i, i + 64));
    if (!m) return undefined;
    const arg = args[Number(m[1])];
    if (!arg) return undefined;
    let s: string | undefined;
    const spec = m[3] ?? '';
    const n = arg.t === 'num' ? arg.v : undefined;
    if (n !== undefined && /^x\d*$/i.test(spec)) {
      const hex = n.toString(16);
      s = (spec[0] === 'X' ? hex.toUpperCase() : hex.toLowerCase()).padStart(Number(spec.slice(1) || 0), '0');
    } else if (n !== undefined && /^d\d*$/i.test(spec)) s = String(n).padStart(Number(spec.slice(1) || 0), '0');
    else s = toStr(arg);
    if (s === undefined) return undefined;
    const align = m[2] ? Number(m[2]) : 0;
    if (Math.abs(align) > 1000) return undefined;
    s = align > 0 ? s.padStart(align) : align < 0 ? s.padEnd(-align) : s;
    out += s;
    if (out.length > MAX_STRING) return undefined;
    i += m[0].length - 1;
  }
  return out;
}

function formatOp(l: Value, r: Value): Value | undefined {
  const fmt = toStr(l);
  const args = r.t === 'arr' ? r.v : [r];
  if (fmt === undefined) return undefined;
  const out = formatString(fmt, args);
  return out === undefined ? undefined : str(out);
}

/**
 * A regex from the script, only if it cannot backtrack badly: no groups with quantifiers, no
 * back-references or lookarounds, at most one quantifier (and then only on short input).
 */
export function safeRegex(pattern: string, flags: string, inputLength: number): RegExp | undefined {
  if (pattern.length > 200) return undefined;
  if (/\\[1-9k]|\(\?[<=!]|\(\?<?[=!]/.test(pattern)) return undefined;
  if (/\)[*+?{]/.test(pattern)) return undefined;
  const quantifiers = (
    pattern
      .replace(/\\./g, '')
      .replace(/\[[^\]]*\]/g, 'x')
      .match(/[*+?]|\{\d/g) ?? []
  ).length;
  if (quantifiers > 1 || (quantifiers === 1 && inputLength > 4096)) return undefined;
  try {
    return new RegExp(pattern, flags);
  } catch {
    return undefined; // .NET syntax JavaScript does not share
  }
}

function splitRegex(s: string, re: RegExp, limit?: number): string[] | undefined {
  const parts = s.split(re);
  if (parts.length > MAX_ARRAY) return undefined;
  if (limit && limit > 0 && parts.length > limit) {
    const head = parts.slice(0, limit - 1);
    // Rejoin the tail from the original text: find where the (limit-1)th separator ended.
    let idx = 0,
      count = 0;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while (count < limit - 1 && (m = re.exec(s)) !== null) {
      idx = m.index + m[0].length;
      count++;
      if (m[0].length === 0) re.lastIndex++;
    }
    return [...head, s.slice(idx)];
  }
  return parts;
}

function evalUnary(node: Node, ctx: EvalContext, depth: number): Value | undefined {
  const c = kids(node);
  if (c.length === 1) return evaluate(c[0], ctx, depth + 1);
  const op = textOf(ctx, c[0]).toLowerCase();
  const operand = c[c.length - 1];
  const v = evaluate(operand, ctx, depth + 1);
  if (!v) return undefined;
  switch (op) {
    case '-join': {
      const items = toArr(v);
      if (!items) return undefined;
      ctx.notes.add('join');
      return joinValues(items, '', ctx);
    }
    case '-split': {
      const s = toStr(v);
      return s === undefined ? undefined : { t: 'arr', v: s.trim().split(/\s+/).filter(Boolean).map(str) };
    }
    case '-': {
      const n = toNum(v);
      return n === undefined ? undefined : num(-n);
    }
    case '+': {
      const n = toNum(v);
      return n === undefined ? undefined : num(n);
    }
    case '-bnot': {
      const n = toNum(v);
      return n === undefined ? undefined : num(~n);
    }
    case '!':
    case '-not':
      return { t: 'bool', v: !truthy(v) };
    case ',':
      return { t: 'arr', v: [v] };
    default:
      return undefined;
  }
}

function truthy(v: Value): boolean {
  switch (v.t) {
    case 'bool':
      return v.v;
    case 'null':
      return false;
    case 'num':
      return v.v !== 0;
    case 'str':
      return v.v.length > 0;
    case 'arr':
      return v.v.length > 0;
    default:
      return true;
  }
}

// ---- casts, members, methods ----------------------------------------------------------------

const ENCODINGS: Record<string, Encoding> = {
  unicode: 'utf16le',
  utf8: 'utf8',
  ascii: 'ascii',
  bigendianunicode: 'utf16be',
  utf32: 'utf32',
  default: 'latin1',
};

function cast(type: string, v: Value, ctx: EvalContext): Value | undefined {
  switch (type) {
    case 'char':
      return toChar(v);
    case 'char[]': {
      if (v.t === 'str')
        return v.v.length > MAX_ARRAY ? undefined : { t: 'arr', v: Array.from(v.v, (ch) => ({ t: 'char', v: ch }) as Value) };
      const items = toArr(v);
      if (!items) return undefined;
      const out: Value[] = [];
      for (const it of items) {
        const c = toChar(it);
        if (!c) return undefined;
        out.push(c);
      }
      if (items.length >= 3 && items.every((it) => it.t === 'num')) ctx.notes.add('char-codes');
      return { t: 'arr', v: out };
    }
    case 'string': {
      const s = toStr(v);
      return s === undefined ? undefined : str(s);
    }
    case 'string[]': {
      const items = toArr(v);
      if (!items) return undefined;
      const out = items.map(toStr);
      return out.every((s) => s !== undefined) ? { t: 'arr', v: out.map((s) => str(s!)) } : undefined;
    }
    case 'int':
    case 'int32':
    case 'int16':
    case 'int64':
    case 'long':
    case 'short':
    case 'uint32':
    case 'uint16':
    case 'uint64':
    case 'double':
    case 'decimal':
    case 'single':
    case 'float': {
      const n = v.t === 'char' ? v.v.charCodeAt(0) : toNum(v);
      if (n === undefined) return undefined;
      return num(/^(?:double|decimal|single|float)$/.test(type) ? n : bankersRound(n));
    }
    case 'byte': {
      const n = toNum(v);
      return n !== undefined && n >= 0 && n <= 255 ? num(bankersRound(n)) : undefined;
    }
    case 'byte[]': {
      const b = toBytes(v);
      return b ? { t: 'bytes', v: b } : undefined;
    }
    case 'int[]':
    case 'int32[]': {
      const items = toArr(v);
      if (!items) return undefined;
      const out = items.map((it) => (it.t === 'char' ? it.v.charCodeAt(0) : toNum(it)));
      return out.every((n) => n !== undefined) ? { t: 'arr', v: out.map((n) => num(n!)) } : undefined;
    }
    case 'array':
    case 'object[]':
      return { t: 'arr', v: toArr(v) ?? [] };
    case 'type': {
      const s = toStr(v);
      return s !== undefined && /^[\w.`+]+$/.test(s) ? { t: 'type', v: s } : undefined;
    }
    case 'io.memorystream': {
      const b = toBytes(v);
      return b ? { t: 'stream', v: b } : undefined;
    }
    case 'regex':
      return v;
    default:
      return undefined;
  }
}

function bankersRound(n: number): number {
  const r = Math.round(n);
  return Math.abs(n % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function memberName(node: Node | undefined, ctx: EvalContext, depth: number): string | undefined {
  if (!node) return undefined;
  if (node.type === 'member_name') {
    const inner = named(node);
    if (inner.length === 1 && inner[0].type !== 'simple_name') {
      const v = evaluate(inner[0], ctx, depth + 1);
      return v ? toStr(v)?.toLowerCase() : undefined;
    }
  }
  return textOf(ctx, node)
    .replace(/`/g, '')
    .replace(/^['"]|['"]$/g, '')
    .toLowerCase();
}

function evalMemberAccess(node: Node, ctx: EvalContext, depth: number): Value | undefined {
  const c = kids(node);
  const [objNode, opNode, nameNode] = [c[0], c[1], c[c.length - 1]];
  if (!objNode || !opNode || !nameNode) return undefined;
  const name = memberName(nameNode, ctx, depth);
  if (!name) return undefined;
  const typeValue = textOf(ctx, opNode) === '::' && objNode.type !== 'type_literal' ? evaluate(objNode, ctx, depth + 1) : undefined;
  if (textOf(ctx, opNode) === '::' && (objNode.type === 'type_literal' || typeValue?.t === 'type')) {
    const type = typeValue?.t === 'type' ? typeName(typeValue.v) : typeName(textOf(ctx, objNode));
    if (type === 'text.encoding' && name in ENCODINGS) return { t: 'enc', v: ENCODINGS[name] };
    if (type === 'io.compression.compressionmode') return str(name === 'decompress' ? 'Decompress' : 'Compress');
    return undefined;
  }
  const obj = evaluate(objNode, ctx, depth + 1);
  if (!obj) return undefined;
  return instanceMember(obj, name);
}

function instanceMember(obj: Value, name: string): Value | undefined {
  if (name === 'length' || name === 'count') {
    if (obj.t === 'str') return num(obj.v.length);
    if (obj.t === 'arr') return num(obj.v.length);
    if (obj.t === 'bytes') return num(obj.v.length);
  }
  if (obj.t === 'psvar' && name === 'value') return obj.value;
  if (obj.t === 'psvar' && name === 'name') return str(obj.name);
  if (obj.t === 'match' && name === 'value') return str(obj.v);
  if (obj.t === 'host') {
    if (obj.v === 'executioncontext' && name === 'invokecommand') return { t: 'host', v: 'invokecommand' };
    if (obj.v === 'executioncontext' && name === 'sessionstate') return { t: 'host', v: 'sessionstate' };
    if (obj.v === 'sessionstate' && name === 'psvariable') return { t: 'host', v: 'psvariable' };
  }
  if (obj.t === 'arr' && obj.v.length > 0 && obj.v.length <= MAX_ARRAY) {
    // Member enumeration: ($matches).Value reads each element's member.
    const out: Value[] = [];
    for (const e of obj.v) {
      const m = instanceMember(e, name);
      if (!m) return undefined;
      out.push(m);
    }
    return { t: 'arr', v: out };
  }
  return undefined;
}

function argumentValues(listNode: Node | undefined, ctx: EvalContext, depth: number): Value[] | undefined {
  if (!listNode) return [];
  const list = named(listNode).find((n) => n.type === 'argument_expression_list');
  if (!list) return [];
  const out: Value[] = [];
  for (const a of named(list)) {
    const v = evaluate(a, ctx, depth + 1);
    if (!v) return undefined;
    out.push(v);
  }
  return out;
}

function evalInvocation(node: Node, ctx: EvalContext, depth: number): Value | undefined {
  const c = kids(node);
  return evalCall(
    c[0],
    c[1],
    c.find((n) => n.type === 'member_name'),
    c.find((n) => n.type === 'argument_list'),
    ctx,
    depth,
  );
}

/**
 * In argument mode the grammar splits `(expr).Method(args)` into a member access and a separate
 * argument list; evaluate the pair as the call it is.
 */
export function evaluateSplitCall(access: Node, argsNode: Node, ctx: EvalContext, depth = 0): Value | undefined {
  const m = core(access);
  if (m.type !== 'member_access' || argsNode.type !== 'argument_list') return undefined;
  const c = kids(m);
  return evalCall(c[0], c[1], c[c.length - 1], argsNode, ctx, depth);
}

function evalCall(
  objNode: Node | undefined,
  opNode: Node | undefined,
  nameNode: Node | undefined,
  argsNode: Node | undefined,
  ctx: EvalContext,
  depth: number,
): Value | undefined {
  if (!objNode || !opNode || !nameNode) return undefined;
  const method = memberName(nameNode, ctx, depth);
  if (!method) return undefined;
  const args = argumentValues(argsNode, ctx, depth);
  if (!args) return undefined;
  // `X::('jo'+'in').Invoke(a, b)` and `$o.('Rep'+'lace').Invoke(a, b)` call the named method.
  if (method === 'invoke' && objNode.type === 'member_access') {
    const m = kids(objNode);
    const inner = memberName(m[m.length - 1], ctx, depth);
    if (inner && m[0] && m[1]) {
      if (textOf(ctx, m[1]) === '::') {
        const tv =
          m[0].type === 'type_literal' ? ({ t: 'type', v: textOf(ctx, m[0]).slice(1, -1) } as Value) : evaluate(m[0], ctx, depth + 1);
        return tv && tv.t === 'type' ? staticCall(typeName(tv.v), inner, args, ctx) : undefined;
      }
      const target = evaluate(m[0], ctx, depth + 1);
      return target ? instanceCall(target, inner, args, ctx) : undefined;
    }
  }
  if (textOf(ctx, opNode) === '::' && objNode.type === 'type_literal') return staticCall(typeName(textOf(ctx, objNode)), method, args, ctx);
  const obj = evaluate(objNode, ctx, depth + 1);
  if (obj && obj.t === 'type' && textOf(ctx, opNode) === '::') return staticCall(typeName(obj.v), method, args, ctx);
  return obj ? instanceCall(obj, method, args, ctx) : undefined;
}

function staticCall(type: string, method: string, args: Value[], ctx: EvalContext): Value | undefined {
  const s0 = args[0] ? toStr(args[0]) : undefined;
  switch (`${type}::${method}`) {
    case 'string::join': {
      const sep = s0;
      if (sep === undefined) return undefined;
      const items = args.length === 2 ? toArr(args[1]) : args.slice(1);
      if (!items) return undefined;
      ctx.notes.add('join');
      return joinValues(items, sep, ctx);
    }
    case 'string::concat': {
      const items = args.flatMap((a) => (a.t === 'arr' ? a.v : [a]));
      ctx.notes.add('concat');
      return joinValues(items, '', ctx);
    }
    case 'string::format': {
      if (s0 === undefined) return undefined;
      ctx.notes.add('format');
      const r = formatString(s0, args.length === 2 && args[1].t === 'arr' ? args[1].v : args.slice(1));
      return r === undefined ? undefined : str(r);
    }
    case 'string::new': {
      const items = args.length === 1 ? toArr(args[0]) : undefined;
      return items ? joinValues(items, '') : undefined;
    }
    case 'convert::frombase64string': {
      if (s0 === undefined) return undefined;
      const cleaned = s0.replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(cleaned) || cleaned.length % 4 === 1) return undefined;
      ctx.notes.add('base64');
      return { t: 'bytes', v: new Uint8Array(Buffer.from(cleaned, 'base64')) };
    }
    case 'convert::tobase64string': {
      const b = args[0] ? toBytes(args[0]) : undefined;
      return b ? str(Buffer.from(b).toString('base64')) : undefined;
    }
    case 'convert::tochar':
      return args[0] ? toChar(args[0]) : undefined;
    case 'convert::tostring':
      return args[0]
        ? (() => {
            const s = toStr(args[0]);
            return s === undefined ? undefined : str(s);
          })()
        : undefined;
    case 'convert::toint16':
    case 'convert::toint32':
    case 'convert::toint64':
    case 'convert::tobyte':
    case 'convert::touint16':
    case 'convert::touint32':
    case 'convert::tosbyte': {
      if (args.length === 2) {
        const base = toNum(args[1]);
        if (s0 === undefined || ![2, 8, 10, 16].includes(base ?? 0) || !/^[0-9a-f]+$/i.test(s0.replace(/^0x/i, ''))) return undefined;
        return num(parseInt(s0.replace(/^0x/i, ''), base));
      }
      const n = args[0] ? (args[0].t === 'char' ? args[0].v.charCodeAt(0) : toNum(args[0])) : undefined;
      return n === undefined ? undefined : num(bankersRound(n));
    }
    case 'char::convertfromutf32': {
      const n = args[0] ? toNum(args[0]) : undefined;
      return n !== undefined && n >= 0 && n <= 0x10ffff ? str(String.fromCodePoint(n)) : undefined;
    }
    case 'char::tostring': {
      const c = args[0] ? toChar(args[0]) : undefined;
      return c ? str(c.v) : undefined;
    }
    case 'text.encoding::getencoding': {
      const id = s0?.toLowerCase();
      const map: Record<string, Encoding> = {
        '65001': 'utf8',
        'utf-8': 'utf8',
        '1200': 'utf16le',
        'utf-16': 'utf16le',
        unicode: 'utf16le',
        '1201': 'utf16be',
        '1252': 'latin1',
        'windows-1252': 'latin1',
        '28591': 'latin1',
        'iso-8859-1': 'latin1',
        '20127': 'ascii',
        'us-ascii': 'ascii',
        ascii: 'ascii',
        '12000': 'utf32',
        'utf-32': 'utf32',
      };
      return id && map[id] ? { t: 'enc', v: map[id] } : undefined;
    }
    case 'regex::matches': {
      const pattern = args[1] ? toStr(args[1]) : undefined;
      const options = args[2] ? (toStr(args[2])?.toLowerCase() ?? '') : '';
      if (s0 === undefined || pattern !== '.' || s0.length > MAX_ARRAY) return undefined;
      const chars = Array.from(s0.replace(/\n/g, ''));
      if (options.includes('righttoleft')) {
        chars.reverse();
        ctx.notes.add('reverse');
      }
      return { t: 'arr', v: chars.map((ch) => ({ t: 'match', v: ch }) as Value) };
    }
    case 'scriptblock::create': {
      if (s0 === undefined) return undefined;
      ctx.notes.add('scriptblock');
      return { t: 'sb', v: s0 };
    }
    default:
      return undefined;
  }
}

function instanceCall(obj: Value, method: string, args: Value[], ctx: EvalContext): Value | undefined {
  if (obj.t === 'enc') {
    if (method === 'getstring') {
      const b = args[0] ? toBytes(args[0]) : undefined;
      if (!b) return undefined;
      const start = args[1] ? (toNum(args[1]) ?? 0) : 0;
      const count = args[2] ? (toNum(args[2]) ?? b.length - start) : b.length - start;
      ctx.notes.add('decode');
      const s = decodeBytes(b.subarray(start, start + count), obj.v);
      return s === undefined ? undefined : str(s);
    }
    if (method === 'getbytes') {
      const s = args[0] ? toStr(args[0]) : undefined;
      return s === undefined ? undefined : { t: 'bytes', v: encodeString(s, obj.v) };
    }
    return undefined;
  }
  if (obj.t === 'stream' && method === 'readtoend' && obj.reader) {
    const s = decodeBytes(obj.v, obj.reader);
    return s === undefined ? undefined : str(s);
  }
  if (obj.t === 'stream' && method === 'toarray') return { t: 'bytes', v: obj.v };
  if (obj.t === 'host') {
    const s0 = args[0] ? toStr(args[0]) : undefined;
    if (obj.v === 'invokecommand' && s0 !== undefined) {
      if (method === 'newscriptblock') {
        ctx.notes.add('scriptblock');
        return { t: 'sb', v: s0 };
      }
      if (/^get(?:cmdlets?|command|commandname|commands)$/.test(method)) return commandByWildcard(s0, ctx);
    }
    if (obj.v === 'psvariable' && method === 'getvalue' && s0 !== undefined) return ctx.vars.get(variableName(s0));
    return undefined;
  }
  if (obj.t === 'sb' && method === 'tostring') return str(obj.v);
  if (obj.t === 'match' && method === 'tostring') return str(obj.v);
  if (obj.t === 'num' && method === 'tostring') {
    const s = toStr(obj);
    return s === undefined ? undefined : str(s);
  }
  if (obj.t === 'char' && method === 'tostring') return str(obj.v);
  if (obj.t === 'arr' && method === 'tostring') return str('System.Object[]');
  if (obj.t !== 'str') return undefined;
  return stringMethod(obj.v, method, args, ctx);
}

function stringMethod(s: string, method: string, args: Value[], ctx: EvalContext): Value | undefined {
  const a0 = args[0] ? toStr(args[0]) : undefined;
  const n0 = args[0] ? toNum(args[0]) : undefined;
  const n1 = args[1] ? toNum(args[1]) : undefined;
  const result = (v: string | undefined) => (v === undefined ? undefined : str(v));
  ctx.notes.add('string-method');
  switch (method) {
    case 'replace': {
      const b = args[1] ? toStr(args[1]) : undefined;
      if (a0 === undefined || b === undefined || a0 === '' || args.length !== 2) return undefined;
      ctx.notes.add('replace');
      const out = s.split(a0).join(b);
      return out.length > MAX_STRING ? undefined : str(out);
    }
    case 'tolower':
    case 'tolowerinvariant':
      return str(s.toLowerCase());
    case 'toupper':
    case 'toupperinvariant':
      return str(s.toUpperCase());
    case 'tostring':
    case 'normalize':
    case 'clone':
      return str(s);
    case 'trim':
    case 'trimstart':
    case 'trimend': {
      const chars = args.length ? args.map((a) => toStr(a) ?? '').join('') : ' \t\r\n\v\f';
      let i = 0,
        j = s.length;
      if (method !== 'trimend') while (i < j && chars.includes(s[i])) i++;
      if (method !== 'trimstart') while (j > i && chars.includes(s[j - 1])) j--;
      return str(s.slice(i, j));
    }
    case 'substring': {
      if (n0 === undefined || n0 < 0 || n0 > s.length) return undefined;
      if (n1 !== undefined && (n1 < 0 || n0 + n1 > s.length)) return undefined;
      return str(n1 === undefined ? s.slice(n0) : s.slice(n0, n0 + n1));
    }
    case 'insert': {
      const b = args[1] ? toStr(args[1]) : undefined;
      return n0 !== undefined && b !== undefined && n0 >= 0 && n0 <= s.length ? str(s.slice(0, n0) + b + s.slice(n0)) : undefined;
    }
    case 'remove': {
      if (n0 === undefined || n0 < 0 || n0 > s.length) return undefined;
      return str(n1 === undefined ? s.slice(0, n0) : s.slice(0, n0) + s.slice(n0 + n1));
    }
    case 'split': {
      const seps = args.length ? args.map((a) => toStr(a) ?? '').join('') : ' ';
      if (!seps) return undefined;
      ctx.notes.add('split');
      const parts: string[] = [];
      let cur = '';
      for (const ch of s) {
        if (seps.includes(ch)) {
          parts.push(cur);
          cur = '';
        } else cur += ch;
      }
      parts.push(cur);
      return parts.length > MAX_ARRAY ? undefined : { t: 'arr', v: parts.map(str) };
    }
    case 'tochararray':
      return s.length > MAX_ARRAY ? undefined : { t: 'arr', v: Array.from(s, (ch) => ({ t: 'char', v: ch }) as Value) };
    case 'padleft':
    case 'padright': {
      const fill = args[1] ? (toStr(args[1]) ?? ' ') : ' ';
      if (n0 === undefined || n0 > 100_000) return undefined;
      return result(method === 'padleft' ? s.padStart(n0, fill) : s.padEnd(n0, fill));
    }
    case 'indexof':
      return a0 === undefined ? undefined : num(s.indexOf(a0));
    case 'lastindexof':
      return a0 === undefined ? undefined : num(s.lastIndexOf(a0));
    case 'contains':
      return a0 === undefined ? undefined : { t: 'bool', v: s.includes(a0) };
    case 'startswith':
      return a0 === undefined ? undefined : { t: 'bool', v: s.startsWith(a0) };
    case 'endswith':
      return a0 === undefined ? undefined : { t: 'bool', v: s.endsWith(a0) };
    case 'chars':
      return n0 !== undefined && n0 >= 0 && n0 < s.length ? { t: 'char', v: s[n0] } : undefined;
    default:
      return undefined;
  }
}

function evalElementAccess(node: Node, ctx: EvalContext, depth: number): Value | undefined {
  const c = kids(node);
  const objNode = c[0];
  const idxNode = c.find((n, i) => i > 0 && n.isNamed);
  if (!objNode || !idxNode) return undefined;
  const obj = evaluate(objNode, ctx, depth + 1);
  const idx = evaluate(idxNode, ctx, depth + 1);
  if (!obj || !idx) return undefined;
  // Picking letters out of $PSHome, $ShellId, $env:ComSpec ... only ever spells a hidden word.
  if (
    /\$(?:env:)?(?:shellid|pshome|comspec|verbosepreference|debugpreference|erroractionpreference|warningpreference|confirmpreference|progresspreference|windir|systemroot)\b/i.test(
      textOf(ctx, objNode),
    )
  )
    ctx.notes.add('special-variable');
  const seq: Value[] | undefined =
    obj.t === 'str'
      ? obj.v.length > MAX_ARRAY
        ? undefined
        : Array.from(obj.v, (ch) => ({ t: 'char', v: ch }) as Value)
      : obj.t === 'arr'
        ? obj.v
        : obj.t === 'bytes'
          ? toArr(obj)
          : undefined;
  if (!seq) return undefined;
  const at = (i: Value): Value | undefined => {
    const n = toNum(i);
    if (n === undefined || !Number.isInteger(n)) return undefined;
    const k = n < 0 ? seq.length + n : n;
    return k >= 0 && k < seq.length ? seq[k] : { t: 'null' };
  };
  if (idx.t === 'arr') {
    const out: Value[] = [];
    for (const i of idx.v) {
      const e = at(i);
      if (!e) return undefined;
      if (e.t !== 'null') out.push(e);
    }
    if (obj.t === 'str' && idx.v.length > 1 && idx.v.every((i, k) => k === 0 || (toNum(i) ?? 0) < (toNum(idx.v[k - 1]) ?? 0)))
      ctx.notes.add('reverse');
    return { t: 'arr', v: out };
  }
  return at(idx);
}

// ---- pipelines and commands -------------------------------------------------------------------

function evalPipelineChain(node: Node, ctx: EvalContext, depth: number): Value | undefined {
  const stages = named(node);
  if (stages.length === 0) return undefined;
  if (stages.length === 1) return evaluate(stages[0], ctx, depth + 1);
  let current = evaluate(stages[0], ctx, depth + 1);
  for (let i = 1; i < stages.length && current; i++) current = pipeStage(stages[i], current, ctx, depth);
  return current;
}

/** One pipeline stage fed a known value: ForEach-Object with a script block, Out-String. */
export function pipeStage(stage: Node, input: Value, ctx: EvalContext, depth: number): Value | undefined {
  if (stage.type !== 'command') return undefined;
  const cmd = commandParts(stage, ctx, depth);
  if (!cmd) return undefined;
  if (cmd.name === 'out-string') {
    const s = toStr(input);
    return s === undefined ? undefined : str(s);
  }
  if (cmd.name !== 'foreach-object') return undefined;
  const block = cmd.elements.map(core).find((e) => e.type === 'script_block_expression');
  const body = block ? scriptBlockStatement(block) : undefined;
  if (!body) return undefined;
  const items = toArr(input);
  if (!items) return undefined;
  const out: Value[] = [];
  const saved = ctx.vars.get('_');
  ctx.unmemoised++;
  try {
    for (const it of items) {
      if (ctx.steps < 0) return undefined;
      ctx.vars.set('_', it);
      const v = evaluate(body, ctx, depth + 1);
      if (!v) return undefined;
      if (v.t !== 'null') out.push(v);
    }
  } finally {
    ctx.unmemoised--;
    if (saved) ctx.vars.set('_', saved);
    else ctx.vars.delete('_');
  }
  return { t: 'arr', v: out };
}

const WRAPPERS = new Set([...PASS_THROUGH, 'array_literal_expression', 'pipeline_chain']);
WRAPPERS.delete('string_literal');
WRAPPERS.delete('integer_literal');

/** The node under a chain of single-child wrappers (array_literal_expression > unary_expression > ...). */
export function core(n: Node): Node {
  let cur = n;
  for (let i = 0; i < 40 && WRAPPERS.has(cur.type) && cur.namedChildCount === 1; i++) cur = cur.namedChild(0)!;
  return cur;
}

/**
 * In argument mode `-join ''` is a parameter and a value, though the grammar reads an operator:
 * such an element is never evaluated or folded.
 */
export function isDashWordArgument(n: Node, source: string): boolean {
  const c = core(n);
  if (c.type !== 'expression_with_unary_operator') return false;
  const op = c.child(0);
  return !!op && !op.isNamed && /^-[a-z]/i.test(source.slice(op.startIndex, op.endIndex));
}

/** The single statement inside `{ ... }`, if that is all the block holds. */
function scriptBlockStatement(block: Node): Node | undefined {
  const sb = named(block).find((n) => n.type === 'script_block');
  const body = sb ? named(sb).find((n) => n.type === 'script_block_body') : undefined;
  const list = body ? named(body).find((n) => n.type === 'statement_list') : undefined;
  const stmts = list ? named(list).filter((n) => n.type !== 'empty_statement') : [];
  return stmts.length === 1 ? stmts[0] : undefined;
}

export interface CommandParts {
  /** Resolved command (alias expanded), lower-case. */
  name: string;
  elements: Node[];
}

/** The command a `command` node runs, with its name resolved (including `& ('I'+'EX')`). */
export function commandParts(node: Node, ctx: EvalContext, depth: number): CommandParts | undefined {
  const nameNode = node.childForFieldName('command_name');
  const elementsNode = node.childForFieldName('command_elements');
  if (!nameNode) return undefined;
  let name: string | undefined;
  if (nameNode.type === 'command_name') name = textOf(ctx, nameNode).replace(/`/g, '');
  else {
    const v = evaluate(nameNode, ctx, depth + 1);
    name = v && (v.t === 'str' || v.t === 'char') ? v.v : undefined;
  }
  if (!name) return undefined;
  const elements = elementsNode ? named(elementsNode).filter((n) => n.type !== 'command_argument_sep') : [];
  return { name: resolveCommand(name.replace(/^.*[\\/]/, '')), elements };
}

interface CommandArgs {
  positional: Value[];
  params: Map<string, Value | true>;
}

const VALUED_PARAMS = new Set(['name', 'n', 'value', 'typename', 'argumentlist', 'args', 'commandtype', 'scope', 'path']);

function commandArgs(elements: Node[], ctx: EvalContext, depth: number): CommandArgs | undefined {
  const positional: Value[] = [];
  const params = new Map<string, Value | true>();
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i];
    if (e.type === 'command_parameter') {
      const p = textOf(ctx, e).slice(1).replace(/:$/, '').toLowerCase();
      const next = elements[i + 1];
      // Only parameters known to take a value consume the next element; others are switches.
      if (!VALUED_PARAMS.has(p) || !next || next.type === 'command_parameter') {
        params.set(p, true);
        continue;
      }
      const v = argValue(next, ctx, depth);
      if (!v) return undefined;
      params.set(p, v);
      i++;
      continue;
    }
    const next = elements[i + 1];
    const v =
      next?.type === 'argument_list' && core(e).type === 'member_access'
        ? evaluateSplitCall(e, next, ctx, depth + 1)
        : argValue(e, ctx, depth);
    if (!v) return undefined;
    if (next?.type === 'argument_list' && core(e).type === 'member_access') i++;
    positional.push(v);
  }
  return { positional, params };
}

/** A command argument: bare words are strings; expressions are evaluated. */
function argValue(n: Node, ctx: EvalContext, depth: number): Value | undefined {
  if (n.type === 'generic_token') return str(textOf(ctx, n).replace(/`(.)/g, '$1'));
  // `New-Object IO.StreamReader($a, $b)`: the grammar hands the parenthesised list over as its own element.
  if (n.type === 'argument_list') {
    const values = argumentValues(n, ctx, depth);
    return !values ? undefined : values.length === 1 ? values[0] : { t: 'arr', v: values };
  }
  if (isDashWordArgument(n, ctx.source)) return undefined;
  return evaluate(n, ctx, depth + 1);
}

function evalCommand(node: Node, ctx: EvalContext, depth: number): Value | undefined {
  const cmd = commandParts(node, ctx, depth);
  if (!cmd) return undefined;
  const args = () => commandArgs(cmd.elements, ctx, depth);
  switch (cmd.name) {
    case 'get-variable': {
      const a = args();
      const nameV = a ? (a.params.get('name') ?? a.positional[0]) : undefined;
      const n = nameV && nameV !== true ? toStr(nameV) : undefined;
      if (!a || !n || /[*?[]/.test(n)) return undefined;
      const value = ctx.vars.get(variableName(n));
      if (!value) return undefined;
      ctx.notes.add('variable');
      return a.params.has('valueonly') ? value : { t: 'psvar', name: n, value };
    }
    case 'get-item':
    case 'get-childitem': {
      const a = args();
      const p = a?.positional[0] ? toStr(a.positional[0]) : undefined;
      const m = p ? /^variable:\\?(.+)$/i.exec(p) : null;
      if (!m || /[*?[]/.test(m[1])) return undefined;
      const value = ctx.vars.get(variableName(m[1]));
      return value ? { t: 'psvar', name: m[1], value } : undefined;
    }
    case 'get-command': {
      const a = args();
      const p = a?.positional[0] ?? a?.params.get('name');
      const pattern = p && p !== true ? toStr(p) : undefined;
      return pattern ? commandByWildcard(pattern, ctx) : undefined;
    }
    case 'write-output': {
      const a = args();
      return a && a.positional.length === 1 && a.params.size === 0 ? a.positional[0] : undefined;
    }
    case 'new-object':
      return newObject(args(), ctx);
    default:
      return undefined;
  }
}

/** Get-Command with a wildcard: the one known command it matches. */
function commandByWildcard(pattern: string, ctx: EvalContext): Value | undefined {
  if (pattern.length > 100) return undefined;
  // The script's wildcard as a pattern for the linear engine: /^a.*b.*c$/ backtracks per star in V8.
  let re: LinearRegex;
  try {
    re = linearRegex(
      `^${pattern
        .replace(/[.+^${}()|\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
      'i',
    );
  } catch {
    return undefined; // an unbalanced [ class: not a wildcard we can resolve
  }
  const matches = KNOWN_COMMANDS.filter((c) => re.test(c));
  if (matches.length !== 1) return undefined;
  if (/[*?]/.test(pattern)) ctx.notes.add('get-command');
  return str(matches[0]);
}

function newObject(a: CommandArgs | undefined, ctx: EvalContext): Value | undefined {
  if (!a) return undefined;
  const typeV = a.params.get('typename') ?? a.positional[0];
  const type = typeV && typeV !== true ? toStr(typeV) : undefined;
  if (!type) return undefined;
  const rawArgs = a.params.get('argumentlist') ?? a.params.get('args') ?? a.positional[1];
  // `(,$bytes)` wraps a byte array so it arrives as one argument: unwrap it again.
  const ctorArgs = (rawArgs && rawArgs !== true ? (rawArgs.t === 'arr' ? rawArgs.v : [rawArgs]) : []).map((v) =>
    v.t === 'arr' && v.v.length === 1 && (v.v[0].t === 'bytes' || v.v[0].t === 'stream') ? v.v[0] : v,
  );
  switch (typeName(type)) {
    case 'io.memorystream': {
      const b = ctorArgs.length === 1 ? toBytes(ctorArgs[0]) : undefined;
      return b ? { t: 'stream', v: b } : undefined;
    }
    case 'io.compression.deflatestream':
    case 'io.compression.gzipstream': {
      const [src, mode] = ctorArgs;
      if (!src || src.t !== 'stream' || !mode || toStr(mode)?.toLowerCase() !== 'decompress') return undefined;
      try {
        const opts = { maxOutputLength: MAX_DECOMPRESSED };
        const out = typeName(type).endsWith('gzipstream') ? gunzipSync(src.v, opts) : inflateRawSync(src.v, opts);
        ctx.notes.add('compression');
        return { t: 'stream', v: new Uint8Array(out) };
      } catch {
        return undefined; // corrupt or oversized stream
      }
    }
    case 'io.streamreader': {
      const [src, enc] = ctorArgs;
      if (!src || src.t !== 'stream') return undefined;
      return { t: 'stream', v: src.v, reader: enc && enc.t === 'enc' ? enc.v : 'utf8' };
    }
    case 'text.utf8encoding':
      return { t: 'enc', v: 'utf8' };
    case 'text.unicodeencoding':
      return { t: 'enc', v: 'utf16le' };
    case 'text.asciiencoding':
      return { t: 'enc', v: 'ascii' };
    case 'string': {
      const items = ctorArgs.length === 1 ? toArr(ctorArgs[0]) : undefined;
      return items ? joinValues(items, '') : undefined;
    }
    default:
      return undefined;
  }
}
