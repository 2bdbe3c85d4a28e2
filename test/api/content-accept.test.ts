// Accepting content closes the loop: a YARA rule generated from a confirmed incident's sample,
// and the incident's IOC set, accepted through the API (role-checked, audited), make the
// worker's own investigation plan (built before the accept, as a running worker's is) flag the
// next alert carrying the same sample or indicator.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { YARA_ANALYZER } from '../../src/analyzers/yara';
import { THREAT_INTEL_ANALYZER } from '../../src/intel/ioc-match';
import { buildApiServer } from '../../src/api/server';
import { run as cli } from '../../src/cli/main';
import { loadConfig } from '../../src/config';
import { confirmedIncidentFromStore } from '../../src/content/from-store';
import { benignFilesFromFolders, benignFilesFromStore, samplesFromStore } from '../../src/content/yara/benign-files';
import { generateYaraRules } from '../../src/content/yara/generate';
import { parseAlert } from '../../src/domain/alert';
import { DEFAULT_CORRELATION } from '../../src/domain/correlation';
import type { Finding } from '../../src/domain/finding';
import { extractObservables } from '../../src/domain/observables';
import { IngestService } from '../../src/ingest/ingest-service';
import { defaultPlan } from '../../src/investigation/default-plan';
import { runInvestigation } from '../../src/investigation/investigate';
import { pgInvestigationStore } from '../../src/investigation/store';
import { upsertAlert } from '../../src/store/alerts';
import { createApiToken } from '../../src/store/api-tokens';
import { linkEvidence, storeEvidence } from '../../src/store/evidence';
import { CORPUS_DIR } from '../helpers/corpus';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { devServerEnv, uniqueSuffix } from '../helpers/temporal';
import { implantSample } from '../content/samples';

const run = uniqueSuffix();
const C2 = `https://c2-${run}.badcdn-example.net/gate`;
let db: TestDatabase;
let env: TestWorkflowEnvironment;
let app: FastifyInstance;
let base: string;
const acceptedDir = join(mkdtempSync(join(tmpdir(), 'accepted-')), 'yara-accepted');
const tokens = { engineer: '', analyst: '', intel: '' };

async function alertWithSample(name: string, verdict?: string) {
  const workflowId = `alert:edr:${name}-${run}`;
  const alert = parseAlert({
    source: 'edr',
    sourceId: `${name}-${run}`,
    time: '2026-12-01T10:00:00Z',
    title: 'Implant',
    severity: 'high',
    attackTechniques: ['T1105'],
    observables: { hosts: [{ hostname: 'ws-0142' }], urls: [C2] },
  });
  await upsertAlert(db.pool, workflowId, alert, extractObservables(alert));
  if (verdict) await db.pool.query('UPDATE alerts SET verdict = $2 WHERE workflow_id = $1', [workflowId, verdict]);
  const ref = await storeEvidence(db.pool, {
    kind: 'sample',
    mediaType: 'application/octet-stream',
    name: 'update.exe',
    content: implantSample(),
  });
  await linkEvidence(db.pool, workflowId, ref);
  return { workflowId, alert, ref };
}

const post = (path: string, token: string, body: unknown) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  [db, env] = await Promise.all([openTestDatabase(), devServerEnv()]);
  const policy = loadConfig({}).policy;
  const ingest = new IngestService({
    db: db.pool,
    client: env.client,
    taskQueue: `accept-${run}`,
    policy,
    correlation: DEFAULT_CORRELATION,
  });
  app = buildApiServer({ db: db.pool, ingest, policy, maxBodyBytes: 1 << 20, acceptedYaraDir: acceptedDir });
  base = (await app.listen({ host: '127.0.0.1', port: 0 })).replace(/\/$/, '');
  tokens.engineer = await createApiToken(db.pool, { name: `eng-${run}`, roles: ['engineer'] });
  tokens.analyst = await createApiToken(db.pool, { name: `analyst-${run}`, roles: ['analyst'] });
  tokens.intel = await createApiToken(db.pool, { name: `intel-${run}`, roles: ['intel'] });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await env?.teardown();
  await db?.close();
});

