import { parseAlert } from '../../../src/domain/alert';
import { detectEcs } from '../../../src/ingest/formats/ecs';
import { detectOcsf } from '../../../src/ingest/formats/ocsf';
import { NormalizeError } from '../../../src/ingest/formats/types';
import { detectWazuh, mapWazuh, wazuhSeverity } from '../../../src/ingest/formats/wazuh';
import { corpusPath } from '../../helpers/corpus';
import { alertOf, autosocSamples, ctx, ecsDocs, jsonLines, mapAll, ocsfDocs, omit, wazuhDocs } from './docs';

describe('Wazuh corpus (alerts.json)', () => {
  const outcome = mapAll('wazuh', wazuhDocs(), mapWazuh);

  it('maps the 4 complete alerts and rejects the 3 active-response fixtures that carry no id', () => {
    expect(outcome.mapped.map((m) => m.name)).toEqual([
      'wazuh/alerts.json:1',
      'wazuh/alerts.json:2',
      'wazuh/alerts.json:3',
      'wazuh/alerts.json:4',
    ]);
    expect(outcome.rejected).toEqual([
      { name: 'wazuh/alerts.json:5', reason: 'wazuh: alert has no "id" (rule 5715 "Test.")' },
      { name: 'wazuh/alerts.json:6', reason: 'wazuh: alert has no "id" (rule 5715 "Test.")' },
      { name: 'wazuh/alerts.json:7', reason: 'wazuh: alert has no "id" (rule 554 "Test.")' },
    ]);
  });

  it('maps the FIM who-data alert, keeping the -0800 offset as valid ISO 8601', () => {
    const a = alertOf(outcome, ':1');
    expect(a).toMatchObject({
      source: 'wazuh',
      sourceId: '1531224328.283446',
      time: '2018-07-10T14:05:28.452-08:00',
      title: 'Integrity checksum changed.',
      severity: 'medium', // level 7
      product: { name: 'Wazuh', vendor: 'Wazuh' },
      rule: { id: '550', name: 'Integrity checksum changed.' },
      attackTechniques: [],
    });
    expect(Date.parse(a.time)).toBe(Date.parse('2018-07-10T22:05:28.452Z'));
    expect(a.observables.hosts).toEqual([{ hostname: 'vpc-agent-debian', ip: '10.0.0.121' }]);
    expect(a.observables.users).toEqual([{ name: 'smith' }, { name: 'root' }]);
    expect(a.observables.files).toEqual([
      {
        path: '/etc/hosts.allow',
        name: 'hosts.allow',
        size: 433,
        hashes: {
          md5: 'acb2289fba96e77cee0a2c3889b49643',
          sha1: 'b87a0e558ca67073573861b26e3265fa0ab35d20',
          sha256: 'bfa1c0ec3ebfaac71378cb62101135577521eb200c64d6ee8650efe75160978c',
        },
      },
    ]);
    expect(a.observables.processes).toEqual([{ pid: 82845, name: 'nano', path: '/bin/nano', parents: [{ pid: 3195 }] }]);
  });

  it('maps the SSH brute-force alert with its ATT&CK id, source address and log line', () => {
    const a = alertOf(outcome, ':2');
    expect(a).toMatchObject({
      sourceId: '1684752043.76892',
      time: '2023-05-22T10:40:43.395+00:00',
      severity: 'high',
      attackTechniques: ['T1110'],
      title: 'sshd: brute force trying to get access to the system.',
      rule: { id: '100003' },
      description: 'May 22 10:40:41 ubuntu2204 sshd[2908]: Invalid user attacker from 192.168.121.127 port 34890',
    });
    expect(a.observables.hosts).toEqual([{ hostname: 'Ubuntu-22', ip: '192.168.121.78' }]);
    expect(a.observables.users).toEqual([{ name: 'attacker' }]);
    expect(a.observables.network).toEqual([{ srcIp: '192.168.121.127', srcPort: 34890 }]);
  });

  it('maps the same alert from a Wazuh indexer search hit', () => {
    const line = wazuhDocs()[2].doc;
    const hit = { _index: 'wazuh-alerts-4.x-2022.05.11', _id: 'qK3bXYAB', _source: line };
    expect(detectWazuh(hit)).toBe(true);
    const fromHit = parseAlert(mapWazuh(hit, ctx).alert);
    expect(omit(fromHit, 'raw')).toEqual(omit(alertOf(outcome, ':3'), 'raw'));
    expect(fromHit.raw).toEqual(hit);
  });

  it('takes no rule definition or raw test log for an alert', () => {
    const rules = jsonLines(corpusPath('wazuh', 'ruleset_rules_v4.14.7.jsonl'));
    const logs = jsonLines(corpusPath('wazuh', 'ruleset_test_cases_v4.14.7.jsonl'));
    expect([rules.length, logs.length]).toEqual([4504, 2055]);
    expect([...rules, ...logs].filter((d) => detectWazuh(d) || detectEcs(d) || detectOcsf(d))).toEqual([]);
  });
});

