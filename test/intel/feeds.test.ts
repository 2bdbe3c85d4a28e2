import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { csvRecords, parseCsvFeed } from '../../src/intel/csv';
import { FeedFormatError, type ParsedFeed } from '../../src/intel/feed';
import { detectIndicatorType, normalizeIndicator, refang } from '../../src/intel/indicator';
import { parseMisp } from '../../src/intel/misp';
import { parseStix } from '../../src/intel/stix';

const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/intel', name), 'utf8');
const brief = (feed: ParsedFeed) => feed.iocs.map((i) => `${i.type} ${i.value} ${i.verdict}`);
const reasons = (feed: ParsedFeed) => feed.skipped.map((s) => s.reason);

const SHA256 = '6ca4d8f901ad601e358fb29a4f7fa5d69218060fc5b8ad819f22fe3ba3c9412a';
const MD5 = '5985cd9e7e9fabfbf712e74d5a8af803';

describe('indicator normalization', () => {
  it.each([
    ['ip', ' 198.51.100.7 ', '198.51.100.7'],
    ['ip', '2001:DB8::1', '2001:db8::1'],
    ['ip', '198.51.100.7/32', '198.51.100.7'],
    ['domain', 'Evil.Example.', 'evil.example'],
    ['domain', 'xn--80ak6aa92e.example', 'xn--80ak6aa92e.example'],
    ['hash', MD5.toUpperCase(), MD5],
    ['url', 'https://a.example/x?y=1', 'https://a.example/x?y=1'],
    ['email', 'Bob@Evil.Example', 'bob@evil.example'],
  ] as const)('%s %s → %s', (type, raw, value) => {
    expect(normalizeIndicator(type, raw)).toEqual({ ok: true, value });
  });

  it.each([
    ['ip', '198.51.100.0/24', /CIDR/],
    ['ip', '999.1.1.1', /not an IP/],
    ['domain', '*.evil.example', /wildcard/],
    ['domain', '1.2.3.4', /not a domain/],
    ['domain', 'report.pdf1', /not a domain/],
    ['hash', 'abc123', /hash/],
    ['url', 'evil.example/path', /not a URL/],
    ['email', 'nobody@', /not an email/],
    ['domain', '   ', /empty/],
  ] as const)('%s %s is refused (%s)', (type, raw, reason) => {
    const n = normalizeIndicator(type, raw);
    expect(n.ok).toBe(false);
    expect(!n.ok && n.reason).toMatch(reason);
  });

  it('refuses URLs over 2048 characters', () => {
    expect(normalizeIndicator('url', `http://a.example/${'x'.repeat(3000)}`)).toEqual({ ok: false, reason: 'URL too long' });
  });

  it('refangs the usual defanging and detects the type of bare values', () => {
    expect(refang('hxxps://evil[.]example/a')).toBe('https://evil.example/a');
    expect(refang('bob[at]evil(.)example')).toBe('bob@evil.example');
    expect(
      ['203.0.113.9', '2001:db8::2', '198.51.100.0/24', MD5, 'http://x.example/', 'a@b.example', 'evil.example', 'hello', ''].map(
        detectIndicatorType,
      ),
    ).toEqual(['ip', 'ip', 'ip', 'hash', 'url', 'email', 'domain', undefined, undefined]);
  });
});

