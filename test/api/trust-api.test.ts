// Trust and data protection end to end on real components (dev server, the real worker,
// PostgreSQL, the API listening on a port, the real Temporal CLI):
// - decisions carry the token's identity: one token cannot make a quorum under two names,
//   and the Temporal CLI decides with what `autosoc decision sign` printed;
// - nothing an alert says is readable in Temporal's history; the codec endpoint decodes it
//   for an authenticated caller (or the Web UI's origin) and refuses everyone else.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { FastifyInstance } from 'fastify';
import { codecUiCapability } from '../../src/api/codec-routes';
import { buildApiServer } from '../../src/api/server';
import { alertWorkflowId } from '../../src/domain/alert';
import { DecisionSigner } from '../../src/security/decision-signer';
import { createApiToken } from '../../src/store/api-tokens';
import { dataConverterFor } from '../../src/temporal/client';
import { temporalCliPath } from '../../src/temporal/binaries';
import { statusQuery } from '../../src/workflows/messages';
import type { AlertStatus } from '../../src/domain/alert-status';
import { run as cli } from '../../src/cli/main';
import { waitFor } from '../helpers/wait';
import { sample, startApiHarness, type ApiHarness } from './harness';

let h: ApiHarness;
let app: FastifyInstance;
let apiUrl: string;
const tokens = { ingest: '', alice: '', engineer: '' };
const UI_ORIGIN = 'http://127.0.0.1:18233';

beforeAll(async () => {
  // Containment needs two approvals: the quorum one token must not meet alone.
  const policyFile = join(mkdtempSync(join(tmpdir(), 'trust-')), 'policy.yaml');
  writeFileSync(policyFile, 'approvals:\n  isolate_host:\n    quorum: 2\n');
  h = await startApiHarness('trust', { env: { AUTOSOC_POLICY_FILE: policyFile } });
  app = buildApiServer({
    db: h.db.pool,
    ingest: h.ingest,
    client: h.client,
    policy: h.config.policy,
    maxBodyBytes: h.config.api.maxBodyBytes,
    signer: new DecisionSigner(h.config.security.decisionKeys),
    codec: { codec: dataConverterFor(h.config).payloadCodecs![0], uiOrigin: UI_ORIGIN, uiSecret: h.config.security.payloadKeys[0].key },
  });
  apiUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  tokens.ingest = await createApiToken(h.db.pool, { name: `ingest-${h.run}`, roles: ['ingest'], anySource: true });
  tokens.alice = await createApiToken(h.db.pool, { name: `alice-${h.run}`, roles: ['analyst'] });
  tokens.engineer = await createApiToken(h.db.pool, { name: `eng-${h.run}`, roles: ['engineer'] });
});
afterAll(async () => {
  await app?.close();
  await h?.close();
});

const post = (path: string, token: string | undefined, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${apiUrl}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies checked by the assertions
const json = async (res: Response): Promise<any> => res.json();
const alertPath = (id: string, rest: string) => `/v1/alerts/${encodeURIComponent(id)}${rest}`;

async function escalated(sourceId: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const alert = sample('01-encoded-powershell.json', { sourceId, ...overrides });
  const res = await post('/v1/alerts', tokens.ingest, alert);
  expect(res.status).toBe(202);
  const workflowId = alertWorkflowId({ source: alert.source as string, sourceId });
  await waitFor(
    () => h.client.workflow.getHandle(workflowId).query(statusQuery),
    (s: AlertStatus) => s.stage === 'awaiting_analyst',
    `${workflowId} awaiting an analyst`,
  );
  return workflowId;
}

/** `autosoc ...` as a user would type it, against this API. */
async function autosoc(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await cli(['--api-url', apiUrl, ...args], {
    stdout: (s) => {
      out += s;
    },
    stderr: (s) => {
      err += s;
    },
    env: {},
  });
  return { code, out, err };
}

const temporalCli = (...args: string[]) =>
  promisify(execFile)(temporalCliPath(), [...args, '--address', h.env.address, '--namespace', 'default'], { timeout: 60_000 }).then(
    (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? 1, out: e.stdout ?? '', err: e.stderr ?? '' }),
  );

