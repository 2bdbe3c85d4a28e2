// Business e-mail compromise: fraud that needs no link and no attachment. Signals, each
// explained: the sender's domain is a look-alike of the recipients' own domain (edit
// distance, homoglyph skeleton, added words or hyphens, TLD swap); payment-change, gift-card,
// payroll and secrecy language in en, de, fr, es, nl, it, pt; a Reply-To that leads elsewhere;
// a display name that carries a colleague's or executive's name over a free-mail or foreign
// address; first contact (no In-Reply-To/References to a message of our own domain).
// Linear: bounded text, simple alternations without nested quantifiers.
import { editDistance, registrableDomain, skeleton, type Signal } from '../url';

const BEC = ['T1656', 'T1657', 'T1534'];
const SCAN_CHARS = 32 * 1024;

interface Theme {
  id: string;
  what: string;
  score: number;
  re: RegExp;
}
const THEMES: Theme[] = [
  {
    id: 'bec-payment-change',
    score: 35,
    what: 'asks to change bank or payment details',
    re: /\b(?:new (?:bank|banking|account) (?:details|information|account)|(?:change|update)(?:d)? (?:of |to )?(?:our |the )?(?:bank|banking|remittance|payment) (?:details|information|account)|bank account (?:has )?changed|updated (?:iban|remittance)|neue (?:bankverbindung|kontoverbindung|iban)|geänderte bankverbindung|nouvelles? coordonnées bancaires|changement de (?:rib|coordonnées bancaires)|nuevos? datos bancarios|cambio de cuenta bancaria|nieuwe (?:bankgegevens|rekeningnummer)|gewijzigde bankgegevens|nuove coordinate bancarie|cambio (?:di )?iban|novos dados bancários|nova conta bancária)\b/i,
  },
  {
    id: 'bec-gift-card',
    score: 40,
    what: 'asks for gift cards',
    re: /\b(?:gift ?cards?|itunes cards?|google play cards?|apple cards?|steam cards?|scratch (?:off )?the (?:back|code)|geschenkkarten?|gutscheinkarten?|cartes? cadeaux?|tarjetas? de regalo|cadeaukaarten?|carte regalo|cartões? (?:de )?presente)\b/i,
  },
  {
    id: 'bec-payroll',
    score: 35,
    what: 'asks to change payroll or direct-deposit details',
    re: /\b(?:direct deposit|payroll (?:details|information|account|change)|(?:change|update) (?:my )?(?:salary|paycheck|pay) (?:account|details)|gehaltskonto|lohnkonto|virement de (?:mon )?salaire|compte (?:de )?salaire|cuenta de nómina|nómina|salarisrekening|conto (?:dello )?stipendio|conta salário)\b/i,
  },
  {
    id: 'bec-secrecy',
    score: 20,
    what: 'asks for secrecy or to avoid the usual channel',
    re: /\b(?:keep (?:this|it) (?:confidential|between us|quiet)|don'?t (?:tell|mention|call)|do not (?:call|discuss|tell)|reply (?:only )?(?:by|via) e-?mail|i'?m (?:in a meeting|unavailable|travelling)|can'?t talk|bypass|vertraulich|unter uns|confidentiel|entre nous|confidencial|entre nosotros|vertrouwelijk|riservat[oa]|sigilo)\b/i,
  },
];

export interface BecInput {
  subject?: string;
  text: string;
  /** Registrable domain of the sender. */
  senderDomain?: string;
  senderDisplayName: string;
  /** Registrable domains of the recipients: our own domain as the reporter's mailbox shows it. */
  recipientDomains: string[];
  inReplyTo: string[];
  freeMail: boolean;
}

/** A look-alike of `own`: same skeleton, small edit distance, added word/hyphen, or TLD swap. */
export function lookalikeOf(candidate: string, own: string): string | undefined {
  const c = candidate.toLowerCase(),
    o = own.toLowerCase();
  if (c === o || c.endsWith(`.${o}`)) return undefined;
  const label = (d: string) => d.split('.')[0];
  const tld = (d: string) => d.slice(d.indexOf('.') + 1);
  if (skeleton(c) === skeleton(o)) return 'homoglyph';
  if (label(c) === label(o) && tld(c) !== tld(o)) return 'TLD swap';
  if (editDistance(label(c), label(o), 2) <= 2 && tld(c) === tld(o) && label(o).length >= 5) return 'edit distance';
  const bare = (s: string) => s.replace(/-/g, '');
  if (label(o).length >= 5 && (bare(label(c)).includes(bare(label(o))) || label(c).replace(/-/g, '') === label(o).replace(/-/g, '')))
    return 'added word or hyphen';
  return undefined;
}

export function becSignals(m: BecInput): Signal[] {
  const out: Signal[] = [];
  const text = `${m.subject ?? ''}\n${m.text.slice(0, SCAN_CHARS)}`.normalize('NFKC');
  const themes = THEMES.filter((t) => t.re.test(text));
  const own = [...new Set(m.recipientDomains)];
  const sender = m.senderDomain;
  const external = !!sender && !own.includes(sender);
  const firstContact = !m.inReplyTo.some((id) => own.some((d) => id.toLowerCase().includes(`@${d}`) || id.toLowerCase().includes(`.${d}`)));
  if (sender) {
    for (const d of own) {
      const how = lookalikeOf(sender, d);
      if (how) {
        out.push({
          id: 'bec-lookalike-own',
          score: 55,
          what: `sender domain ${sender} imitates our own domain ${d} (${how})`,
          attack: BEC,
        });
        break;
      }
    }
  }
  // Reply-To divergence is addresses.ts's reply-to-mismatch signal; not counted twice here.
  if (themes.length && external) {
    const money = themes.filter((t) => t.id !== 'bec-secrecy');
    for (const t of themes)
      out.push({
        id: t.id,
        score: money.length ? t.score : 10,
        what: `${t.what}${firstContact ? ' (first contact, not a reply to our mail)' : ''}`,
        attack: BEC,
      });
    if (money.length && m.freeMail)
      out.push({ id: 'bec-freemail-request', score: 30, what: `a money request from a free-mail address (${sender})`, attack: BEC });
    if (money.length && firstContact)
      out.push({
        id: 'bec-first-contact',
        score: 10,
        what: 'a money request that opens a conversation rather than answering ours',
        attack: BEC,
      });
  }
  if (themes.some((t) => t.id !== 'bec-secrecy') && !external && sender) {
    // Internal origin asking for money changes: a compromised mailbox reads like this.
    out.push({
      id: 'bec-internal-money-request',
      score: 20,
      what: `internal sender ${sender} asks for a payment/payroll change`,
      attack: BEC,
    });
  }
  return out;
}

export const registrableOrSelf = (d: string | undefined) => (d ? (registrableDomain(d) ?? d) : undefined);

const RISKY_ATTACHMENT =
  /\.(?:pdf|docx?|docm|xlsx?|xlsm|pptx?|rtf|zip|rar|7z|gz|iso|img|vhdx?|mobileconfig|ics|s?html?|svg|js|vbs|lnk|exe|scr|msi|one)$/i;
// Mathematical alphanumerics (U+1D400-1D7FF) and enclosed/fullwidth letters: text styled to
// slip past word filters. Ordinary mail writes letters as letters.
const STYLED = /[\u{1D400}-\u{1D7FF}\u{1F130}-\u{1F189}\u{FF21}-\u{FF5A}\u{24B6}-\u{24E9}]/u;

export interface UnsolicitedInput {
  subject?: string;
  displayName: string;
  senderDomain?: string;
  recipientDomains: string[];
  inReplyTo: string[];
  mailingList: boolean;
  /** DMARC passed for the From domain. */
  authenticated: boolean;
  freeMail: boolean;
  attachmentNames: string[];
  /** Another signal already found lure wording. */
  lure: boolean;
}

/**
 * A user reported it, it opens a conversation with us, and it pushes the reader (lure wording
 * or a document/archive to open) from a sender that is unauthenticated or a free mailbox: the
 * shape of most phishing and scam mail, whatever its theme.
 */
export function unsolicitedSignals(m: UnsolicitedInput): Signal[] {
  const out: Signal[] = [];
  const styled = STYLED.test((m.subject ?? '').slice(0, 2048)) || STYLED.test(m.displayName.slice(0, 1024));
  if (styled)
    out.push({
      id: 'styled-text',
      score: 40,
      what: 'subject or sender name written in styled Unicode letters (filter evasion)',
      attack: ['T1027', 'T1566'],
    });
  const own = new Set(m.recipientDomains);
  const external = !!m.senderDomain && !own.has(m.senderDomain);
  const firstContact = !m.inReplyTo.some((id) =>
    [...own].some((d) => id.toLowerCase().includes(`@${d}`) || id.toLowerCase().includes(`.${d}`)),
  );
  if (!external || !firstContact || m.mailingList) return out;
  const attachment = m.attachmentNames.find((n) => RISKY_ATTACHMENT.test(n.slice(0, 1024)));
  if (!m.lure && !attachment) return out;
  const push = attachment ? `a ${attachment.split('.').pop()} attachment to open` : 'lure wording';
  if (m.freeMail)
    out.push({
      id: 'freemail-unsolicited',
      score: 45,
      what: `unsolicited mail from a free mailbox (${m.senderDomain}) with ${push}`,
      attack: ['T1566'],
    });
  else if (!m.authenticated)
    out.push({
      id: 'unsolicited-unauthenticated',
      score: 40,
      what: `unsolicited mail from ${m.senderDomain} without DMARC pass, with ${push}`,
      attack: ['T1566'],
    });
  return out;
}

// Callback phishing (TOAD): a renewal/charge/refund notice whose only "link" is a phone number.
const PHONE = /(?:\+|\b)\d[\d ().-]{8,16}\d\b/;
const CALLBACK =
  /\b(?:call (?:us|our|the)|to cancel|cancel(?:lation)?|auto-?renew(?:al|ed)?|renewal|has been charged|will be charged|refund|helpline|support line|rufen sie|annulation|llame|bel ons|chiami)\b/i;
// OAuth consent links asking for mailbox/file access (illicit consent grant, T1528).
const AUTHORIZE = /\/oauth2\/(?:v2\.0\/)?authorize\?[^\s"'<>]{0,2048}/gi;
const RISKY_SCOPE = /(?:mail\.(?:read|send|readwrite)|files\.read(?:write)?\.all|offline_access|mailboxsettings|contacts\.read)/i;

export function callbackAndConsentSignals(text: string, html: string, unsolicited: boolean): Signal[] {
  const out: Signal[] = [];
  const body = text.slice(0, SCAN_CHARS);
  if (unsolicited && PHONE.test(body) && CALLBACK.test(body)) {
    out.push({
      id: 'callback-phishing',
      score: 45,
      what: 'unsolicited charge/renewal notice that asks the reader to phone a number (callback phishing)',
      attack: ['T1566.004'],
    });
  }
  for (const source of [body, html.slice(0, 4 * SCAN_CHARS)]) {
    AUTHORIZE.lastIndex = 0;
    let m: RegExpExecArray | null;
    let n = 0;
    while ((m = AUTHORIZE.exec(source)) && n++ < 50) {
      const query = decodeURIComponentSafe(m[0]);
      if (/[?&]client_id=/i.test(query) && RISKY_SCOPE.test(query)) {
        out.push({
          id: 'oauth-consent-link',
          score: 60,
          what: 'link asks for OAuth consent to mailbox or file access (illicit consent grant)',
          attack: ['T1528', 'T1566.002'],
        });
        return out;
      }
    }
  }
  return out;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
