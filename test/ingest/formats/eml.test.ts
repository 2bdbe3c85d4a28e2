// The eml mapper over every email in the shared corpus (read in place), a few named samples
// with values checked against Python's email parser, and hostile / malformed input.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAlert, type Alert } from '../../../src/domain/alert';
import { EML_MAX_BYTES, looksLikeEml, mapEml } from '../../../src/ingest/formats/eml';
import { NormalizeError, type Normalized } from '../../../src/ingest/formats/types';
import { corpusPath } from '../../helpers/corpus';

const ctx = { receivedAt: '2027-01-01T00:00:00Z' };
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const bytes = (s: string) => Buffer.from(s, 'utf8');
/** A message from header lines and a body. */
const msg = (headers: string[], body = 'hello') => bytes(`${headers.join('\r\n')}\r\n\r\n${body}`);
/** Deterministic junk: a sha256 chain, so a failure reproduces. */
function junk(size: number): Buffer {
  const out: Buffer[] = [];
  for (let h = Buffer.from('seed'); out.length * 32 < size;) out.push((h = createHash('sha256').update(h).digest()));
  return Buffer.concat(out).subarray(0, size);
}

/** Map and validate; a NormalizeError comes back as the error, anything else thrown fails the test. */
async function outcome(
  input: Uint8Array,
  extra: { reporter?: string } = {},
): Promise<{ alert: Alert; normalized: Normalized } | { error: NormalizeError }> {
  try {
    const normalized = await mapEml(input, { ...ctx, ...extra });
    return { alert: parseAlert(normalized.alert), normalized };
  } catch (err) {
    if (err instanceof NormalizeError) return { error: err };
    throw err;
  }
}
async function mapped(input: Uint8Array, extra: { reporter?: string } = {}) {
  const result = await outcome(input, extra);
  if ('error' in result) throw new Error(`expected an alert, got ${result.error.message}`);
  return result;
}
async function rejected(input: Uint8Array) {
  const result = await outcome(input);
  if (!('error' in result)) throw new Error(`expected a NormalizeError, got alert "${result.alert.title}"`);
  return result.error.message;
}