describe('detectWazuh', () => {
  it('is true for the Wazuh alerts and false for every other format', () => {
    for (const { doc } of wazuhDocs()) expect([detectWazuh(doc), detectEcs(doc), detectOcsf(doc)]).toEqual([true, false, false]);
    const others = [
      ...ecsDocs(),
      ...ocsfDocs('findings'),
      ...ocsfDocs('findings_prowler'),
      ...ocsfDocs('other_events'),
      ...autosocSamples(),
    ];
    expect(others.filter((d) => detectWazuh(d.doc)).map((d) => d.name)).toEqual([]);
  });
});

describe('mapWazuh on hand-written documents', () => {
  it.each([
    [0, 'informational'],
    [3, 'informational'],
    [4, 'low'],
    [6, 'low'],
    [7, 'medium'],
    [9, 'medium'],
    [10, 'high'],
    [12, 'high'],
    [13, 'critical'],
    [15, 'critical'],
  ] as const)('level %d is %s', (level, severity) => {
    expect(wazuhSeverity(level)).toBe(severity);
  });

  it('reads a Sysmon process-creation alert (data.win.eventdata, Hashes string)', () => {
    const sha256 = 'A1'.repeat(32),
      md5 = 'b2'.repeat(16);
    const { alert } = mapWazuh(
      {
        timestamp: '2026-02-03T04:05:06.789+0100',
        id: '1770000000.42',
        rule: { level: 12, description: 'Office spawned PowerShell', id: '92000', mitre: { id: ['T1059.001', 'bogus'] } },
        agent: { id: '007', name: 'win-ws-7', ip: '10.1.2.3' },
        data: {
          win: {
            eventdata: {
              image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
              commandLine: 'powershell -nop -enc AAAA',
              processId: '4321',
              parentImage: 'C:\\Program Files\\Microsoft Office\\WINWORD.EXE',
              parentProcessId: '1234',
              hashes: `SHA1=,MD5=${md5},SHA256=${sha256},IMPHASH=00`,
              user: 'CORP\\alice',
              targetUserName: 'alice',
              targetDomainName: 'CORP',
              targetFilename: 'C:\\Users\\alice\\evil.ps1',
              queryName: 'evil.example',
            },
          },
        },
        full_log: '{"win":{…}}',
      },
      ctx,
    );
    const a = parseAlert(alert);
    expect(a).toMatchObject({
      time: '2026-02-03T04:05:06.789+01:00',
      severity: 'high',
      attackTechniques: ['T1059.001'],
      description: '{"win":{…}}',
    });
    expect(a.observables.users).toEqual([{ name: 'alice', domain: 'CORP' }]);
    expect(a.observables.processes).toEqual([
      {
        pid: 4321,
        name: 'powershell.exe',
        path: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
        commandLine: 'powershell -nop -enc AAAA',
        hashes: { md5, sha256 },
        user: 'CORP\\alice',
        parents: [{ pid: 1234, name: 'WINWORD.EXE', path: 'C:\\Program Files\\Microsoft Office\\WINWORD.EXE' }],
      },
    ]);
    expect(a.observables.files).toEqual([{ path: 'C:\\Users\\alice\\evil.ps1', name: 'evil.ps1' }]);
    expect(a.observables.domains).toEqual(['evil.example']);
  });

  it('reads the auditd EXECVE record (data.audit) as a process: program, arguments, pid and parent pid', () => {
    const { alert } = mapWazuh(
      {
        id: '1.3',
        rule: { level: 3, description: 'Audit: Command: /usr/bin/nc.openbsd.', id: '80792' },
        data: {
          audit: {
            type: 'EXECVE',
            pid: '48810',
            ppid: '2277',
            command: 'nc',
            exe: '/usr/bin/nc.openbsd',
            execve: { a0: 'nc', a1: '-z', a2: 'db.example', a3: '1433', a5: 'skipped: a4 is missing' },
          },
        },
        full_log: 'type=EXECVE msg=audit(…): argc=4 a0="nc" …',
      },
      ctx,
    );
    expect(parseAlert(alert).observables.processes).toEqual([
      {
        pid: 48810,
        path: '/usr/bin/nc.openbsd',
        name: 'nc.openbsd',
        commandLine: 'nc -z db.example 1433',
        parents: [{ pid: 2277 }],
      },
    ]);
    // An argument with a space or a quote is quoted, so it stays one argument for the analyzers.
    const quoted = mapWazuh(
      {
        id: '1.4',
        rule: { level: 3, description: 'Audit', id: '1' },
        data: { audit: { exe: '/bin/sh', execve: { a0: 'sh', a1: '-c', a2: 'echo "hi" there' } } },
      },
      ctx,
    );
    expect(parseAlert(quoted.alert).observables.processes[0].commandLine).toBe('sh -c "echo \\"hi\\" there"');
    // No EXECVE fields: no process is made up from the log text.
    const none = mapWazuh({ id: '1.5', rule: { level: 3, description: 'Audit', id: '1' }, full_log: 'nc -z db 1433' }, ctx);
    expect(parseAlert(none.alert).observables.processes).toEqual([]);
  });

  it('reads the actions of a task registered in Security 4698 (taskContent XML) as processes', () => {
    const xml =
      '<?xml version="1.0"?><Task><Actions Context="Author"><Exec><Command>C:\\Program Files\\Vendor\\upd.exe</Command><Arguments>run &quot;A1&quot; &amp; more</Arguments></Exec>' +
      '<Exec><Command>powershell.exe</Command></Exec></Actions></Task>';
    const { alert } = mapWazuh(
      {
        id: '1.7',
        rule: { level: 4, description: 'A scheduled task was created', id: '60228', mitre: { id: ['T1053'] } },
        data: { win: { eventdata: { subjectUserName: 'WS-1$', taskName: '\\Vendor\\Update', taskContent: xml } } },
      },
      ctx,
    );
    expect(parseAlert(alert).observables.processes).toEqual([
      {
        path: 'C:\\Program Files\\Vendor\\upd.exe',
        name: 'upd.exe',
        commandLine: '"C:\\Program Files\\Vendor\\upd.exe" run "A1" & more',
        user: 'WS-1$',
        parents: [],
      },
      { path: 'powershell.exe', name: 'powershell.exe', commandLine: 'powershell.exe', user: 'WS-1$', parents: [] },
    ]);
  });

  it('reads a Security 4688 process creation (newProcessName, parentProcessName)', () => {
    const { alert } = mapWazuh(
      {
        id: '1.6',
        rule: { level: 3, description: 'A new process has been created', id: '67027' },
        data: {
          win: {
            eventdata: {
              newProcessName: 'C:\\Windows\\System32\\cmd.exe',
              parentProcessName: 'C:\\Windows\\explorer.exe',
              commandLine: 'cmd /c dir',
            },
          },
        },
      },
      ctx,
    );
    expect(parseAlert(alert).observables.processes).toEqual([
      {
        path: 'C:\\Windows\\System32\\cmd.exe',
        name: 'cmd.exe',
        commandLine: 'cmd /c dir',
        parents: [{ path: 'C:\\Windows\\explorer.exe', name: 'explorer.exe' }],
      },
    ]);
  });

  it("reads a Security 4625 logon failure's remote address (eventdata.ipAddress) as the flow's source; '-' and loopback are no remote", () => {
    const logon = (ipAddress: string) =>
      parseAlert(
        mapWazuh(
          {
            id: `1.7-${ipAddress}`,
            rule: { level: 10, description: 'Multiple Windows Logon Failures', id: '60204' },
            agent: { name: 'srv-sql01' },
            data: { win: { eventdata: { targetUserName: 'svc-scan', ipAddress, ipPort: '49822', workstationName: 'SCANNER01' } } },
          },
          ctx,
        ).alert,
      );
    expect(logon('10.40.99.20').observables.network).toEqual([{ srcIp: '10.40.99.20', srcPort: 49822 }]);
    expect(logon('::ffff:10.40.99.20').observables.network).toEqual([{ srcIp: '10.40.99.20', srcPort: 49822 }]);
    expect(logon('-').observables.network).toEqual([]);
    expect(logon('127.0.0.1').observables.network).toEqual([]);
  });

  it('uses receivedAt when the alert has no timestamp, and refuses an alert without a description', () => {
    const a = parseAlert(mapWazuh({ id: '1.2', rule: { level: 3, description: 'x', id: 1 } }, ctx).alert);
    expect([a.time, a.severity, a.rule]).toEqual([ctx.receivedAt, 'informational', { id: '1', name: 'x' }]);
    expect(() => mapWazuh({ id: '1.2', rule: { level: 3 } }, ctx)).toThrow(NormalizeError);
    expect(() => mapWazuh({ id: '1.2', rule: { level: 3 } }, ctx)).toThrow('wazuh: alert has no rule.description');
  });
});