test('one token cannot meet a quorum of two under two names: the actor is always the token holder', async () => {
  const workflowId = await escalated(`quorum-${h.run}`);
  const first = await post(alertPath(workflowId, '/decide'), tokens.alice, { action: 'approve', reason: 'contain', actor: 'someone-else' });
  expect(first.status).toBe(200);
  // A second approval with the same token, claiming another name in the body: refused.
  const second = await post(alertPath(workflowId, '/decide'), tokens.alice, {
    action: 'approve',
    reason: 'second pair of eyes',
    actor: 'bob',
  });
  expect(second.status).toBe(422);
  expect((await json(second)).error).toMatch(/already approved/);
  const status = await h.client.workflow.getHandle(workflowId).query(statusQuery);
  expect(status).toMatchObject({ stage: 'awaiting_analyst', approvals: [`alice-${h.run}`], approvalsNeeded: 2 });
  // And a signed envelope from the same token, with the name edited, does not verify.
  const signed = await json(await post(alertPath(workflowId, '/signed-decision'), tokens.alice, { action: 'approve', reason: 'x' }));
  const forged = { ...signed, decision: { ...signed.decision, actor: 'bob' } };
  const res = await temporalCli(
    'workflow',
    'update',
    'execute',
    '--workflow-id',
    workflowId,
    '--name',
    'decide',
    '--input',
    JSON.stringify(forged),
  );
  expect(res.code).not.toBe(0);
  expect(res.err + res.out).toMatch(/no signature verifies|already/);
});

test('the Temporal CLI decides with `autosoc decision sign` output; roles come from the token, a forged one is refused', async () => {
  const workflowId = await escalated(`tcli-${h.run}`, { severity: 'medium' });
  // An engineer may not close (policy roles): signing says who they are, the workflow refuses.
  const engineer = await autosoc(
    '--token',
    tokens.engineer,
    'decision',
    'sign',
    workflowId,
    '--action',
    'close',
    '--reason',
    'not mine to close',
  );
  expect(engineer.code).toBe(0);
  const refused = await temporalCli(
    'workflow',
    'update',
    'execute',
    '--workflow-id',
    workflowId,
    '--name',
    'decide',
    '--input',
    engineer.out.trim(),
  );
  expect(refused.code).not.toBe(0);
  expect(refused.err + refused.out).toMatch(/role: close needs one of/);
  // Unsigned, as anyone with Temporal access could send it: refused with the way to do it right.
  const unsigned = await temporalCli(
    'workflow',
    'update',
    'execute',
    '--workflow-id',
    workflowId,
    '--name',
    'decide',
    '--input',
    JSON.stringify({ action: 'close', actor: 'alice', reason: 'x', roles: ['admin'] }),
  );
  expect(unsigned.err + unsigned.out).toMatch(/autosoc decision sign/);

  const alice = await autosoc(
    '--token',
    tokens.alice,
    'decision',
    'sign',
    workflowId,
    '--action',
    'close',
    '--reason',
    'benign: admin test',
  );
  expect(alice.code).toBe(0);
  expect(JSON.parse(alice.out)).toMatchObject({ workflowId, decision: { action: 'close', actor: `alice-${h.run}`, roles: ['analyst'] } });
  const accepted = await temporalCli(
    'workflow',
    'update',
    'execute',
    '--workflow-id',
    workflowId,
    '--name',
    'decide',
    '--input',
    alice.out.trim(),
    '--codec-endpoint',
    `${apiUrl}/codec`,
    '--codec-auth',
    `Bearer ${tokens.alice}`,
  );
  expect(accepted.err).toBe('');
  expect(accepted.code).toBe(0);
  expect(accepted.out).toContain(`alice-${h.run}`); // the status it returns, decoded through the codec endpoint
  // The same signed decision again (a replay) is refused.
  const replayed = await temporalCli(
    'workflow',
    'update',
    'execute',
    '--workflow-id',
    workflowId,
    '--name',
    'decide',
    '--input',
    alice.out.trim(),
  );
  expect(replayed.code).not.toBe(0);
  expect((await h.client.workflow.getHandle(workflowId).result()).outcome).toBe('closed_by_analyst');
});