describe('eml corpus', () => {
  const files = ['phishing', 'benign'].flatMap((dir) =>
    readdirSync(corpusPath('eml', dir))
      .filter((f) => f.endsWith('.eml'))
      .sort()
      .map((f) => join(corpusPath('eml', dir), f)),
  );
  const results = new Map<string, Awaited<ReturnType<typeof outcome>>>();

  beforeAll(async () => {
    for (const file of files) results.set(file, await outcome(readFileSync(file)));
    const failures = [...results].filter(([, r]) => 'error' in r).map(([f, r]) => `  ${f}: ${'error' in r ? r.error.message : ''}`);
    const alerts = [...results.values()].flatMap((r) => ('alert' in r ? [r.alert] : []));
    const total = (f: (a: Alert) => number) => alerts.reduce((n, a) => n + f(a), 0);
    console.log(
      [
        `eml corpus: ${files.length} files, ${alerts.length} mapped, ${failures.length} rejected`,
        ...failures,
        `  observables: ${total((a) => a.observables.urls.length)} urls, ${total((a) => a.observables.files.length)} files, ` +
          `${total((a) => a.observables.ips.length)} ips, ${total((a) => a.observables.domains.length)} domains; ` +
          `${alerts.filter((a) => a.time === ctx.receivedAt).length} without a usable Date`,
      ].join('\n'),
    );
  });

  it('has both folders', () => {
    expect(files.filter((f) => f.includes('/phishing/'))).toHaveLength(64);
    expect(files.filter((f) => f.includes('/benign/'))).toHaveLength(60);
  });

  it('maps every email to a valid alert', () => {
    const rejectedFiles = [...results].filter(([, r]) => 'error' in r).map(([f]) => f);
    expect(rejectedFiles).toEqual([]);
    for (const r of results.values()) {
      if ('error' in r) continue;
      expect(r.alert).toMatchObject({ source: 'phishing-report', severity: 'low', attackTechniques: ['T1566'] });
      expect(r.alert.title).toMatch(/^Reported email: /);
      expect(r.alert.observables.emails).toHaveLength(1);
    }
  });

  it('keeps the original bytes as email evidence and every attachment with matching hashes', () => {
    for (const [file, r] of results) {
      if ('error' in r) continue;
      const [email, ...rest] = r.normalized.evidence;
      expect(email).toMatchObject({ kind: 'email', mediaType: 'message/rfc822' });
      expect(sha256(email.content)).toBe(sha256(readFileSync(file)));
      const attachments = rest.filter((e) => e.kind === 'attachment');
      expect(attachments.map((e) => sha256(e.content))).toEqual(r.alert.observables.files.map((f) => f.hashes?.sha256));
    }
  });

  it('recognises every corpus email with looksLikeEml', () => {
    expect(files.filter((f) => !looksLikeEml(readFileSync(f)))).toEqual([]);
  });

  const get = (name: string) => {
    const r = results.get(files.find((f) => f.endsWith(`/${name}`)) ?? name);
    if (!r || 'error' in r) throw new Error(`${name} did not map`);
    return r.alert;
  };

  it('maps phishing_pot-sample-432 (HTML attachment lure)', () => {
    const a = get('phishing_pot-sample-432.eml');
    expect(a.sourceId).toBe('4uja40qppe8t.izchUfhpgGGkSsKhcJ1mtg2@17ZJK.trk.elasticemail.com');
    expect(a.time).toBe('2023-02-26T01:56:32.000Z');
    expect(a.title).toBe('Reported email: ID-125030');
    expect(a.observables.emails[0]).toMatchObject({
      from: 'admin@arbe.org.uk',
      to: ['ricardo.telles@dhmnet.com.br'],
      subject: 'ID-125030',
    });
    expect(a.observables.domains).toEqual(['arbe.org.uk', 'bounces.elasticemail.net']);
    expect(a.observables.ips).toEqual(['10.81.8.246', '10.81.8.148', '216.169.99.25']);
    // The href spans a line break in the HTML; the URL is rejoined.
    expect(a.observables.urls).toEqual([expect.stringMatching(/^https:\/\/17ZJK\.trk\.elasticemail\.com\/tracking\/unsubscribe\?d=\S+$/)]);
    expect(a.observables.files).toEqual([
      {
        name: 'HlGiLfODLD.html',
        size: 56568,
        hashes: expect.objectContaining({ sha256: 'b9cd6b1450e559a6560d5d0020c331f4e2700e2d4bbc367a61305db6ccec1cee' }),
      },
    ]);
    expect(a.description).toContain('Attachments: HlGiLfODLD.html');
  });

  it('maps phishing_pot-sample-3641 (pdf, zip and png attachments)', () => {
    const a = get('phishing_pot-sample-3641.eml');
    const byName = Object.fromEntries(a.observables.files.filter((f) => f.name).map((f) => [f.name, f.hashes?.sha256]));
    expect(byName).toEqual({
      'FotoCivicas.rCNuVDM3in.pdf': '25e92ada5f7e560dc2c250d68d2f55d4e67d77b52fc3baabde803933bcf01078',
      'FotoCivicas.dsBsfqpJ3z.zip': '399a80f7122764dba934c348bb10e2cf867eae8c37be64cf32544c6708aa027a',
      'FotoCivicas.QvizC3Gvmj.png': '22bc1f9d8c46a71fc89052315e5f6acc45b23866bf8d26e687134558dde4adc7',
    });
    expect(a.observables.domains).toEqual(['infracc24.ddns.net']);
    expect(a.observables.ips).toEqual(expect.arrayContaining(['51.79.146.28', '2603:10b6:510:32b::18']));
    expect(a.description).toContain('Authentication-Results: spf=pass (sender IP is 51.79.146.28)');
  });

  it('maps phishing_pot-sample-1221 (address hidden behind a comma in the display name)', () => {
    const a = get('phishing_pot-sample-1221.eml');
    expect(a.observables.emails[0].from).toBe('service@stayfriends.de');
    expect(a.description).toContain('From: Amazon Prime, jehd <service@stayfriends.de>');
    expect(a.observables.urls).toContain('http://77.91.100.118/cl/78_md/2010/19/679/3/315429');
    expect(a.observables.domains).toEqual(['stayfriends.de', 'messaggerocappuccino.it']);
  });

  it('maps phishing_pot-sample-1250 (credential lure with tracking links)', () => {
    const a = get('phishing_pot-sample-1250.eml');
    expect(a.title).toBe('Reported email: Action Required: New Payment Temporary on Hold');
    expect(a.observables.urls.every((u) => u.startsWith('https://click-notification.capitalone.com/f/a/'))).toBe(true);
    expect(a.observables.urls).toHaveLength(6);
    expect(a.observables.files.map((f) => [f.name, f.hashes?.sha256])).toEqual([
      ['Secure_Payment_CapitalOne_Accont.html', '99edbec6dd4df95330ef8d0c14a5ff9a5b4ee066fbcdb1d5f57134398e8882f7'],
    ]);
  });

  it('maps a benign mbox-style message (spamassassin-easy-ham-1-00336)', () => {
    const a = get('spamassassin-easy-ham-1-00336.6d3511fa.eml');
    expect(a.title).toBe('Reported email: Re: The GOv gets tough on Net Users.....er Pirates..');
    expect(a.time).toBe('2002-08-27T01:09:28.000Z');
    expect(a.observables.emails[0].from).toBe('beberg@mithral.com');
    expect(a.observables.domains).toEqual(['mithral.com', 'xent.com']);
    expect(a.raw).toMatchObject({ from: '"Adam L. Beberg" <beberg@mithral.com>' });
  });
});

