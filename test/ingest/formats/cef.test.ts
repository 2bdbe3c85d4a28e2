import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAlert } from '../../../src/domain/alert';
import { cefSeverity, looksLikeCef, mapCef, parseCef, parseCefTime } from '../../../src/ingest/formats/cef';
import { NormalizeError, RAW_INLINE_LIMIT } from '../../../src/ingest/formats/types';
import { corpusPath } from '../../helpers/corpus';

const ctx = { receivedAt: '2026-06-01T12:00:00.000Z' };
const map = (line: string) => parseAlert(mapCef(parseCef(line), line, ctx).alert);
/** The NormalizeError message parseCef throws for a line (fails if it throws anything else or nothing). */
function rejection(line: string): string {
  try {
    parseCef(line);
  } catch (err) {
    expect(err).toBeInstanceOf(NormalizeError);
    expect((err as NormalizeError).format).toBe('cef');
    return (err as Error).message;
  }
  throw new Error(`parseCef accepted ${line}`);
}

describe('parseCef: header', () => {
  it('splits the 7 header fields and unescapes \\| and \\\\', () => {
    const e = parseCef(String.raw`CEF:0|Ven\|dor|Pro\\duct|1.0|100|Name with \| pipe and C:\\dir|5|src=10.0.0.1`);
    expect(e).toMatchObject({
      version: '0',
      deviceVendor: 'Ven|dor',
      deviceProduct: 'Pro\\duct',
      deviceVersion: '1.0',
      signatureId: '100',
      name: 'Name with | pipe and C:\\dir',
      severity: '5',
      extensions: { src: '10.0.0.1' },
    });
    expect(e.syslog).toBeUndefined();
  });

  it('ends a field after an escaped backslash (\\\\| is a backslash, then the separator)', () => {
    expect(parseCef(String.raw`CEF:1|a\\|b|c|d|e|f|`)).toMatchObject({
      version: '1',
      deviceVendor: 'a\\',
      deviceProduct: 'b',
      severity: 'f',
      extensions: {},
    });
  });

  it('accepts a header that ends at the severity without a final pipe', () => {
    expect(parseCef('CEF:0|a|b|c|d|e|3')).toMatchObject({ severity: '3', extensions: {} });
  });

  it('leaves unescaped pipes in the extension alone', () => {
    expect(parseCef('CEF:0|a|b|c|d|e|3|cs6=x | y | z cs6Label=Container').labeled).toEqual({ Container: 'x | y | z' });
  });

  it.each([
    ['no marker', 'Mar 3 11:14:34 host something else', 'cef: no "CEF:" marker found'],
    [
      'too few fields',
      'CEF:0|Vendor|Product|1.0',
      'cef: header has 4 of 7 fields (Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity)',
    ],
    [
      'escaped pipes do not count',
      String.raw`CEF:0|a\|b\|c\|d\|e\|f\|g`,
      'cef: header has 2 of 7 fields (Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity)',
    ],
    ['bad version', 'CEF:7|a|b|c|d|e|f|', 'cef: unsupported CEF version "7" (expected 0 or 1)'],
    ['text version', 'CEF:zero|a|b|c|d|e|f|', 'cef: unsupported CEF version "zero" (expected 0 or 1)'],
    ['missing version', 'CEF:|a|b|c|d|e|f|', 'cef: missing CEF version (expected 0 or 1)'],
  ])('rejects %s with a NormalizeError', (_, line, message) => {
    expect(rejection(line)).toBe(message);
  });
});

