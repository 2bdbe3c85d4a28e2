// Sigma rules generated from incidents built from public attack command lines: each matches its
// own event and no benign admin command line, passes `sigma check`, and converts to Splunk,
// ES|QL and Kusto hunting queries with pySigma's backends.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SharingPolicy } from '../../src/content/sharing';
import { parseAlert } from '../../src/domain/alert';
import { generateSigmaRules, sigmaFileName, sigmaYaml, type SigmaRule } from '../../src/content/sigma/generate';
import { compileSigmaRule } from '../../src/content/sigma/matcher';
import { NotConfirmed } from '../../src/content/incident';
import { runTool } from '../helpers/field-tools';
import { benignEvents, corpusIncidents } from './incidents-from-corpus';

const sharing = SharingPolicy.parse({ ownDomains: ['corp.example'] });

describe('Sigma rules from corpus incidents', () => {
  const benign = benignEvents();
  const incidents = corpusIncidents(12);
  const generated = incidents.map((incident) => ({ incident, ...generateSigmaRules(incident, { sharing, benign }) }));
  // Incidents with the same technique give the same rule (same id): one file each.
  const rules: SigmaRule[] = [...new Map(generated.flatMap((g) => g.rules).map((r) => [r.id, r])).values()];
  const dir = mkdtempSync(join(tmpdir(), 'autosoc-sigma-'));
  for (const r of rules) writeFileSync(join(dir, sigmaFileName(r)), sigmaYaml(r));

  it('makes process, pair rules for most incidents and says why it dropped the others', () => {
    expect(incidents.length).toBeGreaterThanOrEqual(70);
    const processRules = rules.filter((r) => r.logsource.category === 'process_creation');
    const kept = generated.filter((g) => g.rules.some((r) => r.logsource.category === 'process_creation' && r.detection.selection_cli));
    expect(kept.length).toBeGreaterThanOrEqual(incidents.length * 0.6);
    expect(processRules.length).toBeGreaterThan(kept.length / 2);
    for (const g of generated) for (const d of g.dropped) expect(d.reason).toMatch(/benign|distinctive|own event|random/);
  });

  it('never matches a benign admin command line, always matches its own incident', () => {
    expect(benign.length).toBeGreaterThan(2000);
    for (const g of generated) {
      const own = g.incident.alerts[0].observables.processes.map((p) => ({
        Image: p.path,
        CommandLine: p.commandLine,
        ParentImage: p.parents[0]?.path,
      }));
      for (const r of g.rules) {
        const compiled = compileSigmaRule(r);
        expect(benign.filter((e) => compiled.matches(e))).toEqual([]);
        expect(own.some((e) => compiled.matches(e))).toBe(true);
      }
    }
  });

  it('generalises: no host, user or random token in any rule', () => {
    const text = rules.map(sigmaYaml).join('\n').toLowerCase();
    expect(text).not.toMatch(/ws-0142|jdoe|10\.20\.30\.40/);
    for (const r of rules) {
      expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(r.tags.every((t) => /^attack\.t\d{4}(\.\d{3})?$/.test(t))).toBe(true);
      expect(r.references[0]).toMatch(/^https:\/\/autosoc\.example\.org\/v1\/alerts\//);
    }
  });

  it('passes sigma check (offline validators)', async () => {
    const run = await runTool('sigma', ['check', '--fail-on-error', '--fail-on-issues', '-x', 'attacktag', '-x', 'd3_fendtag', dir]);
    expect(run.stdout + run.stderr).toMatch(/No validation issues found|Found 0 issues/i);
    expect(run.code).toBe(0);
  }, 120_000);

  it.each([
    ['splunk', 'windows', ['-p', 'splunk_windows']],
    ['esql', 'windows', ['-p', 'ecs_windows', '--disable-pipeline-check']],
    ['kusto', 'windows', ['-p', 'microsoft_xdr']],
    ['splunk', 'linux', ['--without-pipeline']],
    ['esql', 'linux', ['--without-pipeline']],
    ['kusto', 'linux', ['-p', 'microsoft_xdr']],
  ])(
    'converts to %s (%s rules) with no failure',
    async (target, product, pipeline) => {
      const files = rules.filter((r) => r.logsource.product === product).map((r) => join(dir, sigmaFileName(r)));
      expect(files.length).toBeGreaterThan(3);
      const run = await runTool('sigma', ['convert', '-t', target, ...pipeline, ...files]);
      expect(run.stderr).not.toMatch(/error/i);
      expect(run.code).toBe(0);
      expect(
        run.stdout
          .trim()
          .split('\n')
          .filter((l) => l.trim()).length,
      ).toBeGreaterThanOrEqual(files.length);
    },
    120_000,
  );

  it('refuses an incident that is neither approved nor malicious', () => {
    const [incident] = incidents;
    expect(() => generateSigmaRules({ ...incident, verdict: 'suspicious' }, { sharing, benign })).toThrow(NotConfirmed);
    expect(
      generateSigmaRules({ ...incident, verdict: 'suspicious', approvedBy: 'alice' }, { sharing, benign }).rules.every(
        (r) => r.level === 'medium',
      ),
    ).toBe(true);
  });
});

describe('Sigma network and file rules', () => {
  const alert = parseAlert({
    source: 'edr',
    sourceId: 'net-1',
    time: '2026-12-01T10:00:00Z',
    title: 'beacon',
    severity: 'high',
    attackTechniques: ['T1071.001'],
    observables: {
      hosts: [{ hostname: 'fin-laptop-7', ip: '10.1.2.3' }],
      users: [{ name: 'mkowalski' }],
      domains: ['update-check.badcdn.net', 'intranet.corp.example', 'fin-laptop-7.corp.example', 'printer.local'],
      ips: ['203.0.113.50', '10.1.2.3', '192.168.1.1'],
      network: [{ srcIp: '10.1.2.3', dstIp: '198.51.100.23', dstPort: 443 }],
      files: [{ name: 'invoice_viewer.hta' }, { name: 'a8f3c2d19e.exe' }],
    },
  });
  const incident = {
    id: 'alert:edr:net-1',
    alerts: [alert],
    verdict: 'malicious' as const,
    references: [],
    confirmedAt: '2026-12-01T11:00:00Z',
  };
  const { rules, dropped } = generateSigmaRules(incident, { sharing, benign: [] });

  it('makes DNS, connection and file rules from shareable indicators only', () => {
    const byCategory = Object.fromEntries(rules.map((r) => [r.logsource.category, r.detection]));
    expect(byCategory.dns_query).toEqual({
      selection: { QueryName: ['update-check.badcdn.net'] },
      selection_sub: { 'QueryName|endswith': ['.update-check.badcdn.net'] },
      condition: '1 of selection*',
    });
    expect(byCategory.network_connection).toEqual({
      selection: { DestinationIp: ['203.0.113.50', '198.51.100.23'] },
      condition: 'selection',
    });
    expect(byCategory.file_event).toEqual({ selection: { 'TargetFilename|endswith': ['\\invoice_viewer.hta'] }, condition: 'selection' });
    expect(dropped).toContainEqual({ title: 'file a8f3c2d19e.exe', reason: 'random or private file name' });
    expect(rules.map(sigmaYaml).join('\n')).not.toMatch(/corp\.example|10\.1\.2\.3|192\.168|printer|mkowalski|fin-laptop/);
  });
});