describe('looksLikeEml', () => {
  it.each([
    ['plain headers', msg(['From: a@example.com', 'Subject: hi'])],
    ['mbox From line first', msg(['From a@example.com  Thu Aug 22 12:00:00 2002', 'Received: from x by y', 'Subject: hi'])],
    ['LF line endings', bytes('Return-Path: <a@example.com>\nMessage-ID: <1@x>\n\nbody')],
    [
      'a header block longer than the sniff window',
      msg(['Received: from x', ...Array.from({ length: 300 }, (_, i) => `X-Filler-${i}: ${'y'.repeat(40)}`)]),
    ],
  ])('accepts %s', (_, input) => expect(looksLikeEml(input)).toBe(true));

  it.each([
    ['empty', new Uint8Array(0)],
    ['JSON', bytes('{"From": "a@example.com", "Subject": "hi"}')],
    ['JSON array', bytes('[{"rule": {"id": 1}}]')],
    ['CEF from the corpus', readFileSync(corpusPath('cef', 'microsoft_defender_cloud_apps_docs.log'))],
    ['bare CEF lines', bytes('CEF:0|Vendor|Product|1.0|100|Name|5|src=10.0.0.1\nCEF:0|Vendor|Product|1.0|101|Name|5|src=10.0.0.2\n')],
    ['Wazuh alerts from the corpus', readFileSync(corpusPath('wazuh', 'alerts.json'))],
    ['random bytes', junk(8192)],
    ['a PDF', bytes('%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n')],
    ['headers without a known mail header', msg(['X-Foo: 1', 'Content-Length: 4'])],
    ['text with a NUL byte', Buffer.concat([msg(['From: a@example.com']), Buffer.from([0])])],
  ])('rejects %s', (_, input) => expect(looksLikeEml(input)).toBe(false));
});

