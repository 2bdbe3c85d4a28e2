// Per-alert and per-incident reports through the real API on a real PostgreSQL: an incident of
// two alerts stored the way the activities store them, with hostile text in every field an
// attacker controls (XSS, template syntax, Markdown links, images and headings, table pipes).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { run as cli } from '../../src/cli/main';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApiServer } from '../../src/api/server';
import { loadConfig } from '../../src/config';
import { Alert } from '../../src/domain/alert';
import { DEFAULT_CORRELATION } from '../../src/domain/correlation';
import { extractObservables } from '../../src/domain/observables';
import { IngestService } from '../../src/ingest/ingest-service';
import { groupByTactic } from '../../src/reports/attack-tactics';
import { REPORT_CSP } from '../../src/reports/render';
import { saveFindings, saveTriage, upsertAlert } from '../../src/store/alerts';
import { createApiToken } from '../../src/store/api-tokens';
import { saveAssessment } from '../../src/store/assessments';
import { appendAudit } from '../../src/store/decisions';
import { upsertIncident } from '../../src/store/incidents';
import { recordResponseAction } from '../../src/store/response-actions';
import { temporalClient } from '../../src/temporal/client';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { sample } from '../api/harness';
import { pdfFirstPagePng, pdfText, PNG_SIGNATURE, pngSize } from '../helpers/pdf';

const XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>';
const TEMPLATE = '{{constructor.constructor("alert(3)")()}} ${process.env.SECRET} <%= 7*7 %>';
const MD = '[click](javascript:alert(4)) ![pixel](http://evil.example/p.png)\n# Injected heading\n| fake | row |';
const TERMINAL = '\u001b]8;;http://evil.example\u0007link\u001b[2J';
const HOSTILE = `${XSS} ${TEMPLATE} ${MD} ${TERMINAL}`;

let db: TestDatabase;
let app: FastifyInstance;
let analyst: string;
let ingestOnly: string;
const run = randomBytes(4).toString('hex');
const incidentId = `incident:report-${run}`;
const ids = [`alert:rep-${run}:1`, `alert:rep-${run}:2`];