describe('parseCef: extension', () => {
  it('reads values with spaces up to the next key, trimmed', () => {
    expect(parseCef('CEF:0|a|b|c|d|e|1|msg= hello world  with spaces act=blocked dst=10.0.0.2   ').extensions).toEqual({
      msg: 'hello world  with spaces',
      act: 'blocked',
      dst: '10.0.0.2',
    });
  });

  it('unescapes \\=, \\\\ and newlines, and keeps other backslashes', () => {
    const e = parseCef(
      String.raw`CEF:0|a|b|c|d|e|1|request=http://x/?a\=1&b\=2 c\=d filePath=C:\\Users\\x msg=one\ntwo\r\nthree\rfour suser=DOM\user cs1=ends with backslash\\ cs2=`,
    );
    expect(e.extensions).toEqual({
      request: 'http://x/?a=1&b=2 c=d',
      filePath: 'C:\\Users\\x',
      msg: 'one\ntwo\nthree\nfour',
      suser: 'DOM\\user',
      cs1: 'ends with backslash\\',
      cs2: '',
    });
  });

  it('accepts keys with dots, dashes, underscores and brackets, and ignores text before the first key', () => {
    expect(parseCef('CEF:0|a|b|c|d|e|1|junk ad.a-b_c[0]=v1 x=y').extensions).toEqual({ 'ad.a-b_c[0]': 'v1', x: 'y' });
  });

  it('exposes custom fields by label, quoted or not', () => {
    const e = parseCef(
      'CEF:0|a|b|c|d|e|1|cs1Label=Foo cs1=bar cn1=42 cn1Label=Score flexString2Label=Flex flexString2=f c6a1Label="Device IPv6 Address" c6a1= cs3Label=OnlyLabel',
    );
    expect(e.labeled).toEqual({ Foo: 'bar', Score: '42', Flex: 'f', 'Device IPv6 Address': '' });
  });

  it('keeps prototype-looking keys as plain data', () => {
    const e = parseCef('CEF:0|a|b|c|d|e|1|__proto__=x constructor=y cs1Label=__proto__ cs1=z');
    expect(Object.keys(e.extensions)).toEqual(['__proto__', 'constructor', 'cs1Label', 'cs1']);
    expect(e.labeled.__proto__).toBe('z');
    expect(() => map('CEF:0|a|b|c|d|e|1|proto=constructor deviceDirection=toString')).not.toThrow();
  });
});

describe('parseCef: the syslog header in front', () => {
  it('keeps an RFC 3164 header', () => {
    expect(parseCef('<134>Mar 03 2021 11:14:34 fw01 CEF:0|a|b|c|d|e|1|').syslog).toMatchObject({
      framing: 'rfc3164',
      priority: 134,
      timestamp: 'Mar 03 2021 11:14:34',
      hostname: 'fw01',
    });
  });

  it('keeps an RFC 5424 header', () => {
    expect(parseCef('<13>1 2021-03-03T11:14:34Z host app 12 - - CEF:0|a|b|c|d|e|1|').syslog).toMatchObject({
      framing: 'rfc5424',
      timestamp: '2021-03-03T11:14:34Z',
      hostname: 'host',
      appName: 'app',
      procId: '12',
    });
  });

  it('reads the Defender for Identity form: APP-NAME "CEF", then a BOM and the version', () => {
    const line =
      '<116>1 2024-02-01T10:00:00Z DC1 CEF 3288 SomeSecurityAlert \uFEFF0|Microsoft|Azure ATP|2.0|SomeSecurityAlert|Some alert|5|start=2024-02-01T09:59:00Z shost=CLIENT1 externalId=2003 cs1Label=url cs1=https\\://security.microsoft.com/alerts/aa1234abcd-11-22';
    expect(looksLikeCef(line)).toBe(true);
    const e = parseCef(line);
    expect(e).toMatchObject({ version: '0', deviceVendor: 'Microsoft', deviceProduct: 'Azure ATP', name: 'Some alert' });
    expect(e.syslog).toMatchObject({ framing: 'rfc5424', hostname: 'DC1', appName: 'CEF', procId: '3288', msgId: 'SomeSecurityAlert' });
    // externalId is the alert type there; the alert's own id comes from its URL.
    expect(mapCef(e, line, ctx).alert).toMatchObject({
      source: 'microsoft-azure-atp',
      sourceId: 'aa1234abcd-11-22',
      time: '2024-02-01T09:59:00.000Z',
    });
  });
});

describe('looksLikeCef', () => {
  it.each([
    ['CEF:0|a|b|c|d|e|1|', true],
    ['<13>Mar  3 11:14:34 host CEF:1|a|b|c|d|e|1|x=y', true],
    ['{"json": true}', false],
    ['text mentioning CEF: in passing', false],
    ['Mar 3 host CEF 12 x plain', false],
  ])('%j → %s', (text, expected) => {
    expect(looksLikeCef(text)).toBe(expected);
  });
});

