// One deobfuscation pass: print the syntax tree back as source, replacing every expression whose
// value is known by its literal, normalising command/member/type names (backticks, case), and
// unwrapping Invoke-Expression of a known string (the string becomes the code it runs).
// Variables are propagated in straight-line top-level code; inside script blocks only variables
// assigned exactly once (and before the block) are. Nothing is executed.
import { looksLikeText, decodeEncodedCommand } from './launcher';
import { canonicalCommand, INVOKE_EXPRESSION } from './names';
import {
  binaryValue,
  commandParts,
  evaluate,
  evaluateSplitCall,
  isDashWordArgument,
  core,
  newContext,
  pipeStage,
  typeName,
  variableName,
  type EvalContext,
  type Note,
} from './evaluate';
import type { Node } from './parser';
import { isTextual, render, type Value } from './values';

export interface PassResult {
  text: string;
  notes: Set<Note>;
  /** Steps (visited nodes, chain links) this pass used; more than its budget means it ran out. */
  steps: number;
}

const MAX_EMIT_DEPTH = 400;
/** A variable is written back as its literal only while the literal stays short. */
const MAX_INLINED_VARIABLE = 4096;

const kids = (n: Node) => n.children;
const named = (n: Node) => n.namedChildren;

/** Node types whose value can be folded into a literal. */
const FOLDABLE = new Set([
  'logical_expression',
  'bitwise_expression',
  'comparison_expression',
  'additive_expression',
  'multiplicative_expression',
  'format_expression',
  'range_expression',
  'array_literal_expression',
  'unary_expression',
  'expression_with_unary_operator',
  'cast_expression',
  'invokation_expression',
  'member_access',
  'element_access',
  'parenthesized_expression',
  'sub_expression',
  'array_expression',
  'string_literal',
  'variable',
  'braced_variable',
  'argument_expression',
  'logical_argument_expression',
  'bitwise_argument_expression',
  'comparison_argument_expression',
  'additive_argument_expression',
  'multiplicative_argument_expression',
  'format_argument_expression',
  'range_argument_expression',
]);

/** Below these nodes nothing is folded (assignment targets, parameters, increments). */
const NO_FOLD = new Set([
  'left_assignment_expression',
  'param_block',
  'parameter_list',
  'attribute',
  'attribute_list',
  'pre_increment_expression',
  'pre_decrement_expression',
  'post_increment_expression',
  'post_decrement_expression',
  'foreach_parameter',
  'class_statement',
  'enum_statement',
]);

/** Nodes that run later or repeatedly: only single-assignment variables are known inside. */
const NESTED_SCOPES = new Set([
  'script_block_expression',
  'function_statement',
  'while_statement',
  'do_statement',
  'for_statement',
  'foreach_statement',
  'switch_statement',
  'trap_statement',
  'try_statement',
  'if_statement',
  'class_statement',
  'filter_statement',
]);