beforeAll(async () => {
  db = await openTestDatabase();
  const config = loadConfig({});
  // Report routes read only the store; the ingest service the API needs never runs here (lazy connection).
  const client = temporalClient(config, Connection.lazy({ address: config.temporal.address }));
  app = buildApiServer({
    db: db.pool,
    ingest: new IngestService({ db: db.pool, client, taskQueue: 'reports', policy: config.policy, correlation: DEFAULT_CORRELATION }),
    maxBodyBytes: 1024,
  });
  await app.ready();
  analyst = await createApiToken(db.pool, { name: `report-analyst-${run}`, roles: ['analyst'] });
  ingestOnly = await createApiToken(db.pool, { name: `report-ingest-${run}`, roles: ['ingest'], anySource: true });

  const base = sample('01-encoded-powershell.json');
  const alerts = [
    Alert.parse({
      ...base,
      source: 'edr-sample',
      sourceId: `rep-${run}-1`,
      time: '2026-11-20T09:14:03Z',
      title: `Word spawned PowerShell ${HOSTILE}`,
      attackTechniques: ['T1059.001', 'T1566.001'],
    }),
    Alert.parse({
      ...base,
      source: 'edr-sample',
      sourceId: `rep-${run}-2`,
      time: '2026-11-20T09:20:00Z',
      title: 'LSASS read by rundll32',
      attackTechniques: ['T1003.001', 'T9999'],
      observables: { ...(base.observables as object), hosts: [{ hostname: 'fin-ws-043' }], users: [{ name: `mallory${XSS}` }] },
    }),
  ];
  await upsertIncident(db.pool, { id: incidentId, key: `rule+host:${run}`, alertCount: 2, storm: false, primary: ids[0] });
  for (const [i, alert] of alerts.entries()) {
    await upsertAlert(db.pool, ids[i], alert, extractObservables(alert));
    await db.pool.query('UPDATE alerts SET incident_id = $2 WHERE workflow_id = $1', [ids[i], incidentId]);
  }
  await saveFindings(db.pool, ids[0], [
    {
      analyzer: 'command-line',
      verdict: 'malicious',
      score: 85,
      confidence: 0.8,
      summary: `encoded cradle ${HOSTILE}`,
      evidence: [MD],
      attack: ['T1027'],
    },
    { analyzer: 'threat-intel', verdict: 'benign', score: 0, confidence: 0.3, summary: 'nothing known', evidence: [], attack: [] },
    {
      analyzer: 'yara',
      verdict: 'unknown',
      score: 0,
      confidence: 0,
      summary: 'analyzer failed',
      evidence: [],
      attack: [],
      error: `timed out ${XSS}`,
    },
  ]);
  await saveTriage(
    db.pool,
    ids[0],
    { score: 90, verdict: 'malicious', disposition: 'escalate', reasons: ['high'], confidence: 0.8 } as never,
    true,
  );
  await appendAudit(db.pool, { workflowId: ids[0], step: 'triage', action: 'escalate', actor: 'system:policy@1', reason: 'score 90' });
  await appendAudit(db.pool, {
    workflowId: ids[0],
    step: 'analyst-decision',
    action: 'approve',
    actor: 'alice',
    reason: `contain it ${TEMPLATE}`,
  });
  await recordResponseAction(db.pool, {
    workflow_id: ids[0],
    kind: 'isolate_host',
    target: 'fin-ws-042',
    status: 'done',
    approved_by: 'alice',
    connector: 'manual',
    detail: null,
  });
  await saveAssessment(db.pool, ids[1], 'triage', {
    author: 'deterministic',
    assessment: {
      summary: `Hands-on-keyboard intrusion ${HOSTILE}`,
      narrative: ['Word spawned PowerShell.'],
      citedFindings: ['command-line'],
      recommendedActions: ['Reset j.doe credentials', `Block ${XSS}`],
      openQuestions: [],
    },
  });
});

afterAll(async () => {
  await app?.close();
  await db?.close();
});

const get = (url: string, token = analyst) =>
  app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } } as InjectOptions);
const incidentUrl = (format: string) => `/v1/reports/incidents/${encodeURIComponent(incidentId)}?format=${format}`;

test('the incident report spans both alerts: timeline, hosts, users, tactics, findings, decisions, actions, assessment, IOCs', async () => {
  const res = await get(incidentUrl('md'));
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('text/markdown; charset=utf-8');
  const md = res.body;
  for (const heading of [
    '## Alerts \\(2\\)',
    '## Timeline',
    '## Affected hosts',
    '## ATT&amp;CK techniques by tactic',
    '## Findings that mattered',
    '## Analyzers that failed \\(lower confidence\\)',
    '## Analyst decisions',
    '## Response actions',
    '## Assessment \\(deterministic, advisory\\)',
    '## Recommendations',
    '## Appendix: indicators of compromise',
  ])
    expect(md).toContain(heading);
  expect(md).toContain('- fin\\-ws\\-042');
  expect(md).toContain('- fin\\-ws\\-043');
  // Tactics in kill-chain order, sub-techniques under their parent's tactic, unknown ids last.
  const tactics = md.split('\n').filter((l) => /^- (Initial Access|Execution|Defense Evasion|Credential Access|Other):/.test(l));
  expect(tactics).toEqual([
    '- Initial Access: T1566\\.001',
    '- Execution: T1059\\.001',
    '- Defense Evasion: T1027',
    '- Credential Access: T1003\\.001',
    '- Other: T9999',
  ]);
  // Only the finding that moved the score; the benign one is left out, the failed one listed apart.
  expect(md).toContain('- command\\-line \\(malicious, 85\\)');
  expect(md).not.toContain('threat\\-intel \\(benign');
  expect(md).toContain('- yara on');
  // People's decisions, not the policy's; the action; the IOC appendix from both alerts.
  expect(md).toMatch(/- \S+ alice: analyst\\-decision: approve/);
  const decisions = md.split('## Analyst decisions')[1].split('## ')[0];
  expect(decisions).not.toContain('system:policy');
  expect(md).toContain('- isolate\\_host fin\\-ws\\-042: done via manual, approved by alice');
  expect(md).toContain('| ip | 203\\.0\\.113\\.77 |');
  expect(md).toContain('- Reset j\\.doe credentials');
  // The timeline is in time order: the first alert, its decisions, then the second alert.
  const rows = md.split('\n').filter((l) => l.startsWith('| 20'));
  expect(rows.map((r) => r.split(' | ')[0])).toEqual([...rows.map((r) => r.split(' | ')[0])].sort());
});

