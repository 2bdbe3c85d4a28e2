// docker-compose.temporal.yml is for users who run Docker; no Docker engine runs here, so
// this checks what can be checked without one: it parses, persists to PostgreSQL, publishes
// autosoc's default ports, registers every search attribute autosoc sets, pins its images.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { loadConfig } from '../../src/config';
import { searchAttributeFlags } from '../../src/temporal/dev-server';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/workflows/search-attributes';

const COMPOSE_FILE = join(__dirname, '..', '..', 'docker-compose.temporal.yml');

interface Service {
  image?: string;
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { target: number; published: number | string })[];
  depends_on?: string[] | Record<string, unknown>;
  command?: string | string[];
  entrypoint?: string | string[];
}
interface Compose {
  services: Record<string, Service>;
}

function load(): { doc: ReturnType<typeof parseDocument>; compose: Compose } {
  const doc = parseDocument(readFileSync(COMPOSE_FILE, 'utf8'));
  return { doc, compose: doc.toJS() as Compose };
}

/** Compose allows environment as a map or as a list of KEY=VALUE. */
function env(s: Service): Record<string, string> {
  if (Array.isArray(s.environment)) {
    return Object.fromEntries(
      s.environment.map((kv) => {
        const i = kv.indexOf('=');
        return i < 0 ? [kv, ''] : [kv.slice(0, i), kv.slice(i + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v ?? '')]));
}

const dependsOn = (s: Service): string[] => (Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {}));

/** Host port published for a container port, from short ("[ip:]host:container[/proto]") or long syntax. */
function publishedPort(s: Service, containerPort: number): number | undefined {
  for (const p of s.ports ?? []) {
    if (typeof p === 'object') {
      if (p.target === containerPort) return Number(p.published);
      continue;
    }
    const parts = String(p)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    if (parts.length >= 2 && Number(parts[parts.length - 1]) === containerPort) return Number(parts[parts.length - 2]);
  }
  return undefined;
}

const commandText = (s: Service) => [s.entrypoint ?? [], s.command ?? []].flat().join('\n');

/** SearchAttributeType value → the CLI's type name, e.g. KEYWORD_LIST → KeywordList. */
const CLI_TYPE: Record<string, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/** The search-attribute service's registrations, name → CLI type. */
function registeredAttributes(compose: Compose): Map<string, string> {
  const text = commandText(compose.services['temporal-create-search-attributes']);
  const re = /temporal operator search-attribute create --namespace default --name (\S+) --type (\S+)/g;
  return new Map([...text.matchAll(re)].map((m) => [m[1], m[2]]));
}

describe('docker-compose.temporal.yml', () => {
  it('parses as YAML without errors or warnings and defines the expected services', () => {
    const { doc, compose } = load();
    expect(doc.errors).toEqual([]);
    expect(doc.warnings).toEqual([]);
    expect(Object.keys(compose.services).sort()).toEqual([
      'postgresql',
      'temporal',
      'temporal-admin-tools',
      'temporal-create-search-attributes',
      'temporal-ui',
    ]);
  });

  it('runs the Temporal server on PostgreSQL persistence', () => {
    const { compose } = load();
    const pg = compose.services.postgresql;
    expect(pg.image).toMatch(/^postgres:/);
    const pgEnv = env(pg);
    const temporal = compose.services.temporal;
    expect(temporal.image).toMatch(/^temporalio\/auto-setup:/);
    const t = env(temporal);
    expect(t.DB).toBe('postgres12');
    expect(t.DB_PORT).toBe('5432');
    // The seeds name the postgresql service, and the credentials match the ones it creates.
    expect(t.POSTGRES_SEEDS.split(',').map((s) => s.trim())).toContain('postgresql');
    expect(t.POSTGRES_USER).toBe(pgEnv.POSTGRES_USER);
    expect(t.POSTGRES_PWD).toBe(pgEnv.POSTGRES_PASSWORD);
    expect(dependsOn(temporal)).toContain('postgresql');
  });

  it("publishes gRPC and the Web UI on autosoc's default ports", () => {
    const { compose } = load();
    const defaults = loadConfig({}).temporal;
    expect(publishedPort(compose.services.temporal, 7233)).toBe(defaults.port);
    expect(publishedPort(compose.services['temporal-ui'], 8080)).toBe(defaults.uiPort);
  });

  it('points the UI and the admin tools at the temporal service', () => {
    const { compose } = load();
    for (const name of ['temporal-ui', 'temporal-admin-tools', 'temporal-create-search-attributes']) {
      expect([name, env(compose.services[name]).TEMPORAL_ADDRESS]).toEqual([name, 'temporal:7233']);
    }
  });

  it('registers every search attribute autosoc sets, with the matching CLI type', () => {
    const { compose } = load();
    const registered = registeredAttributes(compose);
    const expected = new Map(ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, CLI_TYPE[k.type]]));
    expect(ALL_SEARCH_ATTRIBUTES.length).toBeGreaterThan(0);
    for (const [, cliType] of expected) expect(cliType).toBeDefined();
    expect(registered).toEqual(expected);
    expect(dependsOn(compose.services['temporal-create-search-attributes'])).toContain('temporal');
  });

  it('registers the same attributes and types as the dev server flags', () => {
    const { compose } = load();
    const flags = searchAttributeFlags();
    const fromFlags = new Map<string, string>();
    for (let i = 0; i < flags.length; i += 2) {
      expect(flags[i]).toBe('--search-attribute');
      const [name, type] = flags[i + 1].split('=');
      fromFlags.set(name, type);
    }
    expect(registeredAttributes(compose)).toEqual(fromFlags);
  });

  it('escapes shell variables from compose interpolation and is valid sh', () => {
    const { compose } = load();
    const script = compose.services['temporal-create-search-attributes'].command;
    const text = Array.isArray(script) ? script.join('\n') : String(script);
    // A single `$` would be replaced by compose (with an empty string if unset).
    expect(text.replace(/\$\$/g, '')).not.toContain('$');
    const shell = text.replace(/\$\$/g, '$');
    expect(shell).toMatch(/until temporal operator namespace describe --namespace default/);
    const check = spawnSync('sh', ['-n'], { input: shell, encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('pins every image to an explicit tag', () => {
    const { compose } = load();
    for (const [name, s] of Object.entries(compose.services)) {
      const image = s.image ?? '';
      const tag = /^[^@]+:([^/:@]+)$/.exec(image)?.[1];
      expect([name, tag]).toEqual([name, expect.stringMatching(/^[\w][\w.-]*$/)]);
      expect([name, tag]).not.toEqual([name, 'latest']);
    }
  });
});
