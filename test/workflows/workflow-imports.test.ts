// Every workflow run evaluates the modules the workflow bundle imports afresh (the SDK isolates
// module state per run), so a zod schema built at module load is rebuilt for every alert: it was
// ~40% of the workflow thread's CPU (bench/README.md, issue 17). This test walks the runtime
// imports from src/workflows/index.ts (type-only imports are erased) and fails when a module
// that builds schemas at load joins them: import a schema-free module (domain/policy-rules.ts,
// domain/severity.ts, domain/triage-context.ts) or build the schema with lazily().
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = join(__dirname, '../..');

/** Relative specifiers imported at runtime: `import type` and all-`type` specifier lists are erased by tsc. */
function runtimeImports(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/(?:^|\n)\s*(?:import|export)\s+(type\s+)?([^;]*?)\s+from\s+'([^']+)'/g)) {
    const [, typeOnly, names, spec] = m;
    if (typeOnly) continue;
    const list = names.trim();
    if (
      list.startsWith('{') &&
      list
        .slice(1, -1)
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean)
        .every((n) => n.startsWith('type '))
    )
      continue;
    out.push(spec);
  }
  return out;
}

function reachableModules(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of runtimeImports(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const base = resolve(dirname(file), spec);
      const found = [`${base}.ts`, join(base, 'index.ts')].find(existsSync);
      if (!found) throw new Error(`cannot resolve ${spec} from ${file}`);
      visit(found);
    }
  };
  visit(entry);
  return seen;
}

/** A schema built when the module loads: `= z.` or `z.xxx(` at the top level of a declaration. */
const buildsSchemaAtLoad = (source: string) => /^(export )?const \w+(: [^=]+)? = z\./m.test(source);

// Still built per run, through the incident workflow's imports (alertWorkflowId, BUILT_IN_PLAYBOOK),
// which another change owns: moving those two into schema-free modules removes the last ones.
const KNOWN = ['src/domain/alert.ts', 'src/domain/playbook-routing.ts', 'src/ingest/formats/types.ts'];

test('workflow code imports no module that builds zod schemas at load, beyond the known ones', () => {
  const modules = [...reachableModules(join(ROOT, 'src/workflows/index.ts'))].map((f) => relative(ROOT, f));
  expect(modules).toEqual(
    expect.arrayContaining(['src/domain/decision.ts', 'src/domain/policy-rules.ts', 'src/workflows/alert-workflow.ts']),
  );
  expect(modules).not.toContain('src/domain/policy.ts');
  const building = modules.filter((f) => buildsSchemaAtLoad(readFileSync(join(ROOT, f), 'utf8')));
  expect(building.filter((f) => !KNOWN.includes(f))).toEqual(['src/domain/signed-decision.ts']); // DecisionPublicKey: one small object
});

test('the check sees a schema built at load, and not one built lazily', () => {
  expect(buildsSchemaAtLoad('export const Decision = z.object({ a: z.string() });')).toBe(true);
  expect(buildsSchemaAtLoad('export const decisionSchema = lazily(() => z.object({ a: z.string() }));')).toBe(false);
  expect(runtimeImports("import type { A } from './a';\nimport { type B, type C } from './b';\nimport { D } from './d';")).toEqual(['./d']);
});
