import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Finding } from '../../src/domain/finding';
import { mapEml } from '../../src/ingest/formats/eml';
import {
  ANALYZER_VERSION,
  analyzeUrls,
  brandsNamedIn,
  editDistance,
  inspectDomain,
  inspectUrl,
  registrableDomain,
  skeleton,
} from '../../src/analyzers/url';
import { PROTECTED_BRANDS } from '../../src/analyzers/data/brands';
import { corpusPath } from '../helpers/corpus';
import { countTextWork } from '../helpers/work';

const ids = (url: string) => inspectUrl(url).signals.map((s) => s.id);

describe('registrable domain', () => {
  it('uses the public suffix list with private suffixes', () => {
    expect(registrableDomain('a.b.example.co.uk')).toBe('example.co.uk');
    expect(registrableDomain('evil.github.io')).toBe('evil.github.io');
    expect(registrableDomain('login-microsoft.azurewebsites.net')).toBe('login-microsoft.azurewebsites.net');
    expect(registrableDomain('paypal.com.evil.top')).toBe('evil.top');
  });
});

describe('homoglyph skeleton and edit distance', () => {
  it('maps Unicode lookalikes, invisible characters and ASCII tricks together', () => {
    expect(skeleton('раураl')).toBe(skeleton('paypal')); // Cyrillic р, а, у
    expect(skeleton('rnicrosoft')).toBe(skeleton('microsoft'));
    expect(skeleton('vvellsfargo')).toBe(skeleton('wellsfargo'));
    expect(skeleton('g00gle')).toBe(skeleton('google'));
    expect(skeleton('paypa1')).toBe(skeleton('paypal'));
    expect(skeleton('ＰａｙＰａｌ')).toBe(skeleton('paypal')); // full-width
    expect(skeleton('pay\u200bpal')).toBe(skeleton('paypal')); // zero-width space
    expect(skeleton('amazon')).not.toBe(skeleton('amazing'));
  });

  it('counts a transposition as one edit and stops early', () => {
    expect(editDistance('paypal', 'pyapal')).toBe(1);
    expect(editDistance('microsoft', 'micosoft')).toBe(1);
    expect(editDistance('microsoft', 'mircosoft')).toBe(1);
    expect(editDistance('amazon', 'amazing')).toBe(2);
    expect(editDistance('a'.repeat(60), 'b'.repeat(60), 2)).toBe(3);
  });
});

describe('brand lookalike domains', () => {
  const cases: [string, string, string][] = [
    ['xn--pypal-4ve.com', 'PayPal', 'homoglyph'], // pаypal with a Cyrillic а
    ['xn--80ak6aa92e.com', 'Apple', 'homoglyph'], // аррӏе, all Cyrillic
    ['paypa1.com', 'PayPal', 'homoglyph'],
    ['rnicrosoft.com', 'Microsoft', 'homoglyph'],
    ['paypall.com', 'PayPal', 'typosquat'],
    ['micosoft.com', 'Microsoft', 'typosquat'],
    ['docusgin.net', 'DocuSign', 'typosquat'],
    ['deutsche-bahn.de', 'Deutsche Bahn', 'typosquat'],
    ['paypal-secure-login.com', 'PayPal', 'combosquat'],
    ['dhl-paket.info', 'DHL', 'combosquat'],
    ['secure-office365-verify.com', 'Microsoft', 'combosquat'],
    ['microsoftonlinelogin.net', 'Microsoft', 'combosquat'],
    ['login-microsoft.azurewebsites.net', 'Microsoft', 'combosquat'],
    ['paypal.com.evil.top', 'PayPal', 'brand-in-subdomain'],
    ['www.amazon.de-kundenkonto.info', 'Amazon', 'brand-in-subdomain'],
    ['netflix.billing-update.xyz', 'Netflix', 'brand-in-subdomain'],
    ['amazon.shop', 'Amazon', 'brand-elsewhere'],
    ['paypal.firebaseapp.com', 'PayPal', 'brand-elsewhere'],
  ];
  it.each(cases)('%s imitates %s (%s)', (domain, brand, technique) => {
    const f = inspectDomain(domain);
    expect(f.ownedBy).toBeUndefined();
    expect(f.lookalike).toEqual(expect.objectContaining({ brand, technique }));
    expect(f.signals[0].attack).toContain('T1583.001');
  });

  it('decodes punycode for the reader', () => {
    expect(inspectDomain('xn--pypal-4ve.com').unicode).toBe('pаypal.com');
  });

  it("leaves the brands' own domains and unrelated look-alike words alone", () => {
    for (const d of [
      'www.paypal.com',
      'login.microsoftonline.com',
      'outlook.office.com',
      'signin.aws.amazon.com',
      'mail.google.com',
      'appleid.apple.com',
      'finance.yahoo.com',
      'amazing.com',
      'telecom.fr',
      'offices.com',
      'applied.com',
      'cloud.com',
      'finance.com',
      'olive.com',
      'example.org',
      'cnet.com',
      'perl.org',
      'linux.ie',
    ]) {
      const f = inspectDomain(d);
      expect({ d, lookalike: f.lookalike }).toEqual({ d, lookalike: undefined });
    }
    expect(inspectDomain('www.paypal.com').ownedBy).toBe('PayPal');
    expect(inspectDomain('outlook.office.com').ownedBy).toBe('Microsoft');
  });

  it('curates about forty brands, each with its own domains', () => {
    expect(PROTECTED_BRANDS.length).toBeGreaterThanOrEqual(40);
    for (const d of ['paypal.com', 'microsoft.com', 'office.com', 'live.com', 'apple.com', 'amazon.com', 'google.com', 'dhl.com']) {
      expect(PROTECTED_BRANDS.some((b) => b.domains.includes(d))).toBe(true);
    }
    const all = PROTECTED_BRANDS.flatMap((b) => b.domains);
    expect(new Set(all).size).toBe(all.length); // no domain claimed by two brands
  });

  it('finds brands named in display text, spaced out or disguised', () => {
    expect(brandsNamedIn('Microsoft account team').map((b) => b.name)).toEqual(['Microsoft']);
    expect(brandsNamedIn('D P D  Versand').map((b) => b.name)).toEqual(['DPD']);
    expect(brandsNamedIn('Ꮇ\u{E0139}icroso\u{E0139}ft Mail').map((b) => b.name)).toEqual(['Microsoft']);
    expect(brandsNamedIn('Chase Smith')).toEqual([]); // a person, not "Chase Bank"
    expect(brandsNamedIn('Adam L. Beberg')).toEqual([]);
  });
});

