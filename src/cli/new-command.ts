// `autosoc new playbook NAME` / `autosoc new analyzer NAME`: writes a playbook (registered in
// playbooks/index.ts) or an analyzer plugin (plugins/analyzers/), each with its passing test.
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Argument, type Command } from 'commander';
import { CliError, type CliIo } from './io';
import { analyzerTemplate, analyzerTestTemplate, type Names, playbookTemplate, playbookTestTemplate } from './templates/scaffold';

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export function namesOf(name: string): Names {
  if (!NAME.test(name) || name.length > 48)
    throw new CliError(`name "${name}": use lower-case words joined by "-", e.g. ransomware-triage`);
  return { kebab: name, camel: name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase()) };
}

/** Files a scaffold writes, relative to the project root. */
export function scaffoldFiles(kind: 'playbook' | 'analyzer', names: Names): { path: string; text: string }[] {
  return kind === 'playbook'
    ? [
        { path: `playbooks/${names.kebab}.ts`, text: playbookTemplate(names) },
        { path: `test/playbooks/${names.kebab}.test.ts`, text: playbookTestTemplate(names) },
      ]
    : [
        { path: `plugins/analyzers/${names.kebab}.ts`, text: analyzerTemplate(names) },
        { path: `test/plugins/${names.kebab}.test.ts`, text: analyzerTestTemplate(names) },
      ];
}

export function scaffold(root: string, kind: 'playbook' | 'analyzer', name: string): string[] {
  const names = namesOf(name);
  const files = scaffoldFiles(kind, names);
  const taken = files.filter((f) => existsSync(join(root, f.path)));
  if (taken.length) throw new CliError(`${taken.map((f) => f.path).join(', ')} already exist(s): choose another name`);
  for (const f of files) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.text, { flag: 'wx' });
  }
  // The worker registers what playbooks/index.ts exports.
  if (kind === 'playbook') appendFileSync(join(root, 'playbooks', 'index.ts'), `export { ${names.camel} } from './${names.kebab}';\n`);
  return files.map((f) => f.path);
}

export function registerNewCommand(program: Command, io: CliIo): void {
  program
    .command('new')
    .description('write a new playbook or analyzer plugin, with a test that passes, from a template')
    .addArgument(new Argument('<kind>', 'playbook or analyzer').choices(['playbook', 'analyzer']))
    .argument('<name>', 'lower-case words joined by "-", e.g. ransomware-triage')
    .option('--root <dir>', 'the autosoc checkout to write into', '.')
    .action((kind: 'playbook' | 'analyzer', name: string, o: { root: string }) => {
      const root = resolve(o.root);
      if (!existsSync(join(root, 'src', 'workflows', 'sdk')))
        throw new CliError(`${root} is not an autosoc checkout (no src/workflows/sdk)`);
      for (const path of scaffold(root, kind, name)) io.stdout(`wrote ${path}\n`);
      io.stdout(
        kind === 'playbook'
          ? `registered in playbooks/index.ts; run its test: npx jest test/playbooks/${name}.test.ts\n`
          : `run its test: npx jest test/plugins/${name}.test.ts; load it: npm run build && AUTOSOC_PLUGIN_DIRS=dist/plugins/analyzers\n`,
      );
    });
}
