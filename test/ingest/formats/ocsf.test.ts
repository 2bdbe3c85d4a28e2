import { parseAlert } from '../../../src/domain/alert';
import { detectEcs } from '../../../src/ingest/formats/ecs';
import { detectOcsf, mapOcsf, ocsfSeverity } from '../../../src/ingest/formats/ocsf';
import { NormalizeError } from '../../../src/ingest/formats/types';
import { detectWazuh } from '../../../src/ingest/formats/wazuh';
import { alertOf, autosocSamples, ctx, ecsDocs, mapAll, ocsfDocs, omit, wazuhDocs } from './docs';

describe('OCSF corpus', () => {
  const findings = mapAll('ocsf/findings', ocsfDocs('findings'), mapOcsf);
  const prowler = mapAll('ocsf/findings_prowler', ocsfDocs('findings_prowler'), mapOcsf);
  const others = mapAll('ocsf/other_events', ocsfDocs('other_events'), mapOcsf);

  it('maps the 12 findings of findings/ (2001, 2002, 2003, 2004) and refuses its 7 raw vendor events', () => {
    expect(findings.mapped).toHaveLength(12);
    expect(findings.mapped.filter((m) => m.name.includes('SSC__'))).toHaveLength(4);
    expect(findings.rejected).toHaveLength(7);
    for (const r of findings.rejected) {
      expect(r.name).toMatch(/\.raw\.json$/);
      expect(r.reason).toBe('ocsf: not an OCSF event (needs an integer class_uid and metadata)');
    }
  });

  it('maps all 21 Prowler detection findings', () => {
    expect(prowler.rejected).toEqual([]);
    expect(prowler.mapped).toHaveLength(21);
    expect(new Set(prowler.mapped.map((m) => m.alert.source))).toEqual(new Set(['prowler-prowler']));
  });

  it('refuses the 57 other events as not findings, naming their class', () => {
    expect(others.mapped).toEqual([]);
    expect(others.rejected).toHaveLength(57);
    for (const r of others.rejected) expect(r.reason).toMatch(/^ocsf: class_uid \d+ \(.+\) is not a finding$/);
    const reason = (end: string) => others.rejected.find((r) => r.name.endsWith(end))?.reason;
    expect(reason('4624_0.json')).toBe('ocsf: class_uid 3002 (Authentication) is not a finding');
    expect(reason('4688_0.json')).toBe('ocsf: class_uid 1007 (Process Activity) is not a finding');
    // Zeek's mapping writes no class_name: the category names it instead.
    expect(reason('Zeek__v1.3.0__conn_log__samples__conn_log.json')).toBe(
      'ocsf: class_uid 4001 (Network Activity category) is not a finding',
    );
  });

  it('maps the GuardDuty detection finding', () => {
    const a = alertOf(findings, 'sechub-guardduty.json');
    expect(a).toMatchObject({
      source: 'amazon-guardduty',
      sourceId:
        'arn:aws:guardduty:us-east-2:111111111111:detector/1ac1bfceda6679698215d5d0EXAMPLE/finding/a6c556fcbc9bea427a19f8b787099a0b',
      time: '2023-09-19T15:05:22.487Z',
      title: 'AWS CloudTrail trail arn:aws:cloudtrail:us-east-2:111111111111:trail/delete-me was disabled.',
      severity: 'low',
      product: { name: 'GuardDuty', vendor: 'Amazon' },
    });
    // GuardDuty names the country ("United States"): carried as its ISO code.
    expect(a.observables.network).toEqual([{ srcIp: '52.94.133.131', srcCountry: 'US' }]);
    expect(a.observables.ips).toEqual([]); // the IP observable is already the connection's source
  });

  it('reads epoch seconds (Prowler, Okta), severity_id 0 and Prowler ATT&CK ids', () => {
    expect(alertOf(findings, 'Prowler__samples__prowler.json')).toMatchObject({
      time: '2024-10-04T13:49:02.000Z',
      severity: 'high',
      attackTechniques: ['T1040'],
      rule: { id: 'acm_certificates_expiration_check' },
      title: 'Check if ACM Certificates are about to expire in specific days or less',
    });
    expect(alertOf(findings, 'Okta__v1.3.0__System_Logs__Detection_Finding__samples__detection_finding.json')).toMatchObject({
      source: 'okta-okta-system-log',
      time: '2024-08-13T15:58:20.000Z',
      severity: 'informational',
      title: 'Login Failures',
      description: 'Request from suspicious actor',
    });
    const counts: Record<string, number> = {};
    for (const m of prowler.mapped) counts[m.alert.severity] = (counts[m.alert.severity] ?? 0) + 1;
    expect(counts).toEqual({ low: 2, medium: 13, high: 3, critical: 3 });
  });

  it('reads pre-1.0 findings that use `finding` instead of `finding_info`', () => {
    const a = alertOf(findings, 'AWS__v1.0.0-rc.2__Security_Hub__samples__Security_Hub.json');
    expect(a).toMatchObject({ source: 'aws-security-hub', sourceId: 'test', severity: 'informational', time: '2022-08-04T18:09:19.100Z' });
    expect(a.title).toMatch(/^EC2\.19 Security groups/);
    expect(a.observables.processes).toEqual([{ pid: 12345, name: 'syslogd', path: '/usr/sbin/syslogd', parents: [{ pid: 56789 }] }]);
    const ssc = alertOf(findings, 'SSC__samples__malware_infection_detected_sample.json[0]');
    expect(ssc).toMatchObject({
      title: 'Infection found on 1.183.190.110',
      observables: { ips: ['1.183.190.110'], domains: ['open-internet.nl'] },
    });
  });
});