describe('parseMisp', () => {
  it('reads an event export: attributes and object attributes, to_ids, composite values, tags', () => {
    const feed = parseMisp(fixture('misp-event.json'));
    expect(brief(feed)).toEqual([
      'ip 203.0.113.145 malicious',
      'domain invoice-portal.example malicious',
      'url http://invoice-portal.example/dl/inv_2025.zip malicious',
      'ip 198.51.100.223 malicious',
      'email billing@invoice-portal.example malicious',
      `hash ${MD5} malicious`,
      'hash fc737034d4f7bf88acf93556bb7324d95eec3797 malicious',
      `hash ${SHA256} malicious`,
      'domain update-check.example malicious',
      'ip 203.0.113.146 malicious',
    ]);
    expect(reasons(feed)).toEqual([
      'to_ids is off',
      'unsupported MISP attribute type text',
      'not an MD5/SHA-1/SHA-256/SHA-512 hash',
      'deleted attribute',
      'unsupported MISP attribute type filename',
    ]);
    const c2 = feed.iocs[0];
    expect(c2.description).toBe('Invoice-lure phishing wave delivering a loader: loader C2');
    expect(c2.tags).toEqual(['tlp:green', 'misp-galaxy:malpedia="Example Loader"']);
    expect(c2.externalId).toBe('5a17c0de-0000-4000-8000-000000006222');
    expect(feed.iocs[2].tags).toContain('kill-chain:Delivery');
    expect(feed.iocs[0].expiresAt).toBeUndefined();
  });

  it('imports to_ids-off attributes as suspicious when asked', () => {
    const feed = parseMisp(fixture('misp-event.json'), { includeNonIds: true });
    expect(brief(feed)).toContain('domain cdn.legit-cloud.example suspicious');
  });

  it('reads a list of events, a restSearch response and composite hash/domain|ip types', () => {
    const event = (info: string, attrs: object[]) => ({ Event: { info, Attribute: attrs } });
    const list = [
      event('one', [{ type: 'filename|sha256', value: `invoice.exe|${SHA256}`, to_ids: true }]),
      event('two', [{ type: 'domain|ip', value: 'c2.invoice-portal.example|203.0.113.146', to_ids: '1' }]),
    ];
    expect(brief(parseMisp(JSON.stringify(list)))).toEqual([
      `hash ${SHA256} malicious`,
      'domain c2.invoice-portal.example malicious',
      'ip 203.0.113.146 malicious',
    ]);
    const rest = { response: [list[0]] };
    expect(brief(parseMisp(JSON.stringify(rest)))).toEqual([`hash ${SHA256} malicious`]);
    const attrs = { response: { Attribute: [{ type: 'ip-src', value: '192.0.2.44', to_ids: true }] } };
    expect(brief(parseMisp(JSON.stringify(attrs)))).toEqual(['ip 192.0.2.44 malicious']);
  });

  it('skips malformed attributes one by one instead of failing the feed', () => {
    const feed = parseMisp(
      JSON.stringify({
        Event: {
          Attribute: [null, 7, { type: 'ip-dst', to_ids: true }, { type: 'ip-dst', value: '198.51.100.7', to_ids: true }],
          Object: ['x', { Attribute: 'nope' }],
        },
      }),
    );
    expect(brief(feed)).toEqual(['ip 198.51.100.7 malicious']);
    expect(reasons(feed)).toEqual(['attribute is not an object', 'attribute is not an object', 'empty value', 'object is not an object']);
  });

  it('throws FeedFormatError for text that is not a MISP document', () => {
    expect(() => parseMisp('{"Event": ')).toThrow(FeedFormatError);
    expect(() => parseMisp('{"type": "bundle", "objects": []}')).toThrow(/no MISP event/);
    expect(() => parseMisp('42')).toThrow(/no MISP event/);
  });

  it('stops at its size and entry bounds', () => {
    expect(() => parseMisp('{"Event": {}}', { limits: { maxChars: 5, maxEntries: 10 } })).toThrow(/over the limit/);
    const many = { Event: { Attribute: Array.from({ length: 20 }, (_, i) => ({ type: 'ip-dst', value: `192.0.2.${i}`, to_ids: true })) } };
    expect(() => parseMisp(JSON.stringify(many), { limits: { maxChars: 1e6, maxEntries: 10 } })).toThrow(/more than 10 entries/);
  });
});