test('hostile text is inert in Markdown: no link, image, heading, HTML tag or table row survives', async () => {
  const md = (await get(incidentUrl('md'))).body;
  expect(md).not.toMatch(/<[a-z!/]/i); // no HTML at all
  expect(md).not.toMatch(/[^\\]\]\(/); // no link or image syntax: every ]( is escaped
  expect(md).not.toMatch(/^#+ Injected/m);
  const ours = md.split('\n').filter((l) => l.startsWith('#'));
  expect(ours.every((l) => /^# Incident|^## [A-Z]/.test(l))).toBe(true);
  // Table rows keep their column count: a | inside a value is escaped.
  for (const line of md.split('\n').filter((l) => l.startsWith('| '))) {
    const cells = line.split(/(?<!\\)\|/).length - 2;
    expect([2, 5, 8]).toContain(cells);
  }
  expect(md).toContain('\\{\\{constructor'); // template syntax shown as text
});

test('hostile text is inert in HTML: only our tags, no attributes but ours, a strict CSP, no external resource', async () => {
  const res = await get(incidentUrl('html'));
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(res.headers['content-security-policy']).toBe(REPORT_CSP);
  const html = res.body;
  expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`);
  expect(REPORT_CSP).toMatch(/default-src 'none'/);
  const tags = new Set([...html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1].toLowerCase()));
  expect([...tags].sort()).toEqual([
    'body',
    'h1',
    'h2',
    'head',
    'html',
    'li',
    'meta',
    'p',
    'style',
    'table',
    'tbody',
    'td',
    'th',
    'thead',
    'title',
    'tr',
    'ul',
  ]);
  const attributes = new Set(
    [...html.matchAll(/<[a-z0-9]+\s+([^>]*)>/g)].flatMap((m) => [...m[1].matchAll(/([a-z-]+)=/g)].map((a) => a[1])),
  );
  expect([...attributes].sort()).toEqual(['charset', 'class', 'content', 'http-equiv', 'lang', 'name']);
  // `src=` and `href=` appear only as escaped text (&lt;img src=x ...), never in a tag: the attribute set above.
  expect(html).not.toMatch(/https?:\/\/(?!evil\.example)/); // no resource URL but the escaped hostile text
  expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  expect(html).toContain('{{constructor.constructor(&quot;alert(3)&quot;)()}}');
});

test('the PDF is the HTML printed by Chromium: its text reads as the report, hostile markup appears as text, page one renders', async () => {
  const res = await get(incidentUrl('pdf'));
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('application/pdf');
  const pdf = res.rawPayload;
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const text = pdfText(pdf).replace(/\s+/g, ' ');
  for (const heading of [
    'Alerts (2)',
    'Timeline',
    'ATT&CK techniques by tactic',
    'Findings that mattered',
    'Analyst decisions',
    'Appendix: indicators of compromise',
  ]) {
    expect(text).toContain(heading);
  }
  expect(text).toContain('isolate_host fin-ws-042: done via manual, approved by alice');
  // The script tag and the image were never markup: their source is printed, character for character.
  expect(text).toContain('<script>alert(1)</script><img src=x onerror=alert(2)>');
  expect(text).toContain('{{constructor.constructor("alert(3)")()}}');
  const png = pdfFirstPagePng(pdf);
  expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
  // Chromium's A4 (8.27 x 11.7 in) at 60 dpi, rounded up by pdftoppm.
  expect(pngSize(png)).toEqual({ width: 497, height: 703 });
});

test('the alert report covers one alert; unknown ids are 404; reading needs an analyst role', async () => {
  const one = await get(`/v1/reports/alerts/${encodeURIComponent(ids[1])}?format=md`);
  expect(one.statusCode).toBe(200);
  expect(one.body).toContain('## Alert');
  expect(one.body).toContain('LSASS read by rundll32');
  expect(one.body).not.toContain('encoded cradle'); // the other alert's finding
  expect((await get(`/v1/reports/alerts/${encodeURIComponent(`alert:none-${run}`)}`)).statusCode).toBe(404);
  expect((await get(`/v1/reports/incidents/${encodeURIComponent(`incident:none-${run}`)}`)).statusCode).toBe(404);
  expect((await get(incidentUrl('docx'))).statusCode).toBe(400);
  expect((await get(incidentUrl('md'), ingestOnly)).statusCode).toBe(403);
  expect((await app.inject({ method: 'GET', url: incidentUrl('md') })).statusCode).toBe(401);
});

test('groupByTactic: kill-chain order, parents for sub-techniques, duplicates once', () => {
  expect(groupByTactic(['T1486', 'T1059.001', 'T1059.001', 'T1059', 'T0000'])).toEqual([
    { tactic: 'Execution', techniques: ['T1059', 'T1059.001'] },
    { tactic: 'Impact', techniques: ['T1486'] },
    { tactic: 'Other', techniques: ['T0000'] },
  ]);
});

test('autosoc report prints or writes what the API renders; terminal escapes in alert text never reach the terminal', async () => {
  const apiUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: (t: string) => {
      stdout += t;
    },
    stderr: (t: string) => {
      stderr += t;
    },
    env: { AUTOSOC_API_URL: apiUrl, AUTOSOC_API_TOKEN: analyst },
  };
  expect(await cli(['report', 'incident', incidentId, '--format', 'md'], io)).toBe(0);
  expect(stdout).toBe((await get(incidentUrl('md'))).body);
  expect([...stdout].some((c) => c === '\u001b' || c === '\u0007')).toBe(false);
  expect(stdout).toContain('\ufffd\\]8;;');

  const dir = mkdtempSync(join(tmpdir(), 'autosoc-report-'));
  try {
    const file = join(dir, 'incident.html');
    stdout = '';
    expect(await cli(['report', 'incident', incidentId, '--format', 'html', '--output', file], io)).toBe(0);
    expect(stdout).toBe(`wrote ${file}\n`);
    expect(readFileSync(file, 'utf8')).toBe((await get(incidentUrl('html'))).body);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const pdfFile = join(dir, 'incident.pdf');
    expect(await cli(['report', 'incident', incidentId, '--format', 'pdf', '--output', pdfFile], io)).toBe(0);
    expect(pdfText(readFileSync(pdfFile)).replace(/\s+/g, ' ')).toContain('Appendix: indicators of compromise');
    expect(statSync(pdfFile).mode & 0o777).toBe(0o600);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  stderr = '';
  expect(await cli(['report', 'incident', incidentId, '--format', 'pdf'], io)).toBe(1);
  expect(stderr).toContain('name a file with --output');

  stderr = '';
  expect(await cli(['report', 'alert', `alert:none-${run}`], io)).toBe(1);
  expect(stderr).toContain(`no alert alert:none-${run}`);
  expect(await cli(['report', 'case', 'x'], io)).not.toBe(0);
});