describe('mapCef', () => {
  const sha256 = 'ab'.repeat(32);
  const full = String.raw`<134>1 2024-05-01T10:00:30Z fw01 agent - - - CEF:0|Acme|Sensor|2.1|4711|Malware found|8|rt=1714557600000 src=10.0.0.5 spt=51515 dst=203.0.113.9 dpt=443 proto=6 deviceDirection=1 shost=ws01.corp dhost=evil.example dvchost=fw01 dvc=10.0.0.1 suser=CORP\\alice duser=bob@corp.example sproc=powershell.exe spid=4242 dproc=C:\\Windows\\System32\\cmd.exe dpid=4343 fname=payload.exe filePath=C:\\Users\\alice\\payload.exe fileHash=${sha256} fsize=1024 request=https://evil.example/a?b\=c requestClientApplication=Mozilla/5.0 (Windows NT 10.0) act=blocked msg=Payload blocked\nsecond line sourceDnsDomain=corp.example destinationDnsDomain=evil.example c6a2=2001:db8::1 c6a2Label=Source IPv6 Address smac=00:11:22:33:44:55 cs1Label=Technique cs1=T1059.001 externalId=EVT-1`;

  it('maps the standard dictionary keys onto the Alert model', () => {
    const { alert, evidence } = mapCef(parseCef(full), full, ctx);
    expect(evidence).toEqual([]);
    expect(parseAlert(alert)).toEqual({
      source: 'acme-sensor',
      sourceId: 'EVT-1',
      inputAnomalies: [],
      time: '2024-05-01T10:00:00.000Z',
      title: 'Malware found',
      description: 'Payload blocked\nsecond line\nAction: blocked\nClient application: Mozilla/5.0 (Windows NT 10.0)',
      severity: 'high',
      product: { name: 'Sensor', vendor: 'Acme' },
      rule: { id: '4711', name: 'Malware found' },
      attackTechniques: ['T1059.001'],
      observables: {
        hosts: [
          { hostname: 'ws01.corp', ip: '10.0.0.5' },
          { hostname: 'evil.example', ip: '203.0.113.9' },
          { hostname: 'fw01', ip: '10.0.0.1' },
        ],
        users: [{ name: 'alice', domain: 'CORP' }, { name: 'bob@corp.example' }],
        processes: [
          { name: 'powershell.exe', pid: 4242, parents: [] },
          { name: 'C:\\Windows\\System32\\cmd.exe', pid: 4343, parents: [] },
        ],
        files: [{ path: 'C:\\Users\\alice\\payload.exe', name: 'payload.exe', hashes: { sha256 }, size: 1024 }],
        network: [{ srcIp: '10.0.0.5', srcPort: 51515, dstIp: '203.0.113.9', dstPort: 443, protocol: 'tcp', direction: 'outbound' }],
        domains: ['corp.example', 'evil.example'],
        urls: ['https://evil.example/a?b=c'],
        ips: ['10.0.0.5', '203.0.113.9', '10.0.0.1', '2001:db8::1'],
        emails: [],
      },
      raw: full,
      evidence: [],
      // act=blocked is the device's action: carried as the source's outcome.
      semantics: { outcome: 'blocked' },
    });
  });

  // Authored after the vendors' CEF layouts: CrowdStrike's DetectionSummaryEvent (cs5 CommandLine,
  // fname/filePath of the process image), Trend Micro Deep Security (TrendMicroDsProcess, cs2
  // Parent Process), PAN-OS file logs (cn2 WildFire Verdict).
  it('carries EDR command lines from labelled custom strings as a process, with the image when the file is its program', () => {
    // CEF escapes a backslash as \\ (the device's own line: \\Device\\HarddiskVolume2\\…).
    const cs = map(
      String.raw`CEF:0|CrowdStrike|FalconHost|1.0|DetectionSummaryEvent|Detection Summary Event|2|dhost=JMP-02 fname=certutil.exe filePath=\\Device\\HarddiskVolume2\\Windows\\System32\\certutil.exe cs5Label=CommandLine cs5=certutil.exe -hashfile \\\\fs01\\it$\\a.iso SHA256`,
    );
    expect(cs.observables.processes).toEqual([
      {
        path: String.raw`\Device\HarddiskVolume2\Windows\System32\certutil.exe`,
        name: 'certutil.exe',
        commandLine: String.raw`certutil.exe -hashfile \\fs01\it$\a.iso SHA256`,
        parents: [],
      },
    ]);
    // The file is another program than the command's: it is not taken as the image.
    const other = map(
      String.raw`CEF:0|CrowdStrike|FalconHost|1.0|DetectionSummaryEvent|Detection Summary Event|2|fname=a.exe filePath=C:\Users\x\a.exe cs5Label=CommandLine cs5=cmd.exe /c a.exe`,
    );
    expect(other.observables.processes).toEqual([{ commandLine: 'cmd.exe /c a.exe', parents: [] }]);
    const tm = map(
      String.raw`CEF:0|Trend Micro|Deep Security Agent|20.0|1008720|Users and Groups - Linux|6|dvchost=ci-03 TrendMicroDsProcess=/usr/sbin/useradd cs2Label=Parent Process cs2=dpkg --configure gitlab-runner`,
    );
    expect(tm.observables.processes).toEqual([
      { path: '/usr/sbin/useradd', name: 'useradd', parents: [{ commandLine: 'dpkg --configure gitlab-runner' }] },
    ]);
  });

  it("carries the source's sandbox verdict (WildFire) into the semantics, and nothing for unknown words", () => {
    const verdict = (v: string) =>
      map(`CEF:0|Palo Alto Networks|PAN-OS|11.1|52020|THREAT|1|act=alert fname=a.exe cn2Label=WildFire Verdict cn2=${v}`).semantics;
    expect(verdict('benign')).toEqual({ outcome: 'detected', sourceVerdict: 'benign' });
    expect(verdict('malware')).toEqual({ outcome: 'detected', sourceVerdict: 'malicious' });
    expect(verdict('grayware')).toEqual({ outcome: 'detected', sourceVerdict: 'suspicious' });
    expect(verdict('pending')).toEqual({ outcome: 'detected' });
  });

  it('maps a bare minimum line, with the line hash as id and receivedAt as time', () => {
    const line = 'CEF:0|V|P|1|sig|n|Unknown|';
    const alert = map(line);
    expect(alert).toMatchObject({ source: 'v-p', time: ctx.receivedAt, title: 'n', severity: 'informational', attackTechniques: [] });
    expect(alert.sourceId).toMatch(/^[a-f0-9]{64}$/);
    expect(map(line).sourceId).toBe(alert.sourceId);
    expect(map(`${line} `).sourceId).not.toBe(alert.sourceId);
  });

  it('falls back to the signature id, or a fixed title, when the name is empty', () => {
    expect(map('CEF:0|V|P|1|sig-9||5|').title).toBe('sig-9');
    expect(map('CEF:0|||||| |').title).toBe('CEF event');
    const empty = map('CEF:0|||||| |');
    expect(empty.source).toBe('unknown');
    expect(empty).not.toHaveProperty('product');
    expect(empty).not.toHaveProperty('rule');
  });

  it('takes the id from externalId, then eventId, and hashes ids too long for the model', () => {
    expect(map('CEF:0|V|P|1|s|n|1|eventId=77 externalId=ext-1').sourceId).toBe('ext-1');
    expect(map('CEF:0|V|P|1|s|n|1|eventId=77').sourceId).toBe('77');
    expect(map(`CEF:0|V|P|1|s|n|1|externalId=${'x'.repeat(300)}`).sourceId).toMatch(/^[a-f0-9]{64}$/);
  });

  it('finds ATT&CK ids in any extension value, including lists', () => {
    expect(
      map('CEF:0|V|P|1|s|n|1|cs1Label=Technique cs1=T1003 cs2=T1059.001, T1021.002 msg=uses T1105 in prose cs3=t1000').attackTechniques,
    ).toEqual(['T1003', 'T1059.001', 'T1021.002']);
  });

  it('skips invalid observable values rather than failing the alert', () => {
    const alert = map(
      `CEF:0|V|P|1|s|n|1|src=not-an-ip dst=10.0.0.999 spt=70000 dpt=-1 fsize=big fileHash=xyz spid=abc shost=${'h'.repeat(300)} request=`,
    );
    expect(alert.observables).toMatchObject({ hosts: [], ips: [], network: [], files: [], processes: [], urls: [] });
  });

  it('moves a large original into evidence', () => {
    const line = `CEF:0|V|P|1|s|n|1|msg=${'x'.repeat(RAW_INLINE_LIMIT)}`;
    const { alert, evidence } = mapCef(parseCef(line), line, ctx);
    expect(alert.raw).toBeUndefined();
    expect(evidence).toEqual([expect.objectContaining({ kind: 'raw-event', mediaType: 'text/plain' })]);
    expect(parseAlert(alert).description).toHaveLength(16_384);
  });

  it.each([
    ['0', 'low'],
    ['3', 'low'],
    ['4', 'medium'],
    ['6', 'medium'],
    ['7', 'high'],
    ['8', 'high'],
    ['9', 'critical'],
    ['10', 'critical'],
    ['Low', 'low'],
    ['Medium', 'medium'],
    ['High', 'high'],
    ['Very-High', 'critical'],
    ['very high', 'critical'],
    ['Unknown', 'informational'],
    ['', 'informational'],
  ])('severity %j → %s', (raw, expected) => {
    expect(cefSeverity(raw)).toBe(expected);
  });
});