test("no alert string is readable in Temporal's history; the codec endpoint decodes it for an authenticated caller only", async () => {
  const marker = randomBytes(6).toString('hex');
  const secrets = [`Exfil tool ${marker} on finance host`, `powershell.exe -enc ${marker}QQBBAEEA`, `rule-name-${marker}`];
  const workflowId = await escalated(`plain-${h.run}`, {
    title: secrets[0],
    description: secrets[0],
    rule: { id: 'office-child-powershell', name: secrets[2] },
    observables: {
      ...(sample('01-encoded-powershell.json').observables as object),
      processes: [{ pid: 1, name: 'powershell.exe', commandLine: secrets[1] }],
    },
  });
  expect((await post(alertPath(workflowId, '/decide'), tokens.alice, { action: 'close', reason: `closing ${marker}` })).status).toBe(200);
  await h.client.workflow.getHandle(workflowId).result();

  // The raw history, as the Temporal server stores it and anyone with read access sees it.
  const raw = await Connection.connect({ address: h.env.address });
  let events: temporal.api.history.v1.IHistoryEvent[] = [];
  try {
    const res = await raw.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } });
    events = res.history?.events ?? [];
  } finally {
    await raw.close();
  }
  expect(events.length).toBeGreaterThan(10);
  const bytes = Buffer.from(temporal.api.history.v1.History.encode({ events }).finish());
  for (const s of [marker, ...secrets]) expect(bytes.includes(Buffer.from(s))).toBe(false);
  // Every payload but search attributes (plaintext by Temporal's design) is encrypted.
  const started = events[0].workflowExecutionStartedEventAttributes!;
  const input = started.input!.payloads![0];
  expect(Buffer.from(input.metadata!.encoding!).toString()).toBe('binary/encrypted');

  // The codec endpoint: an analyst's token decodes; no token, or an ingest token, does not.
  const wire = {
    payloads: [
      {
        metadata: Object.fromEntries(Object.entries(input.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
        data: Buffer.from(input.data!).toString('base64'),
      },
    ],
  };
  const decoded = await post('/codec/decode', tokens.alice, wire);
  expect(decoded.status).toBe(200);
  const plain = (await json(decoded)).payloads[0];
  expect(Buffer.from(plain.data, 'base64').toString()).toContain(secrets[1]);
  expect((await post('/codec/decode', undefined, wire)).status).toBe(401);
  expect((await post('/codec/decode', tokens.ingest, wire)).status).toBe(403);

  // The Web UI's capability URL: from the UI's origin only.
  const ui = `/codec/ui/${codecUiCapability(h.config.security.payloadKeys[0].key)}/decode`;
  const fromUi = await post(ui, undefined, wire, { origin: UI_ORIGIN, 'x-namespace': 'default' });
  expect(fromUi.status).toBe(200);
  expect(fromUi.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
  expect((await post(ui, undefined, wire, { origin: 'http://evil.example' })).status).toBe(403);
  expect((await post(`/codec/ui/${'0'.repeat(64)}/decode`, undefined, wire, { origin: UI_ORIGIN })).status).toBe(403);
  // CORS preflight: answered for the UI's origin, refused for any other.
  const preflight = (origin: string) =>
    fetch(`${apiUrl}${ui}`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
    });
  const ok = await preflight(UI_ORIGIN);
  expect(ok.status).toBe(204);
  expect(ok.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
  const evil = await preflight('http://evil.example');
  expect(evil.status).toBe(403);
  expect(evil.headers.get('access-control-allow-origin')).toBeNull();
});