describe('detectOcsf', () => {
  it('is true for every OCSF event, false for raw vendor events and every other format', () => {
    const ocsf = [...ocsfDocs('findings'), ...ocsfDocs('findings_prowler'), ...ocsfDocs('other_events')];
    for (const { name, doc } of ocsf) {
      expect([name, detectOcsf(doc), detectEcs(doc), detectWazuh(doc)]).toEqual([name, !name.endsWith('.raw.json'), false, false]);
    }
    const others = [...ecsDocs(), ...wazuhDocs(), ...autosocSamples()];
    expect(others.filter((d) => detectOcsf(d.doc)).map((d) => d.name)).toEqual([]);
  });
});

describe('mapOcsf on hand-written documents', () => {
  const finding = {
    class_uid: 2004,
    category_uid: 2,
    severity_id: 6,
    time_dt: '2026-05-01T12:00:00.000-04:00',
    metadata: { version: '1.3.0', product: { name: 'Falcon', vendor_name: 'CrowdStrike' } },
    message: 'Credential dumping',
    finding_info: {
      uid: 'df-1',
      title: 'LSASS memory read',
      desc: 'A process read LSASS memory.',
      analytic: { uid: 'ML-9', name: 'Credential Access model' },
      attacks: [{ technique: { uid: 'T1003' }, sub_technique: { uid: 'T1003.001' } }],
    },
    device: { hostname: 'srv-db-1', ip: '10.9.8.7', os: { name: 'Windows Server 2022' } },
    actor: {
      user: { name: 'svc_backup', domain: 'CORP' },
      process: {
        pid: 900,
        name: 'rundll32.exe',
        cmd_line: 'rundll32 comsvcs.dll MiniDump 624 out.dmp full',
        file: { path: 'C:\\Windows\\System32\\rundll32.exe', hashes: [{ algorithm_id: 3, value: 'cd'.repeat(32) }] },
        parent_process: { pid: 800, name: 'cmd.exe', parent_process: { pid: 700, name: 'explorer.exe' } },
      },
    },
    evidences: [
      {
        src_endpoint: { ip: '10.9.8.7', port: 50000 },
        dst_endpoint: { ip: '203.0.113.5', port: 443 },
        connection_info: { protocol_name: 'tcp', direction_id: 2 },
        url: { url_string: 'https://203.0.113.5/upload' },
        query: { hostname: 'exfil.example' },
        file: { path: 'C:\\out.dmp', size: 1024 },
      },
    ],
    observables: [
      { name: 'x', type_id: 1, value: 'c2.example' },
      { name: 'x', type_id: 2, value: '198.51.100.77' },
      { name: 'x', type_id: 4, value: 'bob' },
      { name: 'x', type_id: 8, value: 'ab'.repeat(20) },
      { name: 'x', type_id: 99, value: 'ignored' },
    ],
  };

  it('maps a full detection finding: severity 6 Fatal, time_dt, attacks, actor, evidences, observables', () => {
    const a = parseAlert(mapOcsf(finding, ctx).alert);
    expect(a).toMatchObject({
      source: 'crowdstrike-falcon',
      sourceId: 'df-1',
      title: 'LSASS memory read',
      description: 'A process read LSASS memory.',
      severity: 'critical',
      time: '2026-05-01T12:00:00.000-04:00',
      product: { name: 'Falcon', vendor: 'CrowdStrike' },
      rule: { id: 'ML-9', name: 'Credential Access model' },
      attackTechniques: ['T1003', 'T1003.001'],
    });
    expect(a.observables).toEqual({
      hosts: [{ hostname: 'srv-db-1', ip: '10.9.8.7', os: 'Windows Server 2022' }],
      users: [{ name: 'svc_backup', domain: 'CORP' }, { name: 'bob' }],
      processes: [
        {
          pid: 900,
          name: 'rundll32.exe',
          path: 'C:\\Windows\\System32\\rundll32.exe',
          commandLine: 'rundll32 comsvcs.dll MiniDump 624 out.dmp full',
          hashes: { sha256: 'cd'.repeat(32) },
          parents: [
            { pid: 800, name: 'cmd.exe' },
            { pid: 700, name: 'explorer.exe' },
          ],
        },
      ],
      files: [{ path: 'C:\\out.dmp', name: 'out.dmp', size: 1024 }, { hashes: { sha1: 'ab'.repeat(20) } }],
      network: [{ srcIp: '10.9.8.7', srcPort: 50000, dstIp: '203.0.113.5', dstPort: 443, protocol: 'tcp', direction: 'outbound' }],
      domains: ['exfil.example', 'c2.example'],
      urls: ['https://203.0.113.5/upload'],
      ips: ['198.51.100.77'],
      emails: [],
    });
  });

  it.each([
    [0, 'informational'],
    [1, 'informational'],
    [2, 'low'],
    [3, 'medium'],
    [4, 'high'],
    [5, 'critical'],
    [6, 'critical'],
    [99, 'informational'],
    [undefined, 'informational'],
  ] as const)('severity_id %p is %s', (id, severity) => expect(ocsfSeverity(id)).toBe(severity));

  it('falls back to metadata.uid and message, and refuses findings with neither id nor title', () => {
    const bare = omit(finding, 'finding_info');
    const a = parseAlert(mapOcsf({ ...bare, metadata: { ...finding.metadata, uid: 'm-1' } }, ctx).alert);
    expect([a.sourceId, a.title]).toEqual(['m-1', 'Credential dumping']);
    expect(() => mapOcsf(bare, ctx)).toThrow(new NormalizeError('ocsf', 'class_uid 2004 finding has no finding_info.uid or metadata.uid'));
    expect(() => mapOcsf({ ...omit(bare, 'message'), metadata: { ...finding.metadata, uid: 'm-2' } }, ctx)).toThrow(
      'finding m-2 has no finding_info.title or message',
    );
  });

  it('uses receivedAt when a finding carries no usable time (time_dt without a zone is ambiguous)', () => {
    const a = parseAlert(mapOcsf({ ...finding, time_dt: '2026-05-01T12:00:00' }, ctx).alert);
    expect(a.time).toBe(ctx.receivedAt);
  });
});