describe('accepting content', () => {
  it('an accepted YARA rule and IOC set flag the next alert with the same sample', async () => {
    // The worker's plan, built once, before anything is accepted.
    const plan = defaultPlan(db.pool, { yaraDirs: [acceptedDir] });
    const investigate = async (a: Awaited<ReturnType<typeof alertWithSample>>): Promise<Finding[]> =>
      runInvestigation(
        pgInvestigationStore(db.pool),
        plan,
        { observables: extractObservables(a.alert), processes: [], files: [] },
        [a.ref],
        { source: 'edr' },
      );
    // Object findings are named "<analyzer>:<file name>".
    const yaraOf = (f: Finding[]) => f.find((x) => x.analyzer === `${YARA_ANALYZER}:update.exe`)!;
    const intelOf = (f: Finding[]) => f.find((x) => x.analyzer === THREAT_INTEL_ANALYZER)!;

    const incident = await alertWithSample('first', 'malicious');
    const before = await investigate(incident);
    const benign = await benignFilesFromStore(db.pool, benignFilesFromFolders([CORPUS_DIR]));
    const {
      rules: [rule],
    } = generateYaraRules(
      await confirmedIncidentFromStore(db.pool, incident.workflowId),
      await samplesFromStore(db.pool, incident.workflowId),
      benign,
    );
    expect(yaraOf(before).summary).not.toContain(rule.name);
    expect(intelOf(before).verdict).not.toBe('malicious');

    // Role-checked: analysts and intel readers may not change what every analysis flags.
    expect((await post('/v1/content/yara-rules', tokens.analyst, { rule: rule.source })).status).toBe(403);
    expect((await post('/v1/content/yara-rules', tokens.engineer, { rule: 'rule broken { condition: nope }' })).status).toBe(400);
    expect(
      (await post('/v1/content/yara-rules', tokens.engineer, { rule: 'include "/etc/passwd"\nrule x { condition: true }' })).status,
    ).toBe(400);
    const accepted = await post('/v1/content/yara-rules', tokens.engineer, { rule: rule.source });
    expect(accepted.status).toBe(201);
    expect(((await accepted.json()) as { rules: string[] }).rules).toEqual([rule.name]);
    expect(readdirSync(acceptedDir)).toEqual([`${rule.name}.yar`]);
    // A second rule reusing a bundled rule's name would silently drop one of them: refused.
    expect(
      (await post('/v1/content/yara-rules', tokens.engineer, { rule: 'rule autosoc_eicar_test_file { condition: false }' })).status,
    ).toBe(409);

    expect((await post('/v1/content/iocs', tokens.intel, { workflowId: incident.workflowId })).status).toBe(403);
    const iocs = await post('/v1/content/iocs', tokens.analyst, { workflowId: incident.workflowId });
    expect(iocs.status).toBe(201);
    expect(((await iocs.json()) as { added: number }).added).toBeGreaterThanOrEqual(2); // the URL and its host

    // The next alert with the same sample and C2, investigated by the same plan.
    const next = await investigate(await alertWithSample('next'));
    expect(yaraOf(next)).toMatchObject({ verdict: 'malicious' });
    expect(yaraOf(next).summary).toContain(rule.name);
    expect(intelOf(next).verdict).toBe('malicious');

    const audit = await db.pool.query<{ actor: string; outcome: string; detail: Record<string, unknown> }>(
      "SELECT actor, outcome, detail FROM audit_log WHERE actor = ANY($1) AND action LIKE 'POST /v1/content/%' ORDER BY id",
      [[`eng-${run}`, `analyst-${run}`]],
    );
    expect(audit.rows.some((r) => r.actor === `eng-${run}` && JSON.stringify(r.detail).includes(rule.name))).toBe(true);
    expect(audit.rows.some((r) => r.actor === `analyst-${run}` && r.detail.workflowId === incident.workflowId)).toBe(true);
  }, 120_000);

  it("the CLI accepts a rule file and an IOC set through the API with the caller's token", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-accept-'));
    const file = join(dir, 'local.yar');
    writeFileSync(file, `rule autosoc_cli_accepted_${run.replace(/-/g, '_')} { strings: $a = "cli-accepted-${run}" condition: $a }\n`);
    const io = (token: string) => {
      let out = '',
        err = '';
      return {
        io: {
          stdout: (s: string) => {
            out += s;
          },
          stderr: (s: string) => {
            err += s;
          },
          env: { AUTOSOC_API_URL: base, AUTOSOC_API_TOKEN: token, PATH: process.env.PATH },
        },
        out: () => out,
        err: () => err,
      };
    };
    const eng = io(tokens.engineer);
    expect(await cli(['content', 'accept-yara', file], eng.io)).toBe(0);
    expect(eng.out()).toMatch(/accepted autosoc_cli_accepted_/);
    const analyst = io(tokens.analyst);
    expect(await cli(['content', 'accept-yara', file], analyst.io)).toBe(1);
    expect(analyst.err()).toMatch(/HTTP 403/);
    expect(await cli(['content', 'accept-iocs', '--ioc', 'domain:cli-accepted.badcdn-example.net'], analyst.io)).toBe(0);
    expect(analyst.out()).toMatch(/added 1 indicator/);
  });
});