describe('URL shapes', () => {
  it('sees IP literals in every notation browsers accept', () => {
    for (const url of [
      'http://3232235777/',
      'http://0xC0A80101/x',
      'http://0300.0250.1.1/',
      'http://192.168.001.1/',
      'http://0xc0.0xa8.1.1/',
    ]) {
      const f = inspectUrl(url);
      expect({ url, ip: f.ipLiteral }).toEqual({ url, ip: { ip: '192.168.1.1', notation: 'obfuscated' } });
      expect(ids(url)).toContain('ip-host-obfuscated');
    }
    expect(inspectUrl('http://203.0.113.9/a').ipLiteral).toEqual({ ip: '203.0.113.9', notation: 'dotted' });
    expect(ids('http://10.0.0.5/')).toEqual(['ip-host']);
    expect(inspectUrl('http://[2001:db8::1]/x').ipLiteral?.notation).toBe('ipv6');
  });

  it('flags the "@" userinfo trick, harder when the userinfo looks like a host', () => {
    expect(ids('http://www.paypal.com@evil.example/login')).toContain('userinfo-trick');
    expect(inspectUrl('http://www.paypal.com@evil.example/').host?.hostname).toBe('evil.example');
    expect(ids('ftp://user:pw@files.example.net/')).toContain('userinfo');
  });

  it('flags javascript:, HTML data: URLs and dangerous protocol handlers but not data images', () => {
    expect(ids('javascript:alert(document.cookie)')).toEqual(['javascript-url']);
    expect(ids('data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==')).toEqual(['data-url']);
    expect(ids('data:image/png;base64,iVBORw0KGgo=')).toEqual([]);
    expect(ids('ms-msdt:/id PCWDiagnostic /skip force')).toEqual(['protocol-handler']);
    expect(ids('search-ms:query=invoice&crumb=location:\\\\203.0.113.5@80\\share')).toEqual(['protocol-handler']);
  });

  it('flags shorteners, IP loggers and abused TLDs', () => {
    expect(ids('https://bit.ly/3abcDEF')).toEqual(['shortener']);
    expect(ids('https://iplogger.org/2abc')).toEqual(['ip-logger']);
    expect(ids('https://invoice-view.top/doc')).toEqual(['risky-tld']);
    expect(ids('https://example.zip/')).toEqual(['risky-tld']);
  });

  it('reads credential-harvest paths and recipient addresses carried in the link', () => {
    expect(ids('https://evil.example.net/wp-content/plugins/x/login.php')).toEqual(
      expect.arrayContaining(['credential-path', 'wordpress-kit']),
    );
    expect(ids('https://mail.evil.net/owa/auth/logon.aspx')).toContain('webmail-path');
    expect(ids('https://hacked-bakery.example/wp-admin/')).toContain('wordpress-kit');
    expect(ids('https://hacked-bakery.example/wp-content/uploads/2024/05/cake.jpg')).toEqual([]);
    const kit = inspectUrl('https://evil.example.net/next.php?email=victim@corp.example');
    expect(kit.signals.find((s) => s.id === 'email-in-query')?.score).toBe(45);
    expect(ids('https://evil.example.net/index.html#dmljdGltQGNvcnAuZXhhbXBsZQ==')).toContain('email-in-fragment'); // base64 victim@corp.example
    expect(ids('https://evil.example.net/#victim@corp.example')).toContain('email-in-fragment');
    expect(ids('https://gateway.example.net/ipfs/QmXoypizjW3WknFiJnKLwHCnL72vedxjQkDDP1mXWo6uco')).toContain('ipfs');
    // The brand's own login pages are not harvest pages.
    expect(ids('https://www.paypal.com/signin?email=me@example.com')).toEqual([]);
  });

  it('survives junk', () => {
    expect(ids('not a url')).toEqual(['unparsable']);
    expect(ids('http://')).toEqual(['unparsable']);
    expect(ids(`https://example.com/${'a'.repeat(20_000)}`)).toEqual([]);
  });
});