describe('time', () => {
  it.each([
    ['1614770074000', '2021-03-03T11:14:34.000Z'],
    ['1614770074', '2021-03-03T11:14:34.000Z'], // epoch seconds
    ['Mar 03 2021 11:14:34', '2021-03-03T11:14:34.000Z'],
    ['Mar 03 2021 11:14:34.567 UTC', '2021-03-03T11:14:34.567Z'],
    ['Mar 03 2021 11:14:34.567 PST', '2021-03-03T19:14:34.567Z'],
    ['Mar 03 2021 11:14:34 +0200', '2021-03-03T09:14:34.000Z'],
    ['Mar  3 11:14:34', '2026-03-03T11:14:34.000Z'], // no year: the year received
    ['Mar 03 11:14:34.12 GMT+01:00', '2026-03-03T10:14:34.120Z'],
    ['2018-12-12T17:52:10.2350665Z', '2018-12-12T17:52:10.235Z'],
    ['2021-03-03T11:14:34+0200', '2021-03-03T09:14:34.000Z'],
    ['2021-03-03T11:14:34', '2021-03-03T11:14:34.000Z'],
  ])('reads %j', (value, expected) => {
    expect(parseCefTime(value, ctx.receivedAt)).toBe(expected);
  });

  it('puts a yearless December time received in January in the previous year', () => {
    expect(parseCefTime('Dec 31 23:59:59', '2026-01-01T00:00:10Z')).toBe('2025-12-31T23:59:59.000Z');
  });

  it.each([
    'Feb 30 2021 10:00:00',
    'Mar 03 2021 11:14:34 XYZ',
    'Foo 03 2021 11:14:34',
    'yesterday',
    '0',
    '999999999999999',
    '2021-13-01T00:00:00Z',
    'Mar 03 2021 25:00:00',
  ])('rejects %j', (value) => {
    expect(parseCefTime(value, ctx.receivedAt)).toBeUndefined();
  });

  it('prefers rt, then end, then start, then the syslog timestamp, then receivedAt', () => {
    const base = '<13>1 2020-01-01T00:00:00Z h a - - - CEF:0|V|P|1|s|n|1|';
    expect(map(`${base}start=1600000000000 end=1610000000000 rt=1620000000000`).time).toBe('2021-05-03T00:00:00.000Z');
    expect(map(`${base}start=1600000000000 end=1610000000000`).time).toBe('2021-01-07T06:13:20.000Z');
    expect(map(`${base}start=1600000000000 rt=garbage`).time).toBe('2020-09-13T12:26:40.000Z');
    expect(map(base).time).toBe('2020-01-01T00:00:00.000Z');
    expect(map('<13>Jan  2 03:04:05 h CEF:0|V|P|1|s|n|1|').time).toBe('2026-01-02T03:04:05.000Z');
    expect(map('CEF:0|V|P|1|s|n|1|rt=0').time).toBe(ctx.receivedAt);
  });
});

