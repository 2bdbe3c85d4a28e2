import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConnectorError } from '../../../src/connectors/connector-http';
import { CapeClient } from '../../../src/connectors/sandbox/cape';
import { CapeServer } from '../../servers/cape-server';
import { capeReport } from './cape-report-fixture';

const TOKEN = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4';
const server = new CapeServer({ token: TOKEN, report: (s) => capeReport(s.taskId, s.sha256, s.filename ?? 'sample') });
const sample = readFileSync('/usr/bin/true'); // a real ELF from this machine; its bytes must arrive intact
let baseUrl: string;
let client: CapeClient;
const settings = (over: Partial<ConstructorParameters<typeof CapeClient>[0]> = {}) => ({
  baseUrl,
  token: TOKEN,
  timeoutMs: 30_000,
  transferTimeoutMs: 30_000,
  maxReportBytes: 1024 * 1024,
  ...over,
});

beforeAll(async () => {
  baseUrl = await server.start();
  client = new CapeClient(settings());
});
afterAll(() => server.stop());
beforeEach(() => {
  server.mode = 'normal';
  server.requests.length = 0;
  server.submissions.length = 0;
  server.statusSequence = ['pending', 'running', 'completed', 'reported'];
});

const rejection = async (p: Promise<unknown>): Promise<ConnectorError> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConnectorError);
  return err as ConnectorError;
};

describe('CAPE client against a local CAPEv2 apiv2 server', () => {
  it('uploads the sample as multipart `file` with the form options and the token header', async () => {
    const id = await client.submitFile(sample, 'invoice "march".exe', {
      timeout: 120,
      package: 'exe',
      priority: 2,
      options: 'procmemdump=1',
    });
    expect(id).toBe(server.submissions[0].taskId);
    const s = server.submissions[0];
    expect(s.content.equals(sample)).toBe(true);
    expect(s.sha256).toBe(createHash('sha256').update(sample).digest('hex'));
    expect(s.filename).toBe('invoice _march_.exe'); // quotes would break the part header
    expect(s.fields).toEqual({ timeout: '120', package: 'exe', priority: '2', options: 'procmemdump=1' });
    expect(server.requests).toEqual([{ method: 'POST', path: '/apiv2/tasks/create/file/', authorization: `Token ${TOKEN}` }]);
  });

  it('reads the task state as it progresses, then the JSON report', async () => {
    const id = await client.submitFile(sample, 'true');
    const states = [];
    for (let i = 0; i < 5; i++) states.push(await client.taskStatus(id));
    expect(states).toEqual(['pending', 'running', 'completed', 'reported', 'reported']);
    const report = await client.report(id);
    expect(report).toMatchObject({ info: { id }, malscore: 8.4, target: { file: { sha256: server.submissions[0].sha256 } } });
    expect(server.requests.map((r) => r.path).slice(1)).toEqual([
      ...Array(5).fill(`/apiv2/tasks/status/${id}/`),
      `/apiv2/tasks/get/report/${id}/`,
    ]);
  });

  it('is refused without the token (401, DRF detail) and with a wrong one', async () => {
    const anonymous = new CapeClient(settings({ token: undefined }));
    const e1 = await rejection(anonymous.taskStatus(1));
    expect(e1).toMatchObject({ kind: 'auth', status: 401 });
    expect(e1.message).toContain('Authentication credentials were not provided.');
    const wrong = new CapeClient(settings({ token: 'wrong-token-value' }));
    const e2 = await rejection(wrong.submitFile(sample, 'x'));
    expect(e2).toMatchObject({ kind: 'auth', status: 401 });
    expect(e2.message).toContain('Invalid token.');
    expect(e2.message).not.toContain('wrong-token-value');
    expect(server.requests.map((r) => r.authorization)).toEqual([undefined, 'Token wrong-token-value']);
  });

  it('turns CAPE error flags into rejected / not-found errors', async () => {
    server.mode = 'submit-error';
    expect(await rejection(client.submitFile(sample, 'x'))).toMatchObject({
      kind: 'rejected',
      message: 'cape submit: Error adding task to database',
    });
    server.mode = 'normal';
    expect(await rejection(client.taskStatus(999_999))).toMatchObject({
      kind: 'not-found',
      message: expect.stringContaining('Task does not exist'),
    });
    const id = await client.submitFile(sample, 'x');
    expect(await rejection(client.report(id))).toMatchObject({
      kind: 'rejected',
      message: expect.stringContaining('Task is still being analyzed'),
    });
  });

  it('reports a failed analysis as its state', async () => {
    server.statusSequence = ['pending', 'running', 'failed_analysis'];
    const id = await client.submitFile(sample, 'x');
    expect([await client.taskStatus(id), await client.taskStatus(id), await client.taskStatus(id)]).toEqual([
      'pending',
      'running',
      'failed_analysis',
    ]);
    expect(await rejection(client.report(id))).toMatchObject({ kind: 'rejected', message: expect.stringContaining('Task failed') });
  });

  it('classifies 500 and silence as unavailable (worth retrying)', async () => {
    server.mode = 'server-error';
    expect(await rejection(client.taskStatus(41))).toMatchObject({ kind: 'unavailable', status: 500 });
    server.mode = 'hang';
    const quick = new CapeClient(settings({ timeoutMs: 150 }));
    expect(await rejection(quick.taskStatus(41))).toMatchObject({ kind: 'unavailable', message: 'no answer within 150 ms' });
  });

  it("throws the caller's own abort reason when its signal fires (activity cancellation)", async () => {
    server.mode = 'hang';
    const controller = new AbortController();
    const reason = new Error('activity cancelled');
    const pending = client.taskStatus(41, controller.signal);
    setImmediate(() => controller.abort(reason));
    await expect(pending).rejects.toBe(reason);
  });

  it('refuses a report larger than its limit', async () => {
    const small = new CapeClient(settings({ maxReportBytes: 512 }));
    server.statusSequence = ['reported'];
    const id = await small.submitFile(sample, 'x');
    await small.taskStatus(id);
    expect(await rejection(small.report(id))).toMatchObject({ kind: 'too-large' });
  });

  it('reports an unreachable CAPE as unavailable', async () => {
    const closed = new CapeClient(settings({ baseUrl: 'http://127.0.0.1:9' }));
    expect(await rejection(closed.taskStatus(1))).toMatchObject({ kind: 'unavailable', message: expect.stringContaining('network error') });
  });
});