describe('analyzeUrls', () => {
  it('returns a valid finding with verdict, ATT&CK and evidence', () => {
    const f = analyzeUrls(['http://paypal.com.evil.top/signin', 'https://www.paypal.com/'], ['xn--pypal-4ve.com']);
    expect(Finding.parse(f)).toEqual(f);
    expect(f.analyzer).toBe('url');
    expect(f.verdict).toBe('malicious');
    expect(f.score).toBeGreaterThanOrEqual(85);
    expect(f.attack).toEqual(expect.arrayContaining(['T1566.002', 'T1583.001']));
    expect(f.evidence.join('\n')).toContain('pаypal.com');
    expect(ANALYZER_VERSION).toMatch(/^\d+$/);
  });

  it('calls brand and ordinary links benign and says unknown with nothing to look at', () => {
    const f = analyzeUrls(['https://www.paypal.com/myaccount', 'https://docs.python.org/3/'], ['example.org']);
    expect(f).toEqual(expect.objectContaining({ verdict: 'benign', score: 0 }));
    expect(analyzeUrls([], [])).toEqual(expect.objectContaining({ verdict: 'unknown', score: 0 }));
  });

  it('stays bounded on many long hostile URLs', async () => {
    const urls = Array.from(
      { length: 600 },
      (_, i) => `http://${'a-'.repeat(30)}${i}.example.com/${'%41'.repeat(2000)}?email=${'x'.repeat(60)}@a.b#${'A'.repeat(400)}`,
    );
    const hosts = urls.map((u) => new URL(u).hostname);
    const { value: f, work } = await countTextWork(() => analyzeUrls(urls, hosts));
    expect(f.error).toBeUndefined();
    // At most 500 URLs are examined, and each character of one is scanned a few times, not once
    // per other character.
    expect(work.execs).toBeLessThan(120 * 500);
    expect(work.charsScanned + work.indexOfChars).toBeLessThan(6 * urls.slice(0, 500).join('').length);
  });

  it('separates the phishing corpus from ham only weakly: most lures use clean-looking links (measured)', async () => {
    const rates: Record<string, { verdicts: Record<string, number>; mean: number }> = {};
    for (const group of ['phishing', 'benign']) {
      const dir = corpusPath('eml', group);
      const scores: number[] = [];
      const verdicts: Record<string, number> = {};
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.eml'))) {
        const { alert } = await mapEml(readFileSync(join(dir, file)), { receivedAt: '2026-01-01T00:00:00Z' });
        const f = analyzeUrls(alert.observables?.urls ?? [], alert.observables?.domains ?? []);
        scores.push(f.score);
        verdicts[f.verdict] = (verdicts[f.verdict] ?? 0) + 1;
      }
      rates[group] = { verdicts, mean: scores.reduce((a, b) => a + b, 0) / scores.length };
    }
    console.log('url analyzer on the eml corpus:', JSON.stringify(rates));
    // Measured 2026: phishing 11/64 flagged (mean 7.6), ham 0/60 flagged (mean 6.6).
    expect(rates.benign.verdicts.suspicious ?? 0).toBe(0);
    expect(rates.benign.verdicts.malicious ?? 0).toBe(0);
    expect((rates.phishing.verdicts.suspicious ?? 0) + (rates.phishing.verdicts.malicious ?? 0)).toBeGreaterThanOrEqual(8);
  });
});
