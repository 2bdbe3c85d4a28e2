// The CLI in-process against the real API server listening on a socket, backed by a Temporal
// dev server, the real worker and PostgreSQL: the same decisions, roles and audit as the API.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AddressInfo, createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { DecisionSigner } from '../../src/security/decision-signer';
import { buildApiServer } from '../../src/api/server';
import { run } from '../../src/cli/main';
import { alertWorkflowId } from '../../src/domain/alert';
import { createApiToken } from '../../src/store/api-tokens';
import { writeLocalDatabaseUrl } from '../../src/store/local-database-url';
import { listAudit } from '../../src/store/decisions';
import { statusQuery } from '../../src/workflows/messages';
import type { AlertStatus } from '../../src/domain/alert-status';
import { sample, startApiHarness, type ApiHarness } from '../api/harness';
import { waitFor } from '../helpers/wait';

let h: ApiHarness;
let app: FastifyInstance;
let apiUrl: string;
type Who = 'ingest' | 'analyst' | 'engineer';
const tokens = {} as Record<Who, string>;
const names = {} as Record<Who, string>;

beforeAll(async () => {
  h = await startApiHarness('cli');
  app = buildApiServer({
    db: h.db.pool,
    ingest: h.ingest,
    client: h.client,
    policy: h.config.policy,
    maxBodyBytes: h.config.api.maxBodyBytes,
    signer: new DecisionSigner(h.config.security.decisionKeys),
  });
  apiUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  for (const who of ['ingest', 'analyst', 'engineer'] as Who[]) {
    names[who] = `cli-${who}-${h.run}`;
    tokens[who] = await createApiToken(h.db.pool, { name: names[who], roles: [who], anySource: who === 'ingest' });
  }
});

afterAll(async () => {
  await app?.close();
  await h?.close();
});

/** Runs `autosoc <argv>` in-process; the analyst's token and the API URL come from the environment. */
async function cli(argv: string[], env: Record<string, string | undefined> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    env: { AUTOSOC_API_URL: apiUrl, AUTOSOC_API_TOKEN: tokens.analyst, DATABASE_URL: process.env.DATABASE_URL, ...env },
  });
  return { code, stdout, stderr };
}

async function escalated(file: string, sourceId: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const alert = sample(file, { sourceId, ...overrides });
  const res = await fetch(`${apiUrl}/v1/alerts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.ingest}`, 'content-type': 'application/json' },
    body: JSON.stringify(alert),
  });
  expect(res.status).toBe(202);
  const workflowId = alertWorkflowId({ source: alert.source as string, sourceId });
  await waitFor(
    () => h.client.workflow.getHandle(workflowId).query(statusQuery),
    (s: AlertStatus) => s.stage === 'awaiting_analyst',
    `${workflowId} awaiting an analyst`,
  );
  return workflowId;
}

let workflowId: string;

test('pending prints an aligned table that lists the escalated alert; --json prints the API response', async () => {
  workflowId = await escalated('01-encoded-powershell.json', `cli-ps-${h.run}`);
  const out = await cli(['pending', '--limit', '500']);
  expect(out).toMatchObject({ code: 0, stderr: '' });
  const lines = out.stdout.trimEnd().split('\n');
  const header = lines[0];
  expect(header).toMatch(/^WORKFLOW ID\s+SEVERITY\s+SCORE\s+VERDICT\s+TIER\s+ASSIGNEE\s+OPENED\s+TITLE$/);
  const row = lines.find((l) => l.startsWith(`${workflowId} `));
  expect(row).toBeDefined();
  // Column-aligned: each value starts where its header does.
  expect(row!.indexOf('high')).toBe(header.indexOf('SEVERITY'));
  expect(row!.indexOf('tier1')).toBe(header.indexOf('TIER'));
  // Unassigned, it sits with its tier, as the workflow's Assignee search attribute says.
  expect(row!.slice(header.indexOf('ASSIGNEE')).startsWith('tier1 ')).toBe(true);
  const { searchAttributes } = await h.client.workflow.getHandle(workflowId).describe();
  expect(searchAttributes.Assignee).toEqual(['tier1']);
  expect(row!.slice(header.indexOf('TITLE'))).toBe(sample('01-encoded-powershell.json').title);

  const json = await cli(['pending', '--json', '--limit', '500']);
  expect(json.code).toBe(0);
  const parsed = JSON.parse(json.stdout);
  expect(parsed.alerts).toEqual(expect.arrayContaining([expect.objectContaining({ workflowId, severity: 'high', tier: 'tier1' })]));
});

