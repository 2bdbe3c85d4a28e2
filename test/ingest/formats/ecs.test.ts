import { parseAlert } from '../../../src/domain/alert';
import { detectEcs, ecsSeverity, mapEcs } from '../../../src/ingest/formats/ecs';
import { detectOcsf } from '../../../src/ingest/formats/ocsf';
import { NormalizeError } from '../../../src/ingest/formats/types';
import { detectWazuh } from '../../../src/ingest/formats/wazuh';
import { corpusPath } from '../../helpers/corpus';
import { alertOf, autosocSamples, ctx, ecsDocs, jsonLines, mapAll, ocsfDocs, omit, wazuhDocs } from './docs';

type Obj = Record<string, unknown>;
const KIBANA = 'kibana_es_archive_query_alert_endpoint_security.json';
const DEFENDER = 'elastic_integrations_microsoft_defender_endpoint_alert_sample_event.json';
const kibanaSource = () => ((ecsDocs()[0].doc as Obj).value as Obj).source as Obj;

/** Every dotted key written as nested objects ({"a.b": 1} → {a: {b: 1}}). */
function nest(o: unknown): unknown {
  if (Array.isArray(o)) return o.map(nest);
  if (typeof o !== 'object' || o === null) return o;
  const out: Obj = {};
  for (const [key, value] of Object.entries(o)) {
    const parts = key.split('.');
    let node = out;
    for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Obj;
    const last = parts[parts.length - 1];
    const v = nest(value);
    node[last] = typeof node[last] === 'object' && typeof v === 'object' ? { ...(node[last] as Obj), ...(v as Obj) } : v;
  }
  return out;
}

/** Every nested object written as dotted keys, arrays kept ({a: {b: 1}} → {"a.b": 1}). */
function flatten(o: Obj, prefix = '', out: Obj = {}): Obj {
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) flatten(v as Obj, `${prefix}${k}.`, out);
    else out[`${prefix}${k}`] = v;
  }
  return out;
}

const withoutRaw = (doc: unknown) => omit(parseAlert(mapEcs(doc, ctx).alert), 'raw');

describe('ECS corpus', () => {
  const outcome = mapAll('ecs', ecsDocs(), mapEcs);

  it('maps both Elastic alert documents', () => {
    expect(outcome.rejected).toEqual([]);
    expect(outcome.mapped).toHaveLength(2);
  });

  it('maps the Kibana detection alert (es_archiver wrapper, dotted and nested keys mixed)', () => {
    const a = alertOf(outcome, KIBANA);
    expect(a).toMatchObject({
      source: 'elastic',
      sourceId: 'eabbdefc23da981f2b74ab58b82622a97bb9878caa11bc914e2adfacc94780f1',
      time: '2023-04-27T11:03:57.906Z',
      title: 'Endpoint Security',
      severity: 'medium',
      product: { name: 'Elastic Security', vendor: 'Elastic' },
      rule: { id: '9a1a2dae-0b5f-4c3d-8305-a268d404c306', name: 'Endpoint Security' },
      attackTechniques: [],
    });
    expect(a.description).toMatch(/^malware event with process malware writer/);
    expect(a.observables.hosts).toEqual([{ hostname: 'Host-fwarau82er', ip: '10.249.37.72', os: 'macOS Monterey' }]);
    expect(a.observables.ips).toEqual(['10.150.39.243', '10.186.17.170']);
    expect(a.observables.users).toEqual([{ name: 'user1' }]);
    // The fixture's hashes are the placeholders "fake md5" …: dropped, not fatal.
    expect(a.observables.processes).toEqual([{ pid: 2, name: 'malware writer', path: 'C:/malware.exe', parents: [{ pid: 1 }] }]);
    expect(a.observables.files).toEqual([{ path: 'C:/fake_malware.exe', name: 'fake_malware.exe', size: 3456 }]);
    expect(a.raw).toEqual(ecsDocs()[0].doc);
  });

  it('maps the Defender for Endpoint integration alert (event.kind: alert)', () => {
    const a = alertOf(outcome, DEFENDER);
    expect(a).toMatchObject({
      source: 'microsoft_defender_endpoint',
      sourceId: 'da637472900382838869_1364969609',
      time: '2025-10-16T10:42:06.592Z',
      title: 'Low-reputation arbitrary code executed by signed executable',
      severity: 'low', // event.severity 21
      product: { name: 'Defender for Endpoint', vendor: 'Microsoft' },
    });
    expect(a.description).toMatch(/^Binaries signed by Microsoft/);
    expect(a.observables.hosts).toEqual([{ hostname: 'temp123.middleeast.corp.microsoft.com' }]);
    expect(a.observables.users).toEqual([{ name: 'temp123', domain: 'DOMAIN' }]);
  });

  it('reads flattened, nested and search-hit forms of the same alert alike', () => {
    const source = kibanaSource();
    const expected = withoutRaw(ecsDocs()[0].doc);
    expect(withoutRaw(nest(source))).toEqual(expected);
    expect(withoutRaw(flatten(source))).toEqual(expected);
    expect(withoutRaw({ _index: '.alerts-security.alerts-default', _id: 'ignored-for-kibana-uuid', _source: source })).toEqual(expected);
  });

  it('takes no prebuilt rule definition for an alert', () => {
    const rules = jsonLines(corpusPath('ecs', 'elastic_prebuilt_rules_catalog.jsonl'));
    expect(rules.length).toBe(2192);
    expect(rules.filter(detectEcs)).toEqual([]);
  });
});