describe('mapEml on hand-written messages', () => {
  const html = '<p>Please <a href="https://evil.example/login?a=1&amp;b=2">https://bank.example/login</a></p>';

  it('extracts href targets, visible URLs and refangs defanged ones', async () => {
    const input = msg(
      ['From: Bank <alerts@bank.example>', 'Subject: verify', 'MIME-Version: 1.0', 'Content-Type: multipart/alternative; boundary="b"'],
      [
        '--b',
        'Content-Type: text/plain',
        '',
        'Go to hxxps://evil[.]example/reset now.',
        '--b',
        'Content-Type: text/html',
        '',
        html,
        '--b--',
      ].join('\r\n'),
    );
    const { alert } = await mapped(input);
    expect(alert.observables.urls).toEqual([
      'https://evil.example/reset',
      'https://evil.example/login?a=1&b=2',
      'https://bank.example/login',
    ]);
  });

  it('maps addresses, domains, recipients and Received IPs', async () => {
    const { alert } = await mapped(
      msg([
        'Received: from mx.evil.example (mx.evil.example [203.0.113.9]) by mx.corp.example; Mon, 3 Mar 2025 10:00:00 +0000',
        'Received: from [IPv6:2001:db8::25] by relay.local (10.1.2.3) with SMTP; Mon, 3 Mar 2025 09:59:59 +0000',
        'Received: from edge (::ffff:192.0.2.7) by relay.local id 12.34; Mon, 3 Mar 2025 09:59:58 +0000',
        'From: "IT Support" <it@evil.example>',
        'Reply-To: collector@drop.example',
        'Return-Path: <bounce@mailer.example>',
        'To: Alice <alice@corp.example>, team: bob@corp.example, carol@corp.example;',
        'Cc: dave@corp.example',
        'Subject: Password expires',
        'Date: Mon, 3 Mar 2025 11:00:00 +0100',
        'Message-ID: <abc123@evil.example>',
        'Authentication-Results: mx.corp.example; spf=fail smtp.mailfrom=evil.example',
      ]),
      { reporter: 'alice@corp.example' },
    );
    expect(alert.sourceId).toBe('abc123@evil.example');
    expect(alert.time).toBe('2025-03-03T10:00:00.000Z');
    expect(alert.observables.emails).toEqual([
      {
        from: 'it@evil.example',
        to: ['alice@corp.example', 'bob@corp.example', 'carol@corp.example', 'dave@corp.example'],
        subject: 'Password expires',
        messageId: 'abc123@evil.example',
        headerNames: [],
      },
    ]);
    expect(alert.semantics).toEqual({ outcome: 'allowed' });
    expect(alert.observables.domains).toEqual(['evil.example', 'drop.example', 'mailer.example']);
    expect(alert.observables.ips).toEqual(['203.0.113.9', '10.1.2.3', '2001:db8::25', '::ffff:192.0.2.7']);
    expect(alert.observables.users).toEqual([{ name: 'alice@corp.example' }]);
    expect(alert.description).toBe(
      [
        'Reported by: alice@corp.example',
        'From: "IT Support" <it@evil.example>',
        'Reply-To: collector@drop.example',
        'Return-Path: bounce@mailer.example',
        'Authentication-Results: mx.corp.example; spf=fail smtp.mailfrom=evil.example',
      ].join('\n'),
    );
    expect(alert.raw).toMatchObject({ subject: 'Password expires', receivedHops: 3 });
  });

  it('finds the address after an unclosed comment in From', async () => {
    const { alert } = await mapped(msg(['From: Support (urgent <help@evil.example>', 'Subject: x']));
    expect(alert.observables.emails[0].from).toBe('help@evil.example');
  });

  it('hashes attachments and keeps them as evidence', async () => {
    const payload = Buffer.from('MZ fake executable');
    const { alert, normalized } = await mapped(
      msg(
        ['From: a@evil.example', 'Subject: invoice', 'Content-Type: multipart/mixed; boundary="b"'],
        [
          '--b',
          'Content-Type: text/plain',
          '',
          'see attached',
          '--b',
          'Content-Type: application/octet-stream; name="inv.exe"',
          'Content-Disposition: attachment; filename="inv.exe"',
          'Content-Transfer-Encoding: base64',
          '',
          payload.toString('base64'),
          '--b--',
        ].join('\r\n'),
      ),
    );
    expect(alert.observables.files).toEqual([
      {
        name: 'inv.exe',
        size: payload.length,
        hashes: {
          md5: createHash('md5').update(payload).digest('hex'),
          sha1: createHash('sha1').update(payload).digest('hex'),
          sha256: sha256(payload),
        },
      },
    ]);
    expect(normalized.evidence[1]).toMatchObject({ kind: 'attachment', mediaType: 'application/octet-stream', name: 'inv.exe' });
    expect(Buffer.from(normalized.evidence[1].content).equals(payload)).toBe(true);
  });

  it('accepts a plain Uint8Array view at an offset', async () => {
    const message = msg(['From: a@example.com', 'Subject: view']);
    const padded = new Uint8Array(message.length + 10);
    padded.set(message, 5);
    const view = padded.subarray(5, 5 + message.length);
    const { alert, normalized } = await mapped(view);
    expect(alert.title).toBe('Reported email: view');
    expect(sha256(normalized.evidence[0].content)).toBe(sha256(message));
    expect(alert.sourceId).toBe(sha256(message));
    expect(normalized.evidence[0].name).toBe(`${sha256(message)}.eml`);
  });

  it('clips long values and slices long lists to the schema limits', async () => {
    const many = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));
    const parts = many(
      150,
      (i) => `--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="f${i}.bin"\r\n\r\nx${i}`,
    );
    const { alert, normalized } = await mapped(
      msg(
        [
          ...many(250, (i) => `Received: from h${i} ([198.51.${i % 256}.${Math.floor(i / 256) + 1}]) by x`),
          'From: a@example.com',
          `Subject: ${'S'.repeat(5000)}`,
          `Message-ID: <${'m'.repeat(300)}@example.com>`,
          `To: ${many(150, (i) => `u${i}@corp.example`).join(', ')}`,
          'Content-Type: multipart/mixed; boundary="b"',
        ],
        [`--b\r\nContent-Type: text/plain\r\n\r\n${many(300, (i) => `https://e.example/${i}`).join(' ')}`, ...parts, '--b--'].join('\r\n'),
      ),
    );
    expect(alert.title).toHaveLength(512);
    expect(alert.observables.emails[0].subject).toHaveLength(2048);
    expect(alert.sourceId).toMatch(/^[0-9a-f]{64}$/); // the Message-ID is too long to be an id
    expect(alert.observables.emails[0].to).toHaveLength(100);
    expect(alert.observables.urls).toHaveLength(200);
    expect(alert.observables.ips).toHaveLength(200);
    expect(alert.observables.files).toHaveLength(99);
    expect(normalized.evidence).toHaveLength(100);
  });

  it.each([
    ['missing', []],
    ['unparseable', ['Date: someday soon']],
    ['far in the future', ['Date: Fri, 1 Jan 2100 00:00:00 +0000']],
    ['before 1970', ['Date: Mon, 1 Jan 1900 00:00:00 +0000']],
  ])('falls back to receivedAt when the Date is %s', async (_, date) => {
    const { alert } = await mapped(msg(['From: a@example.com', 'Subject: x', ...date]));
    expect(alert.time).toBe(ctx.receivedAt);
  });
});

