// Lists every regular expression in src/ (regex literals and RegExp(...) calls, found with the
// TypeScript compiler API) and checks each with recheck. Prints one JSON document:
// { regexes: [{ where, source?, flags, text, status?, complexity?, attack? }] }.
// Run as a plain Node process (recheck's checker agent does not run inside jest's sandbox).
//   node test/hostile/redos-scan.cjs ROOT [--proven FILE] [--allowed FILE] [--write-proven FILE]
// --allowed: [{ file, pattern, reason }] entries are not checked (the test reports them).
// --proven: patterns recheck already proved linear (exact source and flags) are not checked
// again (the whole check takes ~10 minutes on a busy machine; an edited pattern is new text,
// so it is always checked). --write-proven: record every pattern proved linear in this run.
'use strict';
const { readdirSync, readFileSync } = require('node:fs');
const { join, relative } = require('node:path');
const ts = require('typescript');
const { check } = require('recheck');

const root = process.argv[2];
const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const key = (r) => `/${r.source}/${r.flags}`;

function tsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Calls that compile their regex arguments for src/domain/linear-regex.ts (linear by construction). */
const LINEAR_ENGINE_CALLS = new Set(['linearRegex', 'linear']);

/** A RegExp(...) call's text, layout-free (a formatter may wrap it), as the allow-list keys it. */
const callText = (text) => text.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/,? \)/g, ')').replace(/ \./g, '.');

const literalText = (n) => (n && (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) ? n.text : undefined);

function findRegexes() {
  const found = [];
  for (const file of tsFiles(join(root, 'src'))) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const where = (n) => `${relative(root, file)}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`;
    const visit = (node) => {
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const text = node.getText(sf);
        const end = text.lastIndexOf('/');
        // A literal handed straight to the linear engine (linearRegex(), or the tables' linear())
        // is never run by V8's backtracking engine: the engine's own tests bound its work.
        const parent = node.parent;
        const linear =
          parent &&
          ts.isCallExpression(parent) &&
          ts.isIdentifier(parent.expression) &&
          LINEAR_ENGINE_CALLS.has(parent.expression.text) &&
          parent.arguments.includes(node);
        found.push({
          where: where(node),
          source: text.slice(1, end),
          flags: text.slice(end + 1),
          text,
          ...(linear ? { engine: 'linear' } : {}),
        });
      } else if (
        (ts.isNewExpression(node) || ts.isCallExpression(node)) &&
        ts.isIdentifier(node.expression) &&
        node.expression.text === 'RegExp'
      ) {
        const [pattern, flags] = node.arguments ?? [];
        found.push({ where: where(node), source: literalText(pattern), flags: literalText(flags) ?? '', text: callText(node.getText(sf)) });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return found;
}

async function main() {
  const regexes = findRegexes();
  const provenFile = arg('--proven');
  const proven = new Set(provenFile ? JSON.parse(readFileSync(provenFile, 'utf8')) : []);
  const allowedFile = arg('--allowed');
  const allowed = new Set((allowedFile ? JSON.parse(readFileSync(allowedFile, 'utf8')) : []).map((a) => `${a.file}\n${a.pattern}`));
  for (const r of regexes) {
    r.file = r.where.replace(/:\d+$/, '');
    r.pattern = r.source === undefined ? r.text : key(r);
    if (allowed.has(`${r.file}\n${r.pattern}`)) {
      r.status = 'allowed';
      continue;
    }
    if (r.source === undefined) continue;
    if (r.engine === 'linear') {
      r.status = 'linear-engine';
      continue;
    }
    if (proven.has(key(r))) {
      r.status = 'safe';
      r.cached = true;
      continue;
    }
    const result = await check(r.source, r.flags, { timeout: 10_000 });
    r.status = result.status;
    if (result.status === 'vulnerable') {
      r.complexity = result.complexity.type;
      r.attack = result.attack.pattern;
    }
    if (result.status === 'unknown') r.error = result.error.kind;
  }
  const out = arg('--write-proven');
  if (out) {
    const safe = [...new Set(regexes.filter((r) => r.status === 'safe').map(key))].sort();
    require('node:fs').writeFileSync(out, `${JSON.stringify(safe, null, 1)}\n`);
  }
  // Exit once the output is flushed: a pipe takes it in chunks, and exit() would cut it short.
  process.stdout.write(JSON.stringify({ regexes }), () => process.exit(0));
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