describe('robustness', () => {
  it('throws nothing but NormalizeError, and every parse maps to a valid Alert', () => {
    let seed = 1;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const parts = [
      'CEF:0|',
      'CEF:',
      '|',
      '\\',
      '=',
      ' ',
      'a',
      'src=',
      'rt=',
      'Mar 03 2021 ',
      '10:00:00',
      '1',
      '9',
      'cs1Label=',
      'cs1=',
      'T1059',
      '\n',
      'é',
      '<13>',
      '1 ',
      '-',
      'fileHash=',
      'ab'.repeat(16),
    ];
    let parsed = 0;
    for (let i = 0; i < 3000; i++) {
      // Mostly a valid header, so the extension and mapping get exercised too.
      let s = ['CEF:0|V|P|1|s|n|5|', 'CEF:0|', ''][Math.floor(rand() * 3)];
      for (let n = Math.floor(rand() * 30); n > 0; n--) s += parts[Math.floor(rand() * parts.length)];
      try {
        const event = parseCef(s);
        parsed++;
        expect(() => parseAlert(mapCef(event, s, ctx).alert)).not.toThrow();
      } catch (err) {
        if (!(err instanceof NormalizeError)) throw err;
      }
    }
    expect(parsed).toBeGreaterThan(800);
  });
});

