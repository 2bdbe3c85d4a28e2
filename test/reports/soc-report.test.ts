// The SOC report of the fixture week (test/fixtures/soc-history.ts) through the real API and CLI:
// figures as laid out, charts drawn by Vega as SVG inside the HTML and PDF, the hostile rule
// name inert everywhere. AUTOSOC_DOCS_IMAGES=1 also writes page one to docs/images for the README.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApiServer } from '../../src/api/server';
import { run as cli } from '../../src/cli/main';
import { loadConfig } from '../../src/config';
import { DEFAULT_CORRELATION } from '../../src/domain/correlation';
import { periodBefore } from '../../src/domain/report-period';
import { IngestService } from '../../src/ingest/ingest-service';
import { escapeMarkdown } from '../../src/reports/escape';
import { createApiToken } from '../../src/store/api-tokens';
import { temporalClient } from '../../src/temporal/client';
import '../api/harness'; // app.inject() needs its CommonJS stand-in for cookie@2
import { insertSocHistory, type SocHistory } from '../fixtures/soc-history';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { pdfFirstPagePng, pdfText, PNG_SIGNATURE } from '../helpers/pdf';

let db: TestDatabase;
let app: FastifyInstance;
let h: SocHistory;
let analyst: string;

beforeAll(async () => {
  db = await openTestDatabase();
  const config = loadConfig({});
  const client = temporalClient(config, Connection.lazy({ address: config.temporal.address }));
  app = buildApiServer({
    db: db.pool,
    ingest: new IngestService({ db: db.pool, client, taskQueue: 'soc-report', policy: config.policy, correlation: DEFAULT_CORRELATION }),
    maxBodyBytes: 1024,
  });
  await app.ready();
  h = await insertSocHistory(db.pool);
  analyst = await createApiToken(db.pool, { name: `soc-analyst-${h.run}`, roles: ['analyst'] });
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});

const get = (url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${analyst}` } } as InjectOptions);
const socUrl = (format: string) => `/v1/reports/soc?${new URLSearchParams({ from: h.from.toISOString(), to: h.to.toISOString(), format })}`;
/** The SVG documents of the page's charts, decoded from their data: URLs. */
const chartsOf = (html: string) =>
  [...html.matchAll(/<img class="chart" alt="([^"]*)" src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)">/g)].map((m) => ({
    alt: m[1],
    svg: Buffer.from(m[2], 'base64').toString('utf8'),
  }));

test('Markdown: the figures of the week as computed in SQL, formatted', async () => {
  const res = await get(socUrl('md'));
  expect(res.statusCode).toBe(200);
  const md = res.body;
  expect(md.split('\n')[0]).toBe(
    `# ${escapeMarkdown(`SOC report ${h.from.toISOString().slice(0, 10)} to ${h.to.toISOString().slice(0, 10)}`)}`,
  );
  expect(md).toContain('- 14 alerts received \\(2 suppressed at ingest\\), 2 incidents, 1 storms');
  expect(md).toContain('- Auto\\-close rate: 36\\.4% \\(4 of 11 triaged alerts closed with no analyst\\)');
  expect(md).toContain('| critical | 2 | 1 | 1\\.0 min | 1\\.0 min | 2 | 1\\.1 h | 1\\.8 h |');
  expect(md).toContain('| high | 3 | 3 | 5\\.0 min | 9\\.0 min | 3 | 30\\.0 min | 54\\.0 min |');
  expect(md).toContain('| medium | 1 | 1 | 30 s | 30 s | 0 | \\- | \\- |');
  expect(md).toContain('| tier1 | 2 | 2 |');
  expect(md).toContain(
    '| edr | ocsf | 4 |\n| edr | ecs | 3 |\n| siem | wazuh | 3 |\n| edr | cef | 2 |\n| mail | eml | 1 |\n| mail | unknown | 1 |',
  );
  expect(md).toContain('| alice | 3 | 3 | 0 | 2 | 0 | 1 | 0 | 2 |');
  expect(md).toContain(`| ${h.rule1.replace(/-/g, '\\-')} | 9 | 3 | 2 | 66\\.7% |`);
  expect(md).toContain(`host=WS\\-01, ruleId=${h.rule1.replace(/-/g, '\\-')}, source=edr | 5 | 55\\.6% |`);
  expect(md).toContain('| isolate\\_host | 2 | 1 | 0 | 1 |');
  expect(md).toContain('- analyzer yara failed on 2 alerts');
  expect(md).toContain('- Temporal was not asked about failed or retrying runs');
  expect(md).not.toMatch(/<[a-z!/]/i); // the hostile rule name is escaped
  expect(md).toContain('Noisy &lt;script&gt;alert\\(1\\)&lt;/script&gt;');
});

