// Finds, loads and checks the worker's plugins at start: every .js/.cjs file directly in the
// configured folders (AUTOSOC_PLUGIN_DIRS) and every configured npm package
// (AUTOSOC_PLUGIN_PACKAGES). Anything wrong stops the start with an error naming the plugin:
// a worker must never run half its playbooks' analyzers.
import { readdirSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { type AnalyzerPlugin, type ConnectorPlugin, type Plugin, PluginSchema } from './plugin-api';

export class PluginError extends Error {
  constructor(
    readonly plugin: string,
    message: string,
  ) {
    super(`plugin ${plugin}: ${message}`);
    this.name = 'PluginError';
  }
}

/** A checked plugin and where it came from (its file, or its package name). */
export interface Loaded<P extends Plugin> {
  plugin: P;
  source: string;
  modulePath: string;
}
export interface LoadedPlugins {
  analyzers: Loaded<AnalyzerPlugin>[];
  connectors: Loaded<ConnectorPlugin>[];
}
export interface PluginSources {
  dirs: string[];
  packages: string[];
}
/** Names a plugin may not take: the built-in analyzers' and connectors'. */
export interface ReservedNames {
  analyzers: readonly string[];
  connectors: readonly string[];
}

const MODULE_EXTENSIONS = new Set(['.js', '.cjs']);

function pluginFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (err) {
    throw new PluginError(dir, `plugin folder cannot be read: ${(err as Error).message}`);
  }
  return names.filter((n) => MODULE_EXTENSIONS.has(extname(n)) && !/\.test\.c?js$/.test(n)).map((n) => resolve(join(dir, n)));
}

/** A module's plugin: its `default` export (ESM compiled to CommonJS) or module.exports itself. */
export function pluginExport(mod: unknown): unknown {
  const m = mod as { default?: unknown } | undefined;
  return m && typeof m === 'object' && 'default' in m && m.default !== undefined ? m.default : mod;
}

/** Loads one module and checks it against the declared interface (plugin-api.ts). */
export function loadPlugin(source: string, modulePath: string): Loaded<Plugin> {
  let exported: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the plugin's path is configuration, known only at run time
    exported = pluginExport(require(modulePath));
  } catch (err) {
    throw new PluginError(source, `failed to load: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = PluginSchema.safeParse(exported);
  if (!parsed.success) {
    throw new PluginError(
      source,
      parsed.error.issues
        .map((i) => {
          const where = i.path.join('.');
          return i.code === 'unrecognized_keys'
            ? `unknown key(s) ${i.keys.map((k) => `"${k}"`).join(', ')}${where ? ` in ${where}` : ''}`
            : `${where || '(export)'}: ${i.message}`;
        })
        .join('; '),
    );
  }
  // The checked object, with its functions bound as exported (zod keeps them as given).
  return { plugin: exported as Plugin, source, modulePath };
}

export function loadPlugins(sources: PluginSources, reserved: ReservedNames): LoadedPlugins {
  const found: { source: string; modulePath: string }[] = [
    ...sources.dirs.flatMap((d) => pluginFiles(d).map((f) => ({ source: f, modulePath: f }))),
    ...sources.packages.map((p) => {
      try {
        return { source: p, modulePath: require.resolve(p, { paths: [process.cwd()] }) };
      } catch (err) {
        throw new PluginError(p, `package not found: ${(err as Error).message.split('\n')[0]}`);
      }
    }),
  ];
  const out: LoadedPlugins = { analyzers: [], connectors: [] };
  const taken = new Map<string, string>();
  for (const { source, modulePath } of found) {
    const loaded = loadPlugin(source, modulePath);
    const { kind, name } = loaded.plugin;
    const builtIn = kind === 'analyzer' ? reserved.analyzers : reserved.connectors;
    if (builtIn.includes(name)) throw new PluginError(source, `name "${name}" is a built-in ${kind}'s`);
    const other = taken.get(`${kind}:${name}`);
    if (other) throw new PluginError(source, `name "${name}" is already taken by ${other}`);
    taken.set(`${kind}:${name}`, source);
    if (loaded.plugin.kind === 'analyzer') out.analyzers.push(loaded as Loaded<AnalyzerPlugin>);
    else out.connectors.push(loaded as Loaded<ConnectorPlugin>);
  }
  return out;
}
