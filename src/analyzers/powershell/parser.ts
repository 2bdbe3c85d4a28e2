// Loads the tree-sitter PowerShell grammar (WebAssembly) once per process.
//
// web-tree-sitter 0.25 ships an ES module and a CommonJS build; our commonjs output gets the
// CJS one through the package's "require" export. Its Language.load(path) reads the file with a
// dynamic `import('fs/promises')`, which jest's VM refuses without --experimental-vm-modules,
// so we read the .wasm bytes ourselves and hand over a Uint8Array made in this realm (jest's
// separate globals break `instanceof Uint8Array` for a Node Buffer).
import { readFileSync } from 'node:fs';
import { Language, Parser, type Tree } from 'web-tree-sitter';

export type { Tree } from 'web-tree-sitter';

/**
 * A syntax-tree node copied out of WebAssembly memory. Walking web-tree-sitter's own Node objects
 * marshals every access through wasm (and allocates), which made a 200 KB script take seconds;
 * one cursor walk into plain objects makes the rewrite passes cheap.
 */
export class Node {
  parent: Node | null = null;
  field: string | null = null;
  readonly children: Node[] = [];
  readonly namedChildren: Node[] = [];
  constructor(
    readonly id: number,
    readonly type: string,
    readonly isNamed: boolean,
    readonly startIndex: number,
    readonly endIndex: number,
  ) {}
  get childCount(): number {
    return this.children.length;
  }
  get namedChildCount(): number {
    return this.namedChildren.length;
  }
  child(i: number): Node | null {
    return this.children[i] ?? null;
  }
  namedChild(i: number): Node | null {
    return this.namedChildren[i] ?? null;
  }
  childForFieldName(name: string): Node | null {
    return this.children.find((c) => c.field === name) ?? null;
  }
}

/** Copies a parsed tree into plain nodes; null when it holds more than `maxNodes` nodes. */
export function copyTree(tree: Tree, maxNodes: number): Node | null {
  const cursor = tree.walk();
  try {
    let id = 0;
    const root = new Node(id++, cursor.nodeType, cursor.nodeIsNamed, cursor.startIndex, cursor.endIndex);
    let current = root;
    for (;;) {
      if (cursor.gotoFirstChild()) {
        current = append(current, cursor, id++);
      } else {
        while (!cursor.gotoNextSibling()) {
          if (!cursor.gotoParent()) return root;
          current = current.parent!;
        }
        current = append(current.parent!, cursor, id++);
      }
      if (id > maxNodes) return null;
    }
  } finally {
    cursor.delete();
  }
}

function append(parent: Node, cursor: ReturnType<Tree['walk']>, id: number): Node {
  const n = new Node(id, cursor.nodeType, cursor.nodeIsNamed, cursor.startIndex, cursor.endIndex);
  n.parent = parent;
  n.field = cursor.currentFieldName;
  parent.children.push(n);
  if (n.isNamed) parent.namedChildren.push(n);
  return n;
}

export interface PowerShellParser {
  /** Parses `source`, or returns null when parsing outlives `timeoutMs` (pathological input). */
  parse(source: string, timeoutMs: number): Tree | null;
}

let loading: Promise<PowerShellParser> | undefined;

export function loadPowerShellParser(): Promise<PowerShellParser> {
  loading ??= load().catch((err: unknown) => {
    loading = undefined; // let a later call retry (e.g. after a transient read error)
    throw err;
  });
  return loading;
}

async function load(): Promise<PowerShellParser> {
  await Parser.init();
  const wasm = readFileSync(require.resolve('tree-sitter-powershell/tree-sitter-powershell.wasm'));
  const language = await Language.load(new Uint8Array(wasm));
  const parser = new Parser();
  parser.setLanguage(language);
  return {
    parse(source: string, timeoutMs: number): Tree | null {
      const deadline = Date.now() + timeoutMs;
      // The progress callback cancels the parse when it returns true (typed as void upstream).
      const progressCallback = (() => Date.now() > deadline) as unknown as () => void;
      const tree = parser.parse(source, null, { progressCallback });
      if (!tree) parser.reset();
      return tree;
    },
  };
}