describe('parseStix', () => {
  it('reads indicators (every equality of the pattern), verdicts, expiry, and bare observables', () => {
    const feed = parseStix(fixture('stix-bundle.json'));
    expect(brief(feed)).toEqual([
      'ip 203.0.113.145 malicious',
      `hash ${SHA256} malicious`,
      `hash ${MD5} malicious`,
      'domain invoice-portal.example malicious',
      'url http://invoice-portal.example/dl/inv_2025.zip malicious',
      'email billing@invoice-portal.example suspicious',
      'ip 198.51.100.224 malicious',
      'domain updates.vendor.example benign',
      'domain update-check.example suspicious',
      'ip 192.0.2.177 suspicious',
      'hash 9a107447b3ac042c812f3bf0701db7ce01ef96dc56a0798462c0df0da5215fa9 suspicious',
      'hash 4f64bd2aa77b01c813135bd68086f258e58e9944 suspicious',
    ]);
    expect(reasons(feed)).toEqual([
      'pattern has no equality on an IP, domain, URL, email or file hash',
      'pattern_type yara is not STIX patterning',
      'revoked indicator',
      expect.stringMatching(/^unparseable pattern: expected "\]"/),
      'CIDR range (only single addresses can be matched)',
    ]);
    const c2 = feed.iocs[0];
    expect(c2).toMatchObject({ description: 'Loader C2 server', externalId: 'indicator--5a17c0de-0000-4000-8000-0000000a0003' });
    expect(c2.tags).toEqual(['loader', 'c2', 'malicious-activity']);
    expect(c2.expiresAt?.toISOString()).toBe('2099-03-10T08:00:00.000Z');
    expect(feed.iocs[6].expiresAt?.toISOString()).toBe('2024-06-01T00:00:00.000Z');
  });

  it('lets an explicit benign indicator stand over a bare observable of the same value', () => {
    const bundle = {
      type: 'bundle',
      id: 'bundle--1',
      objects: [
        { type: 'domain-name', id: 'domain-name--1', value: 'Updates.Vendor.example' },
        {
          type: 'indicator',
          id: 'indicator--1',
          indicator_types: ['benign'],
          pattern: "[domain-name:value = 'updates.vendor.example']",
          pattern_type: 'stix',
        },
      ],
    };
    expect(brief(parseStix(JSON.stringify(bundle)))).toEqual(['domain updates.vendor.example benign']);
  });

  it('reads STIX 2.0 style indicators (labels, no pattern_type) and IN sets', () => {
    const bundle = {
      type: 'bundle',
      id: 'bundle--2',
      spec_version: '2.0',
      objects: [
        {
          type: 'indicator',
          id: 'indicator--2',
          labels: ['malicious-activity'],
          pattern: "[domain-name:value IN ('a.invoice-portal.example', 'b.invoice-portal.example')]",
        },
        {
          type: 'indicator',
          id: 'indicator--3',
          labels: ['anonymization'],
          pattern: "[network-traffic:dst_ref.value = '198.51.100.9' AND network-traffic:dst_port = 9001]",
        },
      ],
    };
    expect(brief(parseStix(JSON.stringify(bundle)))).toEqual([
      'domain a.invoice-portal.example malicious',
      'domain b.invoice-portal.example malicious',
      'ip 198.51.100.9 suspicious',
    ]);
  });

  it('ignores negated and non-equality comparisons', () => {
    const bundle = {
      type: 'bundle',
      id: 'bundle--3',
      objects: [
        {
          type: 'indicator',
          id: 'indicator--4',
          pattern: "[ipv4-addr:value != '198.51.100.1' AND ipv4-addr:value NOT = '198.51.100.2' AND url:value LIKE 'http://%.example/%']",
          pattern_type: 'stix',
        },
      ],
    };
    const feed = parseStix(JSON.stringify(bundle));
    expect(feed.iocs).toEqual([]);
    expect(reasons(feed)).toEqual(['pattern has no equality on an IP, domain, URL, email or file hash']);
  });

  it('throws FeedFormatError for text that is not STIX', () => {
    expect(() => parseStix('not json')).toThrow(FeedFormatError);
    expect(() => parseStix('{"type": "bundle"}')).toThrow(/no objects array/);
    expect(() => parseStix('{"Event": {}}')).toThrow(/not a STIX bundle/);
  });
});

