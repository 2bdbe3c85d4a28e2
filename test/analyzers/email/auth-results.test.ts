import { parseAuthenticationResults, summarizeAuth } from '../../../src/analyzers/email/auth-results';
import { countTextWork } from '../../helpers/work';

describe('parseAuthenticationResults (RFC 8601)', () => {
  it('reads an authserv-id and an SPF result with a property and a comment', () => {
    const h = parseAuthenticationResults('example.com; spf=pass smtp.mailfrom=example.net (This is a comment)');
    expect(h).toEqual({
      authservId: 'example.com',
      none: false,
      results: [{ method: 'spf', result: 'pass', props: { 'smtp.mailfrom': 'example.net' }, extras: {}, comments: ['This is a comment'] }],
    });
  });

  it('reads a version, "none", and a quoted authserv-id', () => {
    expect(parseAuthenticationResults('example.org 1; none')).toEqual({ authservId: 'example.org', version: '1', none: true, results: [] });
    expect(parseAuthenticationResults('"mx.example.com" ; dkim=pass header.d=example.com').authservId).toBe('mx.example.com');
  });

  it('reads several methods, reasons, method versions, quoted values and nested comments', () => {
    const h = parseAuthenticationResults(
      'mail-router.example.net (a (nested) comment) 1; dkim/1 = fail reason="signature \\"bad\\" (expired)" header.d="example.com" header.i=@example.com; ' +
        'spf=softfail (mail-router.example.net: domain of transitioning x@example.com) smtp.mailfrom=x@example.com; dmarc=fail (p=reject dis=quarantine) header.from=example.com',
    );
    expect(h.authservId).toBe('mail-router.example.net');
    expect(h.version).toBe('1');
    expect(h.results.map((r) => [r.method, r.result])).toEqual([
      ['dkim', 'fail'],
      ['spf', 'softfail'],
      ['dmarc', 'fail'],
    ]);
    expect(h.results[0]).toEqual(
      expect.objectContaining({
        methodVersion: '1',
        reason: 'signature "bad" (expired)',
        props: { 'header.d': 'example.com', 'header.i': '@example.com' },
      }),
    );
    expect(h.results[1].comments).toEqual(['mail-router.example.net: domain of transitioning x@example.com']);
    expect(h.results[2]).toEqual(
      expect.objectContaining({ props: { 'header.from': 'example.com' }, comments: ['p=reject dis=quarantine'] }),
    );
  });

  it('keeps base64 DKIM values whole and folded whitespace harmless', () => {
    const h = parseAuthenticationResults(
      'mx.google.com;\r\n       dkim=pass header.i=@live.com header.s=selector1 header.b=QlV3/k+n=;\r\n       arc=pass (i=1)',
    );
    expect(h.results[0].props['header.b']).toBe('QlV3/k+n=');
    expect(h.results[1]).toEqual(expect.objectContaining({ method: 'arc', result: 'pass', comments: ['i=1'] }));
  });

  it("accepts Microsoft's headers that omit the authserv-id and add non-RFC properties", () => {
    // As written by Exchange Online (phishing corpus sample 1020).
    const h = parseAuthenticationResults(
      'spf=none (sender IP is 89.144.10.219) smtp.mailfrom=oqmhwr.net; dkim=none (message not signed) header.d=none;dmarc=fail action=none header.from=costco.com;compauth=fail reason=001',
    );
    expect(h.authservId).toBeUndefined();
    expect(h.results.map((r) => `${r.method}=${r.result}`)).toEqual(['spf=none', 'dkim=none', 'dmarc=fail', 'compauth=fail']);
    expect(h.results[2]).toEqual(expect.objectContaining({ props: { 'header.from': 'costco.com' }, extras: { action: 'none' } }));
    expect(h.results[3].reason).toBe('001');
  });

  it('never throws on junk and stays bounded', async () => {
    for (const junk of ['', ';;;', '(((', '"unterminated', '=', 'a; =b; c=', '\\', 'x; spf']) {
      expect(() => parseAuthenticationResults(junk)).not.toThrow();
    }
    const huge = `mx; ${Array.from({ length: 5000 }, (_, i) => `dkim=pass header.d=d${i}.example`).join('; ')}`;
    const { value: parsed, work } = await countTextWork(() => parseAuthenticationResults(huge));
    expect(parsed.results.length).toBeLessThanOrEqual(64);
    // Only the first 16 KiB of the header are read, each character about once.
    expect(huge.length).toBeGreaterThan(100_000);
    expect(work.charsScanned + work.indexOfChars).toBeLessThan(2 * 16 * 1024);
  });
});

describe('summarizeAuth', () => {
  it('believes only the top-most authserv-id unless told which ids are ours', () => {
    const headers = [
      'mx.corp.example; spf=pass smtp.mailfrom=example.net; dkim=fail header.d=example.net',
      'mx.corp.example; dmarc=fail header.from=example.net',
      'forged.example; dmarc=pass header.from=example.net; spf=pass smtp.mailfrom=example.net',
    ];
    const s = summarizeAuth(headers);
    expect(s).toEqual(expect.objectContaining({ authservId: 'mx.corp.example', ignored: 1 }));
    expect(s.spf?.result).toBe('pass');
    expect(s.dmarc?.result).toBe('fail');
    expect(s.dkim.map((r) => r.result)).toEqual(['fail']);
    expect(summarizeAuth(headers, ['forged.example']).dmarc?.result).toBe('pass');
    expect(summarizeAuth([])).toEqual({
      authservId: undefined,
      spf: undefined,
      dkim: [],
      dmarc: undefined,
      arc: undefined,
      compauth: undefined,
      ignored: 0,
    });
  });
});