const BINARY_TYPES = new Set([
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

const OPERATION = new Set([
  'expression_with_unary_operator',
  'cast_expression',
  'invokation_expression',
  'member_access',
  'element_access',
  'variable',
  'braced_variable',
  'command',
  'sub_expression',
]);

interface VarFacts {
  /** Assigned inside a block, loop, parameter or by reference: never propagated. */
  unstable: Set<string>;
  /** Top-level `=` assignment count per variable. */
  topLevelAssignments: Map<string, number>;
}

export function rewritePass(root: Node, source: string, steps: number): PassResult {
  const ctx = newContext(source, steps);
  const facts = scanVariables(root, source);
  ctx.assigned = new Set([...facts.unstable, ...facts.topLevelAssignments.keys()]);
  const r = new Rewriter(source, ctx, facts);
  const text = r.program(root);
  return { text, notes: ctx.notes, steps: steps - ctx.steps };
}

/** Which variables can be tracked: assigned only in straight-line top-level code. */
function scanVariables(root: Node, source: string): VarFacts {
  const unstable = new Set<string>();
  const topLevelAssignments = new Map<string, number>();
  const topStatements = new Set<number>();
  const list = named(root).find((n) => n.type === 'statement_list');
  if (list) for (const s of named(list)) topStatements.add(s.id);
  const nameOf = (v: Node) => variableName(source.slice(v.startIndex, v.endIndex));
  const stack: Node[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    const type = node.type;
    if (type === 'assignment_expression') {
      const left = named(node).find((c) => c.type === 'left_assignment_expression');
      const op = named(node).find((c) => c.type === 'assignement_operator');
      const top = node.parent !== null && topStatements.has(node.parent.id);
      const v = left ? firstVariable(left) : undefined;
      if (v) {
        const name = nameOf(v);
        // `$a += ...` at top level is still straight-line; only `=` counts as a (re)definition.
        if (!top) unstable.add(name);
        else if (op && source.slice(op.startIndex, op.endIndex) === '=')
          topLevelAssignments.set(name, (topLevelAssignments.get(name) ?? 0) + 1);
        else topLevelAssignments.set(name, (topLevelAssignments.get(name) ?? 0) + 2);
      }
    } else if (
      type === 'foreach_statement' ||
      type === 'pre_increment_expression' ||
      type === 'post_increment_expression' ||
      type === 'pre_decrement_expression' ||
      type === 'post_decrement_expression' ||
      type === 'param_block' ||
      type === 'function_parameter_declaration' ||
      type === 'script_parameter'
    ) {
      const v = firstVariable(node);
      if (v) unstable.add(nameOf(v));
    } else if (type === 'command' && !(node.parent?.parent && topStatements.has(node.parent.parent.id))) {
      // Set-Variable & co. outside straight-line code may change a variable at any time.
      const nameNode = node.childForFieldName('command_name');
      const cmd =
        nameNode?.type === 'command_name' ? source.slice(nameNode.startIndex, nameNode.endIndex).replace(/`/g, '').toLowerCase() : '';
      if (/^(?:set-variable|sv|set|new-variable|nv|clear-variable|clv|remove-variable|rv)$/.test(cmd)) {
        const args =
          node
            .childForFieldName('command_elements')
            ?.namedChildren.filter((c) => c.type !== 'command_argument_sep' && c.type !== 'command_parameter') ?? [];
        const first = args[0] ? source.slice(args[0].startIndex, args[0].endIndex).replace(/^['"]|['"]$/g, '') : '';
        if (first) unstable.add(variableName(first));
      }
    } else if (type === 'cast_expression') {
      const t = named(node)[0];
      if (t && typeName(source.slice(t.startIndex, t.endIndex)) === 'ref') {
        const v = firstVariable(node);
        if (v) unstable.add(nameOf(v));
      }
    }
    for (const c of node.children) stack.push(c);
  }
  return { unstable, topLevelAssignments };
}

function firstVariable(n: Node): Node | undefined {
  if (n.type === 'variable' || n.type === 'braced_variable') return n;
  const stack: Node[] = [n];
  let guard = 0;
  while (stack.length && guard++ < 1000) {
    const cur = stack.shift()!;
    if (cur.type === 'variable' || cur.type === 'braced_variable') return cur;
    stack.push(...named(cur));
  }
  return undefined;
}

class Rewriter {
  private readonly env = new Map<string, Value>();
  /** Variables assigned once at top level: value and where the assignment ends. */
  private readonly stable = new Map<string, { value: Value; end: number }>();
  private readonly opMemo = new Map<number, boolean>();

  constructor(
    private readonly src: string,
    private readonly ctx: EvalContext,
    private readonly facts: VarFacts,
  ) {}

  private slice(n: Node): string {
    return this.src.slice(n.startIndex, n.endIndex);
  }

  private tracked(name: string): boolean {
    return !this.facts.unstable.has(name) && name !== '_' && !name.startsWith('env:');
  }

  program(root: Node): string {
    this.ctx.vars = this.env;
    let out = '';
    let pos = root.startIndex;
    for (const child of kids(root)) {
      out += this.src.slice(pos, child.startIndex);
      out += child.type === 'statement_list' ? this.statements(child) : this.emit(child, 0, false);
      pos = child.endIndex;
    }
    return out + this.src.slice(pos, root.endIndex);
  }

  /** Top-level statements in order, updating the known variables after each one. */
  private statements(list: Node): string {
    let out = '';
    let pos = list.startIndex;
    for (const stmt of kids(list)) {
      out += this.src.slice(pos, stmt.startIndex);
      this.ctx.vars = this.env;
      out += this.emit(stmt, 0, false);
      this.afterStatement(stmt);
      pos = stmt.endIndex;
    }
    return out + this.src.slice(pos, list.endIndex);
  }

  private afterStatement(stmt: Node): void {
    this.ctx.vars = this.env;
    const inner = stmt.type === 'pipeline' ? named(stmt) : [];
    const assign = inner.length === 1 && inner[0].type === 'assignment_expression' ? inner[0] : undefined;
    if (assign) {
      const c = named(assign);
      const left = c.find((n) => n.type === 'left_assignment_expression');
      const op = c.find((n) => n.type === 'assignement_operator');
      const value = c[c.length - 1];
      const target = left ? named(left) : [];
      // Only plain `$name = ...`: not `$a.b = ...`, `$a[0] = ...` or `[int]$a = ...`.
      const v = target.length === 1 ? onlyVariable(target[0]) : undefined;
      if (!v || !op || !value || value.id === left?.id) return;
      const name = variableName(this.slice(v));
      if (!this.tracked(name)) return;
      const opText = this.slice(op);
      let result = evaluate(value, this.ctx);
      if (opText !== '=') {
        const prev = this.env.get(name);
        result = prev && result ? binaryValue(opText.slice(0, -1), prev, result, this.ctx) : undefined;
      }
      if (result) this.env.set(name, result);
      else this.env.delete(name);
      if (opText === '=' && result && this.facts.topLevelAssignments.get(name) === 1)
        this.stable.set(name, { value: result, end: assign.endIndex });
      else this.stable.delete(name);
      return;
    }
    // [Array]::Reverse($x) reverses a tracked array in place.
    const text = this.slice(stmt);
    // Trimmed first: `\s*;?\s*$` after the call backtracks quadratically on a run of blanks.
    const m = /^\[(?:system\.)?array\]::reverse\(\s*(\$[\w:]+)\s*\)\s*;?$/i.exec(text.trim());
    if (m) {
      const name = variableName(m[1]);
      const cur = this.env.get(name);
      if (cur && cur.t === 'arr') {
        this.env.set(name, { t: 'arr', v: [...cur.v].reverse() });
        this.ctx.notes.add('reverse');
      } else this.env.delete(name);
      this.stable.delete(name);
      return;
    }
    // Set-Variable / sv NAME VALUE at top level.
    const cmd = inner.length === 1 ? onlyCommand(inner[0]) : undefined;
    if (cmd) {
      const parts = commandParts(cmd, this.ctx, 0);
      if (parts && (parts.name === 'set-variable' || parts.name === 'new-variable')) {
        const els = parts.elements;
        const pos = els.filter((e) => e.type !== 'command_parameter');
        const nameNode = els.find((e, i) => i > 0 && /^-n(?:a(?:me?)?)?$/i.test(this.slice(els[i - 1]))) ?? pos[0];
        const valueNode = els.find((e, i) => i > 0 && /^-v(?:a(?:l(?:ue?)?)?)?$/i.test(this.slice(els[i - 1]))) ?? pos[1];
        const nameV = nameNode
          ? nameNode.type === 'generic_token'
            ? ({ t: 'str', v: this.slice(nameNode) } as Value)
            : evaluate(nameNode, this.ctx)
          : undefined;
        const name = nameV && nameV.t === 'str' ? variableName(nameV.v) : undefined;
        if (name && this.tracked(name)) {
          const val = valueNode ? evaluate(valueNode, this.ctx) : undefined;
          if (val) {
            this.env.set(name, val);
            this.ctx.notes.add('variable');
          } else this.env.delete(name);
        }
      }
    }
  }

  private hasOperation(n: Node, depth = 0): boolean {
    const hit = this.opMemo.get(n.id);
    if (hit !== undefined) return hit;
    let r = false;
    if (depth > MAX_EMIT_DEPTH) r = false;
    else if (OPERATION.has(n.type) || (BINARY_TYPES.has(n.type) && n.childCount >= 3)) r = true;
    // Ordinary escapes (`n, `", `$) are not worth rewriting; a backtick before a plain letter is.
    else if (n.type === 'expandable_string_literal' || n.type === 'expandable_here_string_literal')
      r = n.namedChildCount > 0 || /`[^0abefnrtuv"$`'\s\u201c\u201d{]/.test(this.slice(n));
    else
      for (const c of named(n))
        if (this.hasOperation(c, depth + 1)) {
          r = true;
          break;
        }
    this.opMemo.set(n.id, r);
    return r;
  }

  private tryFold(n: Node): string | undefined {
    if (!this.hasOperation(n)) return undefined;
    const v = evaluate(n, this.ctx);
    if (!v) return undefined;
    if (!isTextual(v) && v.t !== 'num' && v.t !== 'bool' && v.t !== 'null') return undefined;
    const r = render(v);
    if (r === undefined || r === this.slice(n)) return undefined;
    // A variable becomes its literal only for immutable scalars: arrays may be mutated in place.
    const c = core(n);
    if (
      (c.type === 'variable' || c.type === 'braced_variable') &&
      (r.length > MAX_INLINED_VARIABLE || !['str', 'char', 'num', 'bool', 'null'].includes(v.t))
    )
      return undefined;
    return r;
  }

  private emitChildren(n: Node, depth: number, noFold: boolean): string {
    let out = '';
    let pos = n.startIndex;
    for (const c of kids(n)) {
      out += this.src.slice(pos, c.startIndex) + this.emit(c, depth + 1, noFold);
      pos = c.endIndex;
    }
    return out + this.src.slice(pos, n.endIndex);
  }

  emit(n: Node, depth: number, noFold: boolean): string {
    if (depth > MAX_EMIT_DEPTH || --this.ctx.steps < 0) return this.slice(n);
    const t = n.type;
    if (NO_FOLD.has(t)) noFold = true;
    if (NESTED_SCOPES.has(t) && this.ctx.vars === this.env) {
      this.ctx.vars = this.stableBefore(n.startIndex);
      try {
        return this.emitNode(n, depth, noFold);
      } finally {
        this.ctx.vars = this.env;
      }
    }
    return this.emitNode(n, depth, noFold);
  }

  private stableBefore(pos: number): Map<string, Value> {
    const m = new Map<string, Value>();
    for (const [k, { value, end }] of this.stable) if (end <= pos) m.set(k, value);
    return m;
  }

  private emitNode(n: Node, depth: number, noFold: boolean): string {
    const t = n.type;
    switch (t) {
      case 'command':
        return this.emitCommand(n, depth, noFold);
      case 'pipeline_chain': {
        const r = this.unwrapIexPipe(n, depth);
        if (r !== undefined) return r;
        break;
      }
      case 'command_name':
        return this.commandName(this.slice(n));
      case 'generic_token':
        return this.untick(this.slice(n));
      case 'type_literal': {
        const s = this.slice(n);
        const r = s.replace(/[\s`]/g, '');
        if (r !== s && s.includes('`')) this.ctx.notes.add('backtick');
        return r;
      }
      case 'member_name':
        return this.memberName(n, depth, noFold);
      case 'invokation_expression': {
        const r = this.invokeScript(n) ?? this.computedMethodInvoke(n, depth, noFold);
        if (r !== undefined) return r;
        break;
      }
    }
    if (!noFold && FOLDABLE.has(t)) {
      const r = this.tryFold(n);
      if (r !== undefined) return r;
    }
    if (t === 'expandable_string_literal' || t === 'expandable_here_string_literal') return this.partialString(n, depth, noFold);
    return n.childCount === 0 ? this.slice(n) : this.emitChildren(n, depth, noFold);
  }

  private untick(s: string): string {
    if (!s.includes('`')) return s;
    this.ctx.notes.add('backtick');
    return s.replace(/`(.)/g, '$1');
  }

  private commandName(raw: string): string {
    const name = this.untick(raw);
    const canon = canonicalCommand(name);
    if (!canon || canon === name) return name;
    if (randomCase(name, canon)) this.ctx.notes.add('case');
    return canon;
  }

  private memberName(n: Node, depth: number, noFold: boolean): string {
    const inner = named(n);
    if (inner.length === 1 && inner[0].type !== 'simple_name') {
      const v = evaluate(inner[0], this.ctx);
      if (v && (v.t === 'str' || v.t === 'char') && /^[A-Za-z_]\w*$/.test(v.v)) return v.v;
      return this.emitChildren(n, depth, noFold);
    }
    return this.untick(this.slice(n));
  }

  /** A double-quoted string with some unknown parts: inline the known $var / $(...) values. */
  private partialString(n: Node, depth: number, noFold: boolean): string {
    let out = '';
    let pos = n.startIndex;
    for (const c of named(n)) {
      out += this.src.slice(pos, c.startIndex);
      const v = noFold ? undefined : evaluate(c, this.ctx);
      const s = v && (v.t === 'str' || v.t === 'char' || v.t === 'num') ? (v.t === 'num' ? String(v.v) : v.v) : undefined;
      out += s !== undefined && s.length <= MAX_INLINED_VARIABLE ? s.replace(/[`"$\u201c\u201d]/g, '`$&') : this.emit(c, depth + 1, noFold);
      pos = c.endIndex;
    }
    return out + this.src.slice(pos, n.endIndex);
  }

  /** Is this command/pipeline a whole statement of its own (so a payload can replace it inline)? */
  private isStatement(n: Node): boolean {
    let cur: Node | null = n;
    if (cur.type === 'command') {
      const chain: Node | null = cur.parent;
      if (!chain || chain.type !== 'pipeline_chain' || chain.namedChildCount !== 1) return false;
      cur = chain;
    }
    const pipeline = cur.parent;
    if (!pipeline || pipeline.type !== 'pipeline' || pipeline.namedChildCount !== 1) return false;
    return pipeline.parent?.type === 'statement_list';
  }

  private payload(n: Node, code: string): string {
    this.ctx.notes.add('iex-unwrap');
    return this.isStatement(n) ? `\n${code}\n` : `. {${code}}`;
  }

  private emitCommand(n: Node, depth: number, noFold: boolean): string {
    const parts = commandParts(n, this.ctx, 0);
    const nameNode = n.childForFieldName('command_name');
    if (nameNode?.type === 'command_name' && /`/.test(this.slice(nameNode))) this.ctx.notes.add('backtick');
    // A command name computed from pieces (not just held in a variable) hides what runs.
    if (
      parts &&
      nameNode &&
      nameNode.type !== 'command_name' &&
      !['variable', 'braced_variable', 'string_literal'].includes(core(nameNode).type)
    )
      this.ctx.notes.add('dynamic-command');
    if (parts && parts.name === INVOKE_EXPRESSION) {
      const code = this.iexArgument(parts.elements);
      if (code !== undefined) return this.payload(n, code);
    }
    if (parts && /^(?:powershell|pwsh)$/.test(parts.name)) {
      const r = this.nestedEncoded(n, parts.elements, depth, noFold);
      if (r !== undefined) return r;
    }
    let dropOperator = false;
    let nameText: string | undefined;
    if (nameNode && nameNode.type !== 'command_name') {
      const v = evaluate(nameNode, this.ctx);
      if (v && (v.t === 'str' || v.t === 'char') && /^[A-Za-z][\w-]*(?:\.exe)?$/.test(v.v)) {
        nameText = canonicalCommand(v.v) ?? v.v;
        dropOperator = true;
      } else if (v && v.t === 'sb') nameText = `{${v.v}}`;
    }
    let out = '';
    let pos = n.startIndex;
    for (const c of kids(n)) {
      if (dropOperator && c.type === 'command_invokation_operator') {
        pos = c.endIndex;
        continue;
      }
      const isName = c.id === nameNode?.id;
      out += dropOperator && isName ? '' : this.src.slice(pos, c.startIndex);
      out +=
        isName && nameText !== undefined
          ? nameText
          : c.type === 'command_elements'
            ? this.commandElements(c, depth + 1, noFold)
            : this.emit(c, depth + 1, noFold);
      pos = c.endIndex;
    }
    return out + this.src.slice(pos, n.endIndex);
  }

  private commandElements(n: Node, depth: number, noFold: boolean): string {
    let out = '';
    let pos = n.startIndex;
    const c = kids(n);
    for (let i = 0; i < c.length; i++) {
      out += this.src.slice(pos, c[i].startIndex);
      // In argument mode `$o.('Down'+'load').Invoke` and its `(...)` are separate elements.
      const target = c[i + 1]?.type === 'argument_list' ? this.computedMethodTarget(core(c[i])) : undefined;
      if (target) out += this.emit(target, depth + 1, noFold);
      else out += isDashWordArgument(c[i], this.src) ? this.slice(c[i]) : this.emit(c[i], depth + 1, noFold);
      pos = c[i].endIndex;
    }
    return out + this.src.slice(pos, n.endIndex);
  }

  /** For `X.(<computed name>).Invoke`: the `X.(<computed name>)` part, when the name folds to an identifier. */
  private computedMethodTarget(n: Node): Node | undefined {
    if (n.type !== 'member_access' && n.type !== 'invokation_expression') return undefined;
    const c = kids(n);
    const nameNode = c.find((x) => x.type === 'member_name');
    const target = c[0];
    if (!nameNode || target.type !== 'member_access' || !/^invoke$/i.test(this.slice(nameNode).replace(/`/g, ''))) return undefined;
    const targetName = kids(target).find((x) => x.type === 'member_name');
    if (!targetName || named(targetName)[0]?.type === 'simple_name') return undefined;
    const v = evaluate(named(targetName)[0], this.ctx);
    return v && (v.t === 'str' || v.t === 'char') && /^[A-Za-z_]\w*$/.test(v.v) ? target : undefined;
  }

  /** The code string given to Invoke-Expression, when it is known text. */
  private iexArgument(elements: Node[]): string | undefined {
    let args = elements;
    if (args.length >= 2 && /^-c(?:o(?:m(?:m(?:a(?:nd?)?)?)?)?)?:?$/i.test(this.slice(args[0]))) args = args.slice(1);
    let v: Value | undefined;
    const argNode = args[0];
    if (args.length === 1 && argNode.type !== 'command_parameter' && argNode.type !== 'generic_token') v = evaluate(argNode, this.ctx);
    else if (args.length === 2 && args[1].type === 'argument_list') v = evaluateSplitCall(args[0], args[1], this.ctx);
    if (!argNode) return undefined;
    if (!v || (v.t !== 'str' && v.t !== 'sb') || !looksLikeText(v.v)) return undefined;
    if (this.hasOperation(argNode)) this.ctx.notes.add('dynamic-iex');
    return v.v;
  }

  /** `'code' | iex` (optionally through Out-String or ForEach-Object): the code itself. */
  private unwrapIexPipe(chain: Node, depth: number): string | undefined {
    const stages = named(chain);
    const last = stages[stages.length - 1];
    if (stages.length < 2 || last.type !== 'command') return undefined;
    const parts = commandParts(last, this.ctx, depth);
    if (!parts || parts.name !== INVOKE_EXPRESSION || parts.elements.length !== 0) return undefined;
    let v = evaluate(stages[0], this.ctx);
    for (let i = 1; i < stages.length - 1 && v; i++) v = pipeStage(stages[i], v, this.ctx, 0);
    if (!v) return undefined;
    const items = v.t === 'arr' ? v.v : [v];
    const code = items.every((x) => x.t === 'str') ? items.map((x) => (x as { v: string }).v).join('\n') : undefined;
    if (code === undefined || !looksLikeText(code)) return undefined;
    this.ctx.notes.add('iex-unwrap');
    if (stages.slice(0, -1).some((st) => this.hasOperation(st))) this.ctx.notes.add('dynamic-iex');
    const pipeline = chain.parent;
    const statement = pipeline?.type === 'pipeline' && pipeline.namedChildCount === 1 && pipeline.parent?.type === 'statement_list';
    return statement ? `\n${code}\n` : `. {${code}}`;
  }

  /** `$o.('Down'+'loadString').Invoke($u)` is `$o.DownloadString($u)`. */
  private computedMethodInvoke(n: Node, depth: number, noFold: boolean): string | undefined {
    const args = kids(n).find((x) => x.type === 'argument_list');
    const target = args ? this.computedMethodTarget(n) : undefined;
    return target && args ? this.emit(target, depth + 1, noFold) + this.emit(args, depth + 1, noFold) : undefined;
  }

  /** `$ExecutionContext.InvokeCommand.InvokeScript('code')` runs its argument like iex. */
  private invokeScript(n: Node): string | undefined {
    const c = kids(n);
    const nameNode = c.find((x) => x.type === 'member_name');
    if (!nameNode || this.slice(nameNode).replace(/`/g, '').toLowerCase() !== 'invokescript') return undefined;
    const obj = evaluate(c[0], this.ctx);
    if (!obj || obj.t !== 'host' || obj.v !== 'invokecommand') return undefined;
    const list = c.find((x) => x.type === 'argument_list');
    const argList = list ? named(list).find((x) => x.type === 'argument_expression_list') : undefined;
    const args = argList ? named(argList) : [];
    const v = args.length >= 1 ? evaluate(args[0], this.ctx) : undefined;
    if (!v || v.t !== 'str' || !looksLikeText(v.v)) return undefined;
    this.ctx.notes.add('iex-unwrap');
    return `. {${v.v}}`;
  }

  /**
   * `powershell -enc <base64>` or `powershell -Command '<code>'` inside a script: show the child's
   * code as a script block so later passes deobfuscate it too.
   */
  private nestedEncoded(n: Node, elements: Node[], depth: number, noFold: boolean): string | undefined {
    const idx = elements.findIndex(
      (e) =>
        e.type === 'command_parameter' &&
        /^[-/](?:e|ec|en|enc|enco|encod|encode|encoded|encodedc\w*|c|co|com|comm|comma|comman|command)$/i.test(this.slice(e)),
    );
    const valueNode = idx >= 0 ? elements[idx + 1] : undefined;
    if (!valueNode || idx + 2 !== elements.length) return undefined;
    const encoded = !/^[-/]c/i.test(this.slice(elements[idx]));
    const raw =
      valueNode.type === 'generic_token'
        ? this.slice(valueNode)
        : (() => {
            const v = evaluate(valueNode, this.ctx);
            return v && v.t === 'str' ? v.v : undefined;
          })();
    if (!raw || (!encoded && valueNode.type === 'generic_token')) return undefined;
    const decoded = encoded ? decodeEncodedCommand(raw, []) : raw;
    if (decoded === undefined || !looksLikeText(decoded)) return undefined;
    if (encoded) this.ctx.notes.add('encoded-command');
    let out = '';
    let pos = n.startIndex;
    for (const c of kids(n)) {
      out += this.src.slice(pos, c.startIndex);
      if (c.type === 'command_elements') {
        let inner = '';
        let p2 = c.startIndex;
        for (const e of kids(c)) {
          inner += this.src.slice(p2, e.startIndex);
          inner += e.id === elements[idx].id ? '-Command' : e.id === valueNode.id ? `{${decoded}}` : this.emit(e, depth + 1, noFold);
          p2 = e.endIndex;
        }
        out += inner + this.src.slice(p2, c.endIndex);
      } else out += this.emit(c, depth + 1, noFold);
      pos = c.endIndex;
    }
    return out + this.src.slice(pos, n.endIndex);
  }
}

/**
 * Random casing (`iNvOkE-eXpReSsIoN`): capitals where the documented name has none, beyond a
 * single slip. All-capitals (`IEX`) is how people type and does not count.
 */
export function randomCase(name: string, canonical: string): boolean {
  if (name === name.toUpperCase() || name.length !== canonical.length) return false;
  let odd = 0;
  for (let i = 0; i < name.length; i++) if (name[i] !== canonical[i] && name[i] === name[i].toUpperCase() && /[a-z]/i.test(name[i])) odd++;
  return odd >= 3 || (odd >= 2 && name.length <= 4);
}

function onlyVariable(n: Node): Node | undefined {
  let cur: Node | undefined = n;
  for (let i = 0; i < 30 && cur; i++) {
    if (cur.type === 'variable' || cur.type === 'braced_variable') return cur;
    const c = named(cur);
    if (c.length !== 1) return undefined;
    cur = c[0];
  }
  return undefined;
}

function onlyCommand(n: Node): Node | undefined {
  if (n.type === 'pipeline_chain') {
    const c = named(n);
    return c.length === 1 && c[0].type === 'command' ? c[0] : undefined;
  }
  return n.type === 'command' ? n : undefined;
}