describe('the shared CEF corpus', () => {
  const dir = corpusPath('cef');
  const lines = readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .flatMap((file) =>
      readFileSync(join(dir, file), 'utf8')
        .split('\n')
        .map((text, i) => ({ file, line: i + 1, text }))
        .filter((l) => l.text.trim()),
    );
  const outcomes = lines.map(({ file, line, text }) => {
    try {
      return { file, line, text, alert: parseAlert(mapCef(parseCef(text), text, ctx).alert) };
    } catch (error) {
      return { file, line, text, error: error as Error };
    }
  });
  const at = (file: string, line: number) => {
    const outcome = outcomes.find((o) => o.file === file && o.line === line);
    if (!outcome?.alert) throw new Error(`${file}:${line} did not map: ${outcome?.error?.message}`);
    return { alert: outcome.alert, event: parseCef(outcome.text) };
  };
  const MDI = 'microsoft_defender_identity_ata_docs.log';

  it('maps every line that carries a CEF event, and fails the rest only with NormalizeError', () => {
    const failed = outcomes.filter((o) => o.error);
    const reasons = new Map<string, number>();
    for (const f of failed) reasons.set(f.error!.message, (reasons.get(f.error!.message) ?? 0) + 1);
    console.log(
      `CEF corpus: ${lines.length} lines, ${lines.length - failed.length} mapped to valid alerts, ${failed.length} failed` +
        [...reasons].map(([reason, n]) => `\n  ${n} × ${reason}`).join(''),
    );

    expect(lines.length).toBeGreaterThanOrEqual(100);
    expect(failed.filter((f) => !(f.error instanceof NormalizeError)).map((f) => `${f.file}:${f.line}: ${f.error}`)).toEqual([]);
    expect(failed.filter((f) => f.text.includes('CEF:')).map((f) => `${f.file}:${f.line}: ${f.error}`)).toEqual([]);
    // The Defender for Identity docs show RFC 5424 lines with APP-NAME "CEF" whose message lost its
    // "<BOM>0" prefix in the docs' rendering: "... CEF 6076 AccountEnumerationSecurityAlert |Microsoft|...".
    // Without the version they are not valid CEF. Line 15 kept its "0|" and maps.
    const versionless = Array.from({ length: 35 }, (_, i) => i + 1).filter((n) => n !== 15);
    expect(failed.map((f) => `${f.file}:${f.line}: ${f.error!.message}`)).toEqual(
      versionless.map((n) => `${MDI}:${n}: cef: missing CEF version (expected 0 or 1)`),
    );
  });

  it('reads a Defender for Identity (ATA) alert behind an RFC 5424 header', () => {
    const { alert, event } = at(MDI, 36);
    expect(event.syslog).toMatchObject({ framing: 'rfc5424', hostname: 'CENTER', appName: 'ATA', procId: '4688' });
    expect(alert).toMatchObject({
      source: 'microsoft-ata',
      sourceId: '5c113d028ca1ec1250ca0491',
      time: '2018-12-12T18:52:58.000Z',
      title: 'Abnormal modification of sensitive groups',
      severity: 'medium',
      product: { name: 'ATA', vendor: 'Microsoft' },
      rule: { id: 'AbnormalSensitiveGroupMembershipChangeSuspiciousActivity' },
      observables: { users: [{ name: 'krbtgt' }] },
    });
  });

  it('reads a severity 10 ATA alert behind a relay prefix and stray bytes, with its source host', () => {
    const { alert } = at(MDI, 45);
    expect(alert).toMatchObject({
      title: 'Malicious data protection private information request',
      severity: 'critical',
      time: '2018-12-12T17:58:56.353Z',
      observables: { hosts: [{ hostname: 'W2012R2-000000-Server' }] },
    });
    expect(at(MDI, 41).alert.description).toContain(':\nAuthenticated from CLIENT1');
  });

  it('reads the Defender for Identity APP-NAME "CEF" form', () => {
    const { alert, event } = at(MDI, 15);
    expect(event).toMatchObject({ version: '0', deviceProduct: 'Azure ATP', labeled: { shostfqdn: 'client1.contoso.com' } });
    expect(alert).toMatchObject({
      source: 'microsoft-azure-atp',
      sourceId: 'aa63600e03-f423-49bf-a92d-4010e1d52b9f',
      severity: 'critical',
      observables: { hosts: [{ hostname: 'CLIENT2' }], users: [{ name: 'RFosdyke' }] },
    });
  });

  it('reads Defender for Cloud Apps ids, times and escaped labeled values', () => {
    const { alert, event } = at('microsoft_defender_cloud_apps_docs.log', 1);
    expect(event.syslog?.timestamp).toBe('2017-11-22T17:50:04.000Z');
    expect(event.labeled.portalURL).toBe(
      'https://contoso.portal.cloudappsecurity.com/#/audits?activity.id=eq(1511373015679_167ae3eb-ed33-454a-b548-c2ed6cea6ef0,)',
    );
    expect(alert).toMatchObject({
      source: 'mcas-siem_agent',
      sourceId: '1511373015679_167ae3eb-ed33-454a-b548-c2ed6cea6ef0',
      time: '2017-11-22T17:50:04.000Z',
      title: 'Log out',
      severity: 'low',
      observables: { users: [{ name: 'admin@contoso.com' }], ips: ['13.82.149.151'] },
    });
  });

  it('reads Trend Micro files, hashes and labels with pipes', () => {
    const TREND = 'elastic_integrations_trend_micro_deep_security.log';
    expect(at(TREND, 2).alert.observables.files).toEqual([{ path: 'C:\\Users\\trend\\Desktop\\eicar.exe', name: 'eicar.exe' }]);
    expect(at(TREND, 2).event.labeled.Container).toBe('ContainerImageName | ContainerName | ContainerID');
    expect(at(TREND, 3).alert.observables.files).toEqual([
      {
        path: '/home/user1/Desktop/Directory1//heartbeatSync.sh',
        name: 'heartbeatSync.sh',
        size: 20,
        hashes: { sha256: '80D4AC182F97D2AB48EE4310AC51DA5974167C596D133D64A83107B9069745E0' },
      },
    ]);
  });

  it('reads Check Point and Forcepoint firewall lines from the Elastic tests', () => {
    const BEATS = 'elastic_beats_cef_module_tests.log';
    expect(at(BEATS, 7).alert).toMatchObject({ severity: 'informational', observables: { ips: ['fd00::555', '::1'] } });
    expect(at(BEATS, 10).alert).toMatchObject({
      time: '2020-01-17T08:52:09.000Z',
      description: expect.stringContaining('frag=0x4000 TCP'),
      observables: { network: [{ srcIp: '10.37.205.252', dstIp: '10.1.1.40', protocol: 'icmp' }] },
    });
    expect(at(BEATS, 4).event.extensions.src).toBe('192.168.3.4');
    expect(at('azure_sentinel_sample_withsecure_edr.log', 3).alert.observables.users).toEqual([
      { name: 'gtn-user', domain: 'DESKTOP-UCETTHQ' },
    ]);
  });
});