describe('detectEcs', () => {
  it('is true for the ECS alerts and false for every other format', () => {
    for (const { doc } of ecsDocs()) expect([detectEcs(doc), detectWazuh(doc), detectOcsf(doc)]).toEqual([true, false, false]);
    const others = [
      ...wazuhDocs(),
      ...ocsfDocs('findings'),
      ...ocsfDocs('findings_prowler'),
      ...ocsfDocs('other_events'),
      ...autosocSamples(),
    ];
    expect(others.filter((d) => detectEcs(d.doc)).map((d) => d.name)).toEqual([]);
  });

  it('is true for a search hit wrapping an ECS alert and false for scalars', () => {
    expect(detectEcs({ _id: 'x', _index: 'logs', _source: { event: { kind: 'alert' } } })).toBe(true);
    expect([null, 'text', 42, []].map(detectEcs)).toEqual([false, false, false, false]);
  });
});

describe('mapEcs on hand-written documents', () => {
  const base = {
    '@timestamp': '2026-03-01T10:00:00+01:00',
    ecs: { version: '8.11.0' },
    event: { kind: 'alert', id: 'ev-1', module: 'crowdstrike' },
    rule: { name: 'Suspicious PowerShell', id: 'R-7' },
  };

  it('reads every observable family and ATT&CK ids from both threat layouts', () => {
    const sha256 = 'ab'.repeat(32);
    const { alert } = mapEcs(
      {
        ...base,
        'kibana.alert.rule.threat': [
          { framework: 'MITRE ATT&CK', technique: [{ id: 'T1059', subtechnique: [{ id: 'T1059.001' }] }, { id: 'T1105' }] },
        ],
        threat: { technique: { id: ['T1566'], subtechnique: { id: 'T1566.002' } } },
        'kibana.alert.uuid': 'k-1',
        'kibana.alert.severity': 'critical',
        host: { name: 'ws-1', ip: ['10.0.0.5', '10.0.0.6'], os: { name: 'Windows' } },
        user: { name: 'alice', domain: 'CORP' },
        process: {
          pid: 4242,
          name: 'powershell.exe',
          executable: 'C:\\Windows\\powershell.exe',
          command_line: 'powershell -enc AAAA',
          hash: { sha256 },
          code_signature: { subject_name: 'Microsoft Windows' },
          user: { name: 'alice' },
          parent: {
            pid: 100,
            executable: 'C:\\Office\\WINWORD.EXE',
            command_line: 'WINWORD.EXE /n',
            parent: { pid: 7, executable: 'C:\\Windows\\explorer.exe' },
          },
        },
        file: { path: '/tmp/x.sh', hash: { md5: 'cd'.repeat(16) } },
        source: { ip: '10.0.0.5', port: 50123 },
        destination: { ip: '203.0.113.9', port: 443 },
        network: { transport: 'tcp', direction: 'egress' },
        dns: { question: { name: 'evil.example' } },
        url: { full: 'https://evil.example/payload' },
        related: { ip: ['198.51.100.1', '10.0.0.5'], user: ['alice', 'bob'], hash: ['ef'.repeat(20)], hosts: ['ws-1'] },
        email: {
          from: { address: ['mallory@example.net'] },
          to: { address: ['alice@example.com'] },
          subject: 'Invoice',
          message_id: '<m1@example.net>',
        },
      },
      ctx,
    );
    const a = parseAlert(alert);
    expect(a.source).toBe('elastic');
    expect(a.sourceId).toBe('k-1');
    expect(a.time).toBe('2026-03-01T10:00:00+01:00');
    expect(a.severity).toBe('critical');
    expect(a.attackTechniques).toEqual(['T1059', 'T1105', 'T1059.001', 'T1566', 'T1566.002']);
    expect(a.observables).toEqual({
      hosts: [{ hostname: 'ws-1', ip: '10.0.0.5', os: 'Windows' }],
      users: [{ name: 'alice', domain: 'CORP' }, { name: 'bob' }],
      processes: [
        {
          pid: 4242,
          name: 'powershell.exe',
          path: 'C:\\Windows\\powershell.exe',
          commandLine: 'powershell -enc AAAA',
          hashes: { sha256 },
          signer: 'Microsoft Windows',
          user: 'alice',
          // Nested process.parent.parent is the grandparent, nearest parent first.
          parents: [
            { pid: 100, name: 'WINWORD.EXE', path: 'C:\\Office\\WINWORD.EXE', commandLine: 'WINWORD.EXE /n' },
            { pid: 7, name: 'explorer.exe', path: 'C:\\Windows\\explorer.exe' },
          ],
        },
      ],
      files: [{ path: '/tmp/x.sh', name: 'x.sh', hashes: { md5: 'cd'.repeat(16) } }, { hashes: { sha1: 'ef'.repeat(20) } }],
      network: [{ srcIp: '10.0.0.5', srcPort: 50123, dstIp: '203.0.113.9', dstPort: 443, protocol: 'tcp', direction: 'outbound' }],
      domains: ['evil.example'],
      urls: ['https://evil.example/payload'],
      ips: ['10.0.0.6', '198.51.100.1'],
      emails: [{ from: 'mallory@example.net', to: ['alice@example.com'], subject: 'Invoice', messageId: '<m1@example.net>' }],
    });
  });

  it('names integration alerts after their module and falls back to receivedAt for time', () => {
    const a = parseAlert(mapEcs(omit(base, '@timestamp'), ctx).alert);
    expect(a).toMatchObject({
      source: 'crowdstrike',
      sourceId: 'ev-1',
      time: ctx.receivedAt,
      title: 'Suspicious PowerShell',
      rule: { id: 'R-7', name: 'Suspicious PowerShell' },
    });
  });

  it("prefers the upstream event.id to a search hit's _id, which is only the fallback", () => {
    const hit = (source: object) => ({ _index: '.ds-logs-crowdstrike.alert-default', _id: 'es-doc-1', _source: source });
    expect(mapEcs(hit(base), ctx).alert.sourceId).toBe('ev-1');
    expect(mapEcs(hit({ ...base, event: { kind: 'alert' } }), ctx).alert.sourceId).toBe('es-doc-1');
  });

  it.each([
    [undefined, 'informational'],
    [0, 'low'],
    [21, 'low'],
    [46, 'low'],
    [47, 'medium'],
    ['72', 'medium'],
    [73, 'high'],
    [98, 'high'],
    [99, 'critical'],
    [100, 'critical'],
  ])('event.severity %p is %s', (severity, expected) => {
    expect(ecsSeverity({ event: { severity } })).toBe(expected);
  });

  it('drops values the schema would refuse, never the alert', () => {
    const a = parseAlert(
      mapEcs(
        {
          ...base,
          host: { name: 'h'.repeat(300), ip: 'x'.repeat(100) },
          user: { name: 42 }, // numbers are read as text
          process: { pid: -1, name: 'p', hash: { md5: 'not-a-hash' } },
          source: { ip: '10.0.0.1', port: 99999 },
          network: { direction: 'constructor' },
          related: { ip: ['y'.repeat(65)] },
        },
        ctx,
      ).alert,
    );
    expect(a.observables).toMatchObject({
      hosts: [],
      users: [{ name: '42' }],
      processes: [{ name: 'p', parents: [] }],
      network: [{ srcIp: '10.0.0.1' }],
      ips: [],
    });
    expect(a.observables.network[0].direction).toBeUndefined();
  });

  it('refuses ECS events that are not alerts, and alerts without id or title, with NormalizeError', () => {
    const cases: [unknown, RegExp][] = [
      [{ ecs: { version: '8.11.0' }, event: { kind: 'event', id: 'e' }, message: 'x' }, /event\.kind is "event": not an alert/],
      [{ ecs: { version: '8.11.0' }, message: 'x' }, /event\.kind is missing/],
      [{ event: { kind: 'alert' }, message: 'x' }, /no id/],
      [{ event: { kind: 'alert', id: 'e-9' } }, /alert e-9 has no title/],
    ];
    for (const [doc, message] of cases) {
      expect(detectEcs(doc)).toBe(true);
      expect(() => mapEcs(doc, ctx)).toThrow(NormalizeError);
      expect(() => mapEcs(doc, ctx)).toThrow(message);
    }
  });
});
