// Each BEC signal with its benign twin: the same mail without the trait raises nothing.
import {
  becSignals,
  callbackAndConsentSignals,
  lookalikeOf,
  unsolicitedSignals,
  type BecInput,
  type UnsolicitedInput,
} from '../../../src/analyzers/email/bec';

const mail = (over: Partial<BecInput> = {}): BecInput => ({
  subject: 'Hello',
  text: 'See you at the meeting.',
  senderDomain: 'supplier.example',
  senderDisplayName: 'Supplier',
  recipientDomains: ['ourco.example'],
  inReplyTo: [],
  freeMail: false,
  ...over,
});
const ids = (s: { id: string }[]) => s.map((x) => x.id).sort();

describe('look-alike domains', () => {
  it.each([
    ['ourc0.example', 'homoglyph'],
    ['ourco.test', 'TLD swap'],
    ['oorco.example', 'edit distance'],
    ['ourco-secure.example', 'added word or hyphen'],
  ])('%s imitates ourco.example (%s)', (candidate, how) => expect(lookalikeOf(candidate, 'ourco.example')).toBe(how));
  it.each(['ourco.example', 'mail.ourco.example', 'unrelated.example'])('%s is not a look-alike', (d) =>
    expect(lookalikeOf(d, 'ourco.example')).toBeUndefined(),
  );
});

describe('becSignals', () => {
  it("look-alike of the recipients' own domain, twin: the own domain itself", () => {
    expect(ids(becSignals(mail({ senderDomain: 'ourc0.example' })))).toContain('bec-lookalike-own');
    expect(ids(becSignals(mail({ senderDomain: 'ourco.example' })))).not.toContain('bec-lookalike-own');
  });
  it.each([
    ['bec-payment-change', 'Please note our new bank details for all future invoices.'],
    ['bec-payment-change', 'Bitte beachten Sie unsere neue Bankverbindung.'],
    ['bec-payment-change', 'Veuillez noter nos nouvelles coordonnées bancaires.'],
    ['bec-payment-change', 'Les enviamos nuevos datos bancarios.'],
    ['bec-payment-change', 'Hierbij onze nieuwe bankgegevens.'],
    ['bec-payment-change', 'Vi inviamo le nuove coordinate bancarie.'],
    ['bec-payment-change', 'Seguem os novos dados bancários.'],
    ['bec-gift-card', 'Buy five Apple gift cards and send me the codes.'],
    ['bec-payroll', 'I need to update my direct deposit before Friday.'],
  ])('%s from an external first contact: "%s"; twin: a plain message', (id, text) => {
    expect(ids(becSignals(mail({ text })))).toContain(id);
    expect(ids(becSignals(mail()))).toEqual([]);
  });
  it('secrecy alone is weak; with a money request it adds up', () => {
    const alone = becSignals(mail({ text: 'Keep this confidential.' }));
    expect(alone.map((s) => s.score)).toEqual([10]);
    expect(ids(becSignals(mail({ text: 'Keep this confidential. Buy gift cards.' })))).toEqual([
      'bec-first-contact',
      'bec-gift-card',
      'bec-secrecy',
    ]);
  });
  it('first contact versus a reply in our own thread', () => {
    const text = 'Please use the new bank details.';
    expect(ids(becSignals(mail({ text })))).toContain('bec-first-contact');
    expect(ids(becSignals(mail({ text, inReplyTo: ['<abc@mail.ourco.example>'] })))).not.toContain('bec-first-contact');
  });
  it('free-mail money request, twin: the same from a company domain', () => {
    expect(ids(becSignals(mail({ text: 'Change my payroll details', freeMail: true, senderDomain: 'gmail.com' })))).toContain(
      'bec-freemail-request',
    );
    expect(ids(becSignals(mail({ text: 'Change my payroll details' })))).not.toContain('bec-freemail-request');
  });
  it('internal origin asking for a payment change (compromised mailbox), twin: internal small talk', () => {
    expect(
      ids(becSignals(mail({ senderDomain: 'ourco.example', text: 'Update the bank account details of our supplier today.' }))),
    ).toEqual(['bec-internal-money-request']);
    expect(ids(becSignals(mail({ senderDomain: 'ourco.example' })))).toEqual([]);
  });
  it('stays linear on hostile text', () => {
    const text = `${'new bank '.repeat(50_000)}x`;
    expect(() => becSignals(mail({ text }))).not.toThrow();
  });
});

describe('unsolicitedSignals', () => {
  const u = (over: Partial<UnsolicitedInput> = {}): UnsolicitedInput => ({
    subject: 'Invoice',
    displayName: 'Billing',
    senderDomain: 'stranger.example',
    recipientDomains: ['ourco.example'],
    inReplyTo: [],
    mailingList: false,
    authenticated: false,
    freeMail: false,
    attachmentNames: [],
    lure: true,
    ...over,
  });
  it('unauthenticated first contact with a lure; twins: authenticated, a mailing list, a reply', () => {
    expect(ids(unsolicitedSignals(u()))).toEqual(['unsolicited-unauthenticated']);
    expect(unsolicitedSignals(u({ authenticated: true }))).toEqual([]);
    expect(unsolicitedSignals(u({ mailingList: true }))).toEqual([]);
    expect(unsolicitedSignals(u({ inReplyTo: ['<x@ourco.example>'] }))).toEqual([]);
  });
  it('free mailbox with a document to open, twin: no lure and no attachment', () => {
    expect(ids(unsolicitedSignals(u({ freeMail: true, authenticated: true, lure: false, attachmentNames: ['scan.pdf'] })))).toEqual([
      'freemail-unsolicited',
    ]);
    expect(unsolicitedSignals(u({ freeMail: true, lure: false }))).toEqual([]);
  });
  it('styled Unicode letters in the subject, twin: plain letters', () => {
    expect(ids(unsolicitedSignals(u({ subject: '𝖬𝗂𝗍 𝗌𝖼𝗁𝖾𝗇𝗄𝖾𝗇', inReplyTo: ['<x@ourco.example>'] })))).toEqual(['styled-text']);
    expect(unsolicitedSignals(u({ subject: 'Mit schenken', inReplyTo: ['<x@ourco.example>'] }))).toEqual([]);
  });
});

describe('callbackAndConsentSignals', () => {
  const renewal = 'Your subscription has been charged $499.99. To cancel call +1 (800) 555-0199 within 24 hours.';
  it('callback phishing on first contact; twins: no phone number, or a reply in our thread', () => {
    expect(ids(callbackAndConsentSignals(renewal, '', true))).toEqual(['callback-phishing']);
    expect(callbackAndConsentSignals('Your subscription has been charged. Manage it in your account.', '', true)).toEqual([]);
    expect(callbackAndConsentSignals(renewal, '', false)).toEqual([]);
  });
  it('OAuth consent for mailbox scopes; twin: a plain sign-in link', () => {
    const consent =
      '<a href="https://login.microsoftonline.com/common/oauth2/v2.0/authorize?client_id=1234&scope=Mail.ReadWrite%20offline_access&response_type=code">Open</a>';
    const signin =
      '<a href="https://login.microsoftonline.com/common/oauth2/v2.0/authorize?client_id=1234&scope=openid%20profile">Open</a>';
    expect(ids(callbackAndConsentSignals('', consent, true))).toEqual(['oauth-consent-link']);
    expect(callbackAndConsentSignals('', signin, true)).toEqual([]);
  });
});
