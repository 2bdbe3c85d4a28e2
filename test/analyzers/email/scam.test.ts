// Authenticated-scam signals, each with its benign twin. Messages are authored after the
// scam families in the phishing corpus (throwaway senders, abused-TLD links, crypto and
// casino scripts); the full-message tests go through postal-mime and the email analyzer.
import PostalMime from 'postal-mime';
import { analyzeEmail } from '../../../src/analyzers/email';
import { riskyLinkSignals, scamScriptSignals, throwawaySenderSignals } from '../../../src/analyzers/email/scam';

const ids = (s: { id: string }[]) => s.map((x) => x.id);

describe('throwaway sender domains', () => {
  test.each([
    ['noreply@deal1-9fcc1.firebaseapp.com', 'throwaway-sender-domain'],
    ['fotc.461@infracc24.ddns.net', 'throwaway-sender-domain'],
    ['no-reply@consultaCNH157', 'sender-not-a-domain'],
  ])('%s is flagged', (address, id) => expect(ids(throwawaySenderSignals(address))).toEqual([id]));
  test.each([
    'noreply@firebase.google.com', // the platform's own mail, not a tenant's subdomain
    'alerts@github.com',
    'billing@shop.example.de',
    undefined,
  ])('%s is not', (address) => expect(throwawaySenderSignals(address)).toEqual([]));
});

describe('links to abused TLDs unrelated to the sender', () => {
  test('a .best link from a government mailbox is flagged', () => {
    const s = riskyLinkSignals(['https://mail.costom.best/login?u=x'], 'bandung.go.id');
    expect(ids(s)).toEqual(['risky-tld-link']);
    expect(s[0].what).toContain('costom.best');
  });
  test("the sender's own .site domain, and ordinary TLDs, are not", () => {
    expect(riskyLinkSignals(['https://www.shop.site/order/1'], 'shop.site')).toEqual([]);
    expect(riskyLinkSignals(['https://example.com/a', 'https://news.example.org/b', 'mailto:x@y.top'], 'example.com')).toEqual([]);
  });
});

describe('scam scripts', () => {
  test.each([
    ['crypto-giveaway', 'Successful Transfer', 'Your wallet has been funded with 140 BTC as discussed. Please login to confirm.'],
    ['crypto-giveaway', 'Airdrop activated', 'Allocation: 5001 $CLAW. Action: add your wallet to receive the airdrop.'],
    ['casino-bonus', 'Exklusiver Bonus', 'Sichern Sie sich 250 € Bonus + 200 Freispiele im Casino – keine Einzahlung erforderlich!'],
    ['casino-bonus', 'Welcome', 'Claim a 500% bonus and 50 free spins at our casino today.'],
  ])('%s: %s', (id, subject, text) => expect(ids(scamScriptSignals(subject, text))).toEqual([id]));
  test.each([
    ['a wallet mentioned without a windfall', 'Lost wallet', 'I left my wallet in the meeting room, has anyone seen it?'],
    ['crypto news without a wallet', 'Markets', 'Bitcoin rose 4% to 61,000 USD today as ETH held steady.'],
    ['a casino mentioned without a bonus', 'Team outing', 'Dinner at the casino restaurant on Friday, 7 pm.'],
    ['a bonus without a casino', 'Payroll', 'Your 10% bonus will be paid with the March salary.'],
  ])('not flagged: %s', (_, subject, text) => expect(scamScriptSignals(subject, text)).toEqual([]));
});

/** A message that passes SPF, DKIM and DMARC for its own From domain. */
function eml(from: string, subject: string, html: string): Promise<PostalMime.Email> {
  const d = /@([^>]+)>/.exec(from)![1];
  const auth = `mx.example.net; spf=pass smtp.mailfrom=${d}; dkim=pass header.d=${d}; dmarc=pass header.from=${d}`;
  const raw = [
    `Authentication-Results: ${auth}`,
    `From: ${from}`,
    'To: reader@acme-corp.com',
    `Subject: ${subject}`,
    'Message-ID: <1@x>',
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    '',
    html,
    '',
  ].join('\r\n');
  return PostalMime.parse(raw);
}

test('an authenticated casino mail from a Firebase subdomain is escalation-worthy; its newsletter twin is not', async () => {
  const scam = analyzeEmail(
    await eml(
      'Joker <noreply@buhret980j.firebaseapp.com>',
      '500% Bonus für Sie',
      '<p>500% BONUS + 50 FREISPIELE im Casino</p><a href="https://sensiloedper.site/r">Jetzt sichern</a>',
    ),
  );
  expect(scam.verdict).not.toBe('benign');
  for (const id of ['throwaway-sender-domain', 'casino-bonus', 'risky-tld-link']) expect(scam.summary).toContain(id);
  expect(scam.score).toBe(56); // 40 + 0.3 × 40 + 0.1 × 40: three modest signals corroborate
  const newsletter = analyzeEmail(
    await eml(
      'Stadtwerke <news@stadtwerke-example.de>',
      'Ihr Newsletter',
      '<p>Neue Tarife ab März.</p><a href="https://www.stadtwerke-example.de/tarife">Mehr</a>',
    ),
  );
  expect(newsletter.summary).toMatch(/^no phishing traits/);
  expect(newsletter.verdict).toBe('benign');
  expect(newsletter.score).toBeLessThan(35);
});

test('a display name claiming Proton from an unrelated domain is flagged; Proton itself is not', async () => {
  const fake = analyzeEmail(
    await eml('"proton.me Helpdesk" <admin@dpu.example.go.id>', 'Password expired', '<p>Your mailbox password has expired.</p>'),
  );
  expect(fake.evidence.join(' ')).toMatch(/claims Proton/);
  const real = analyzeEmail(await eml('Proton <no-reply@proton.me>', 'Your invoice', '<p>Thanks for your payment.</p>'));
  expect(real.evidence.join(' ')).not.toMatch(/claims Proton/);
});