test('recent lists the newest alerts with their state, whatever became of them; --json; ingest tokens may not read it', async () => {
  const out = await cli(['recent', '--limit', '500']);
  expect(out).toMatchObject({ code: 0, stderr: '' });
  const lines = out.stdout.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^RECEIVED\s+WORKFLOW ID\s+SEVERITY\s+SCORE\s+VERDICT\s+STATE\s+TITLE$/);
  const row = lines.find((l) => l.includes(` ${workflowId} `));
  expect(row).toBeDefined();
  expect(row!.slice(lines[0].indexOf('STATE')).startsWith('awaiting_analyst ')).toBe(true);

  const json = JSON.parse((await cli(['recent', '--json', '--limit', '500'])).stdout);
  expect(json.alerts).toEqual(
    expect.arrayContaining([expect.objectContaining({ workflowId, severity: 'high', state: 'awaiting_analyst' })]),
  );
  const times = json.alerts.map((a: { receivedAt: string }) => a.receivedAt);
  expect([...times].sort().reverse()).toEqual(times); // newest first

  const refused = await cli(['recent'], { AUTOSOC_API_TOKEN: tokens.ingest });
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/403/);
});

test('show prints the status, case and audit trail; --json parses; an unknown alert exits 1 with the API message', async () => {
  const out = await cli(['show', workflowId]);
  expect(out.code).toBe(0);
  expect(out.stdout).toMatch(new RegExp(`^Alert\\s+${workflowId.replace(/[.:-]/g, '\\$&')}$`, 'm'));
  expect(out.stdout).toMatch(/^Stage\s+awaiting_analyst$/m);
  expect(out.stdout).toMatch(/^Execution\s+RUNNING$/m);
  expect(out.stdout).toMatch(/^Case\s+#\d+ open$/m);
  expect(out.stdout).toMatch(/^Audit trail\nSTEP\s+ACTION\s+ACTOR\s+REASON$/m);
  expect(out.stdout).toMatch(/^case-opened\s+escalate\s+system:triage/m);

  const json = await cli(['--json', 'show', workflowId]);
  expect(JSON.parse(json.stdout)).toMatchObject({
    workflowId,
    execution: 'RUNNING',
    status: { stage: 'awaiting_analyst' },
    case: { status: 'open' },
  });

  const unknown = await cli(['show', `alert:edr-sample:none-${h.run}`]);
  expect(unknown).toMatchObject({ code: 1, stdout: '' });
  expect(unknown.stderr).toBe(`error: no alert alert:edr-sample:none-${h.run} (HTTP 404)\n`);
});

test('close without --reason exits 1 with a message naming the option, and nothing is sent', async () => {
  const out = await cli(['close', workflowId]);
  expect(out.code).toBe(1);
  expect(out.stderr).toMatch(/required option '--reason <text>' not specified/);
  expect(out.stdout).toBe('');
  expect((await h.client.workflow.getHandle(workflowId).query(statusQuery)).stage).toBe('awaiting_analyst');
});

test("an engineer's approve exits 1 with the workflow's role message; comment and assign succeed", async () => {
  const refused = await cli(['approve', workflowId, '--reason', 'contain it', '--token', tokens.engineer]);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toBe(`error: role: approve needs one of analyst, admin; ${names.engineer} has engineer (HTTP 422)\n`);

  const comment = await cli(['comment', workflowId, 'user confirms they did not open the document']);
  expect(comment).toMatchObject({ code: 0, stderr: '' });
  expect(comment.stdout).toMatch(new RegExp(`^comment accepted for ${workflowId.replace(/[.:-]/g, '\\$&')} \\(stage awaiting_analyst\\)`));
  const assign = await cli(['assign', workflowId, 'dana', '--token', tokens.engineer]);
  expect(assign.code).toBe(0);
  const audit = await listAudit(h.db.pool, workflowId);
  expect(audit.filter((a) => ['comment', 'assign'].includes(a.action)).map((a) => [a.action, a.actor])).toEqual([
    ['comment', names.analyst],
    ['assign', names.engineer],
  ]);
});

test("approve --add sends the added action: one that is not on the alert's entities exits 1 with the workflow's message", async () => {
  const out = await cli(['approve', workflowId, '--reason', 'lock out', '--add', 'disable_user:CORP\\someone-else']);
  expect(out.code).toBe(1);
  expect(out.stderr).toMatch(
    /^error: addActions: disable_user:CORP\\someone-else is not on an entity of this alert \(its disable_user targets: disable_user:/,
  );
  expect((await h.client.workflow.getHandle(workflowId).query(statusQuery)).stage).toBe('awaiting_analyst');
});

test('approve succeeds and the workflow completes; approving again exits 1 because the alert is finished', async () => {
  const out = await cli(['approve', workflowId, '--reason', 'macro-launched PowerShell: contain']);
  expect(out).toMatchObject({ code: 0, stderr: '' });
  // The stage the approval moves the alert to, not the awaiting_analyst it leaves.
  expect(out.stdout).toMatch(/^approve accepted for .* \(stage (?!awaiting_analyst)[a-z_]+; approvals 1\/1/);
  const result = await h.client.workflow.getHandle(workflowId).result();
  expect(result).toMatchObject({ outcome: 'recorded_for_manual_action', decision: { action: 'approve', actor: names.analyst } });

  const again = await cli(['--json', 'approve', workflowId, '--reason', 'again']);
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/is finished \(COMPLETED\); it takes no more decisions \(HTTP 409\)/);
  const shown = await cli(['show', workflowId, '--report']);
  expect(shown.stdout).toMatch(/^Outcome\s+recorded_for_manual_action$/m);
  expect(shown.stdout).toMatch(/^Report #\d+\n/m);
});

test('close --false-positive feeds a suggestion; suggestions lists it; accept-suggestion --ttl-days makes it active', async () => {
  const ruleId = `cli-fp-${h.run}`;
  const id = await escalated('02-lsass-dump.json', `cli-fp-${h.run}`, { rule: { id: ruleId } });
  const closed = await cli(['close', id, '--reason', 'backup agent', '--false-positive']);
  expect(closed.code).toBe(0);
  expect(closed.stdout).toMatch(/^close accepted for .* \(stage (?!awaiting_analyst)[a-z_]+;/);
  await h.client.workflow.getHandle(id).result();

  expect((await cli(['suggestions'])).stderr).toMatch(/needs one of the roles engineer, admin.*\(HTTP 403\)/);
  const listed = await cli(['suggestions', '--token', tokens.engineer]);
  expect(listed.code).toBe(0);
  expect(listed.stdout).toMatch(/^ID\s+HITS\s+MATCH\s+REASON$/m);
  const row = listed.stdout.split('\n').find((l) => l.includes(`ruleId=${ruleId}`));
  expect(row).toMatch(
    new RegExp(`^(\\d+)\\s+1\\s+source=edr-sample ruleId=${ruleId} host=srv-dc-01\\s+closed as false positive by ${names.analyst}`),
  );
  const suggestionId = /^(\d+)/.exec(row!)![1];

  const accepted = await cli(['accept-suggestion', suggestionId, '--ttl-days', '7', '--json', '--token', tokens.engineer]);
  expect(accepted.code).toBe(0);
  const { suppression } = JSON.parse(accepted.stdout);
  expect(suppression).toMatchObject({ id: suggestionId, status: 'active' });
  const days = (Date.parse(suppression.expiresAt) - Date.now()) / 86_400_000;
  expect(days).toBeGreaterThan(6.99);
  expect(days).toBeLessThanOrEqual(7);

  const bad = await cli(['accept-suggestion', suggestionId, '--ttl-days', 'soon', '--token', tokens.engineer]);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/option '--ttl-days <n>' argument 'soon' is invalid\. expected a positive whole number/);
});

test('token create prints a token once that then works; a duplicate name, a bad role or no DATABASE_URL exit 1; revoke ends it', async () => {
  const name = `cli-made-${h.run}`;
  const created = await cli(['token', 'create', '--name', name, '--roles', 'analyst,engineer']);
  expect(created.code).toBe(0);
  expect(created.stdout).toMatch(/^asoc_[A-Za-z0-9_-]{43}\n$/);
  expect(created.stderr).toMatch(/shown only this once/);
  const token = created.stdout.trim();
  const { rows } = await h.db.pool.query('SELECT roles FROM api_tokens WHERE name = $1', [name]);
  expect(rows[0].roles).toEqual(['analyst', 'engineer']);
  expect(JSON.stringify(rows)).not.toContain(token); // only its hash is stored
  expect((await cli(['pending', '--json'], { AUTOSOC_API_TOKEN: token })).code).toBe(0);

  const dup = await cli(['token', 'create', '--name', name, '--roles', 'analyst']);
  expect(dup).toMatchObject({ code: 1, stdout: '' });
  expect(dup.stderr).toMatch(/a token named "cli-made-.*" already exists/);
  const badRole = await cli(['token', 'create', '--name', `${name}-x`, '--roles', 'analyst,root']);
  expect(badRole.stderr).toBe('error: unknown role "root": use ingest, analyst, engineer, admin, intel, firewall\n');
  const dataDir = mkdtempSync(join(tmpdir(), 'autosoc-cli-'));
  const noDb = await cli(['token', 'create', '--name', `${name}-y`, '--roles', 'analyst'], {
    DATABASE_URL: undefined,
    AUTOSOC_DATA_DIR: dataDir,
  });
  expect(noDb.code).toBe(1);
  expect(noDb.stderr).toMatch(/no database: .*`npm start`.*DATABASE_URL/);
  // A running `npm start` leaves its embedded database's URL in its data folder: found without DATABASE_URL.
  writeLocalDatabaseUrl(dataDir, process.env.DATABASE_URL!);
  const found = await cli(['token', 'create', '--name', `${name}-z`, '--roles', 'analyst'], {
    DATABASE_URL: undefined,
    AUTOSOC_DATA_DIR: dataDir,
  });
  expect(found).toMatchObject({ code: 0, stdout: expect.stringMatching(/^asoc_/) });
  rmSync(dataDir, { recursive: true });

  const json = await cli(['--json', 'token', 'create', '--name', `${name}-ingest`, '--roles', 'ingest', '--source', 'edr-sample']);
  expect(JSON.parse(json.stdout)).toMatchObject({
    name: `${name}-ingest`,
    roles: ['ingest'],
    source: 'edr-sample',
    token: expect.stringMatching(/^asoc_/),
  });

  expect(await cli(['token', 'revoke', name])).toMatchObject({ code: 0, stdout: `revoked "${name}"\n` });
  const after = await cli(['pending'], { AUTOSOC_API_TOKEN: token });
  expect(after.code).toBe(1);
  expect(after.stderr).toBe('error: unknown or revoked token (HTTP 401)\n');
  expect((await cli(['token', 'revoke', name])).stderr).toMatch(/no active token named/);
});

test('without a token or with an unreachable API the CLI exits 1 and says what to do', async () => {
  const noToken = await cli(['pending'], { AUTOSOC_API_TOKEN: undefined });
  expect(noToken).toMatchObject({ code: 1, stdout: '' });
  expect(noToken.stderr).toMatch(/no API token: set AUTOSOC_API_TOKEN or pass --token/);
  // A port that was free a moment ago: nothing listens there.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  const closedPort = await cli(['pending', '--api-url', `http://127.0.0.1:${port}`]);
  expect(closedPort.code).toBe(1);
  expect(closedPort.stderr).toBe(`error: cannot reach the autosoc API at http://127.0.0.1:${port}: ECONNREFUSED\n`);
  const unknown = await cli(['frobnicate']);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
  expect((await cli(['--help'])).code).toBe(0);
});