describe('parseCsvFeed', () => {
  it('reads a URLhaus dump: header from the comment banner, threat and status as description, tags', () => {
    const feed = parseCsvFeed(fixture('urlhaus-recent.csv'));
    expect(brief(feed)).toEqual([
      'url http://203.0.113.145:41337/i malicious',
      'url http://invoice-portal.example/dl/inv_2025.zip malicious',
      'url https://files.share-drop.example/d/7Hk2/Invoice.js malicious',
    ]);
    expect(feed.iocs[0]).toMatchObject({
      description: 'malware_download (online)',
      tags: ['32-bit', 'elf', 'mips', 'Mozi'],
      externalId: 'https://urlhaus.abuse.ch/url/3390117/',
    });
    expect(feed.iocs[2].description).toBe('malware_download (offline)');
    expect(reasons(feed)).toEqual(['not a URL']);
  });

  it('reads a CSV with a header row, typed and judged per row', () => {
    const feed = parseCsvFeed(fixture('indicators.csv'));
    expect(brief(feed)).toEqual([
      'ip 203.0.113.146 malicious',
      'domain update-check.example suspicious',
      'domain updates.vendor.example benign',
      `hash ${MD5} malicious`,
      'email billing@invoice-portal.example malicious',
    ]);
    expect(feed.iocs[0]).toMatchObject({ description: 'loader C2, secondary', tags: ['c2', 'loader'] });
    expect(feed.iocs[4].description).toBe('lure sender "Billing"');
    expect(reasons(feed)).toEqual(['unsupported indicator type regkey', 'unknown verdict critical']);
  });

  it('reads a plain list: comments, defanged values, inline notes, detected types', () => {
    const feed = parseCsvFeed(fixture('blocklist.txt'));
    expect(brief(feed)).toEqual([
      'ip 203.0.113.145 malicious',
      'url http://invoice-portal.example/dl/inv_2025.zip malicious',
      'domain update-check.example malicious',
      'hash 9a107447b3ac042c812f3bf0701db7ce01ef96dc56a0798462c0df0da5215fa9 malicious',
      'email billing@invoice-portal.example malicious',
    ]);
    expect(feed.iocs[2].description).toBe('staging host');
    expect(feed.iocs[3].description).toBe('stage2 dll');
    expect(reasons(feed)).toEqual([
      'CIDR range (only single addresses can be matched)',
      'not a recognizable IP, domain, URL, hash or email',
    ]);
  });

  it('follows an explicit column mapping by index, with a fixed type and delimiter', () => {
    const text = '# dst;first_seen;family\n203.0.113.150;2025-03-01;ExampleRAT\n203.0.113.151;2025-03-02;ExampleRAT\n';
    const feed = parseCsvFeed(text, {
      preset: 'columns',
      columns: { value: 0, description: 2 },
      delimiter: ';',
      type: 'ip',
      verdict: 'suspicious',
    });
    expect(brief(feed)).toEqual(['ip 203.0.113.150 suspicious', 'ip 203.0.113.151 suspicious']);
    expect(feed.iocs[0].description).toBe('ExampleRAT');
  });

  it('follows a mapping by names and reads expiry', () => {
    const text = 'ioc,seen,expires\nevil-cdn.example,2025-01-01,2030-01-01T00:00:00Z\n';
    const feed = parseCsvFeed(text, { columns: { value: 'ioc', expires: 'expires' } });
    expect(feed.iocs[0]).toMatchObject({ type: 'domain', value: 'evil-cdn.example' });
    expect(feed.iocs[0].expiresAt?.toISOString()).toBe('2030-01-01T00:00:00.000Z');
  });

  it('treats a headerless CSV as indicator in the first column', () => {
    expect(brief(parseCsvFeed('198.51.100.77,c2\nbad-host.example,phishing\n'))).toEqual([
      'ip 198.51.100.77 malicious',
      'domain bad-host.example malicious',
    ]);
  });

  it('reports a mapping that names a missing column, and a broken quote', () => {
    expect(() => parseCsvFeed('a,b\n1,2\n', { columns: { value: 'indicator' } })).toThrow(/no value column "indicator"/);
    expect(() => parseCsvFeed('ioc,x\n"198.51.100.1,2\n', { columns: { value: 'ioc' } })).toThrow(
      /unterminated quoted field starting on line 2/,
    );
    expect(() => parseCsvFeed('x', { preset: 'columns' })).toThrow(/needs a column mapping/);
  });

  it('splits RFC 4180 records: quotes, doubled quotes, CRLF, newlines inside quotes, comments', () => {
    const recs = [...csvRecords('# c\r\na,"b ""q"", c"\r\n"multi\nline",x\n\n')];
    expect(recs).toEqual([{ comment: ' c' }, { fields: ['a', 'b "q", c'], line: 2 }, { fields: ['multi\nline', 'x'], line: 3 }]);
  });

  it('on any text either parses or throws FeedFormatError (never another error)', () => {
    const chars = fc.constantFrom('"', ',', '\n', '\r', '#', ' ', 'a', '1', '.', ':', '/', '@', ';', 'x');
    fc.assert(
      fc.property(
        fc.array(chars, { maxLength: 200 }).map((a) => a.join('')),
        (text) => {
          try {
            const feed = parseCsvFeed(text);
            expect(feed.iocs.length + feed.skipped.length).toBeLessThanOrEqual(text.length);
          } catch (err) {
            expect(err).toBeInstanceOf(FeedFormatError);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});