describe('mapEml on malformed and hostile input', () => {
  it('rejects empty input', async () => expect(await rejected(new Uint8Array(0))).toMatch(/empty message/));

  it('rejects random bytes', async () => expect(await rejected(junk(4096))).toMatch(/no email headers/));

  it('rejects input that is not bytes', async () => {
    expect(await rejected('From: a@example.com' as unknown as Uint8Array)).toMatch(/expected the message as bytes/);
  });

  it('rejects messages over the size limit', async () => {
    const big = Buffer.alloc(EML_MAX_BYTES + 1, 0x61);
    big.write('From: a@example.com\r\nSubject: big\r\n\r\n');
    expect(await rejected(big)).toMatch(/limit is 26214400/);
  });

  it.each([
    ['a header without a value', 'From: a', 'Reported email: (no subject)'],
    ['an address cut off mid-way', 'Subject: Hello\r\nFrom: Alice <alice@exa', 'Reported email: Hello'],
    ['a Date cut off mid-way', 'From: a@example.com\r\nSubject: Hi\r\nDate: Mon, 1', 'Reported email: Hi'],
    ['headers and no body', 'Subject: only\r\n', 'Reported email: only'],
  ])('maps truncated headers (%s) to a minimal alert', async (_, text, title) => {
    const { alert, normalized } = await mapped(bytes(text));
    expect(alert.title).toBe(title);
    expect(alert.time).toBe(ctx.receivedAt);
    expect(alert.sourceId).toBe(sha256(bytes(text)));
    expect(normalized.evidence).toHaveLength(1);
  });

  it('maps invalid UTF-8 and control characters in headers to clean strings', async () => {
    const input = Buffer.concat([
      Buffer.from('From: '),
      Buffer.from([0xff, 0xfe, 0xc3, 0x41]),
      Buffer.from(' <x@evil.example>\r\nSubject: a\u0000b\u0007c '),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from('\r\n\r\nbody'),
    ]);
    const { alert } = await mapped(input);
    expect(alert.title).toMatch(/^Reported email: a b c/);
    expect(alert.observables.emails[0].from).toBe('x@evil.example');
    expect(alert.observables.domains).toEqual(['evil.example']);
    // No control characters or lone surrogates survive (Postgres jsonb rejects both).
    expect(JSON.stringify(alert)).not.toMatch(/\\u0000|\\u0007|\\ud[89a-f][0-9a-f]{2}/i);
  });

  it('rejects a 5 MB header line', async () => {
    const input = bytes(`From: a@example.com\r\nSubject: ${'A'.repeat(5 * 1024 * 1024)}\r\n\r\nbody`);
    expect(await rejected(input)).toMatch(/cannot parse message: .*header size/i);
  });

  it('rejects a 200-level nested multipart at its nesting limit', async () => {
    let body = 'innermost';
    for (let i = 0; i < 200; i++)
      body = `--b${i}\r\nContent-Type: ${i === 0 ? 'text/plain' : `multipart/mixed; boundary="b${i - 1}"`}\r\n\r\n${body}\r\n--b${i}--`;
    const input = msg(['From: a@example.com', 'Subject: bomb', 'Content-Type: multipart/mixed; boundary="b199"'], body);
    expect(await rejected(input)).toMatch(/cannot parse message: .*nesting depth/i);
  });

  it('bounds nested message/rfc822 parts', async () => {
    let inner = 'From: deep@example.com\r\nSubject: deepest\r\n\r\nhttps://deep.example/';
    for (let i = 0; i < 20; i++) inner = `From: l${i}@example.com\r\nSubject: level ${i}\r\nContent-Type: message/rfc822\r\n\r\n${inner}`;
    const { alert } = await mapped(bytes(inner));
    expect(alert.title).toBe('Reported email: level 19');
  });
});