test('HTML: four charts drawn by Vega as SVG images; the hostile rule name is text inside the SVG, never markup', async () => {
  const html = (await get(socUrl('html'))).body;
  const charts = chartsOf(html);
  expect(charts.map((c) => c.alt)).toEqual([
    'Alerts by severity',
    'Alerts by ingest format',
    'Median minutes to acknowledge and to resolve',
    'Noisiest rules',
  ]);
  for (const { svg } of charts) {
    expect(svg.startsWith('<svg')).toBe(true);
    const tags = new Set([...svg.matchAll(/<([a-zA-Z][\w-]*)/g)].map((m) => m[1]));
    expect(
      [...tags].filter((t) => !['svg', 'g', 'path', 'rect', 'text', 'line', 'defs', 'clipPath', 'title', 'tspan'].includes(t)),
    ).toEqual([]);
  }
  const rules = charts[3].svg;
  // Vega shortens long labels with an ellipsis; what shows is escaped text.
  expect(rules).toContain('Noisy &lt;script&gt;alert(1)&lt;/script&gt;');
  expect(rules).not.toMatch(/<script|<b>|onerror/);
  // Each bar is one path whose aria-label names its datum: the full rule name, escaped inside the attribute.
  const bars = (svg: string) =>
    [...svg.matchAll(/<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="bar"/g)].map((b) => b[1]);
  expect(bars(rules)).toEqual([
    `alerts: 9; label: Noisy &lt;script&gt;alert(1)&lt;/script&gt; &quot;rule&quot; &amp; &lt;b&gt;co&lt;/b&gt;`,
    'alerts: 3; label: Impossible travel',
  ]);
  expect(bars(charts[0].svg)).toHaveLength(5); // one per severity with alerts
  expect(bars(charts[1].svg)).toEqual([
    'alerts: 4; label: ocsf',
    'alerts: 3; label: ecs',
    'alerts: 3; label: wazuh',
    'alerts: 2; label: cef',
    'alerts: 1; label: eml',
    'alerts: 1; label: unknown',
  ]);
  expect(bars(charts[2].svg)).toHaveLength(5); // MTTA for three severities, MTTR for the two with closed cases
  expect(html).not.toMatch(/<script/i);
  expect(html).toContain('Noisy &lt;script&gt;alert(1)&lt;/script&gt; &quot;rule&quot; &amp; &lt;b&gt;co&lt;/b&gt;');
});

test('PDF: the report printed with its charts; the hostile rule name reads as text; page one renders', async () => {
  const res = await get(socUrl('pdf'));
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('application/pdf');
  const text = pdfText(res.rawPayload).replace(/\s+/g, ' ');
  for (const heading of [
    'Summary',
    'Alerts by severity',
    'Alerts by source and ingest format',
    'Time to acknowledge and to resolve, per severity',
    'Noisiest rules',
    'Tuning suggestions that would cut them',
    'Pipeline health',
  ]) {
    expect(text).toContain(heading);
  }
  // In the chart (shortened by Vega to fit) and in the tables, the rule name prints as the characters it is.
  expect(text).toContain('Noisy <script>alert(1)</script>… Impossible travel');
  expect(text).toContain('<b>co</b>');
  expect(text).toContain('high 3 3 5.0 min 9.0 min 3 30.0 min 54.0 min');
  // Chart axis labels are SVG text: Chromium keeps them as text in the PDF.
  expect(text).toContain('informational');
  const png = pdfFirstPagePng(res.rawPayload, 80);
  expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
  if (process.env.AUTOSOC_DOCS_IMAGES === '1') writeFileSync(join(__dirname, '../../docs/images/soc-weekly-report.png'), png);
});

test('autosoc report soc --from --to --format pdf writes the PDF; a bad period is refused', async () => {
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
  const dir = mkdtempSync(join(tmpdir(), 'autosoc-soc-'));
  try {
    const file = join(dir, 'soc.pdf');
    expect(
      await cli(['report', 'soc', '--from', h.from.toISOString(), '--to', h.to.toISOString(), '--format', 'pdf', '--output', file], io),
    ).toBe(0);
    expect(pdfText(readFileSync(file)).replace(/\s+/g, ' ')).toContain('14 alerts received (2 suppressed at ingest)');
    stdout = '';
    expect(await cli(['report', 'soc', '--from', h.from.toISOString(), '--to', h.to.toISOString()], io)).toBe(0);
    expect(stdout).toBe((await get(socUrl('md'))).body);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  expect(await cli(['report', 'soc', '--from', h.to.toISOString(), '--to', h.from.toISOString()], io)).toBe(1);
  expect(stderr).toContain('to must be after from');
  expect(await cli(['report', 'soc', '--from', 'last tuesday'], io)).toBe(1);
  expect(stderr).toContain('expected an ISO date or date-time');
  expect((await get('/v1/reports/soc?from=2020-01-01&to=2022-01-01')).statusCode).toBe(400);
});

test('periodBefore: the last complete day, week and month before a moment, in UTC', () => {
  const at = new Date('2026-03-04T05:06:07Z');
  expect(periodBefore('daily', at)).toEqual({ from: new Date('2026-03-03T00:00:00Z'), to: new Date('2026-03-04T00:00:00Z') });
  expect(periodBefore('weekly', at)).toEqual({ from: new Date('2026-02-25T00:00:00Z'), to: new Date('2026-03-04T00:00:00Z') });
  expect(periodBefore('monthly', at)).toEqual({ from: new Date('2026-02-01T00:00:00Z'), to: new Date('2026-03-01T00:00:00Z') });
  expect(periodBefore('monthly', new Date('2026-01-15T00:00:00Z'))).toEqual({
    from: new Date('2025-12-01T00:00:00Z'),
    to: new Date('2026-01-01T00:00:00Z'),
  });
});
