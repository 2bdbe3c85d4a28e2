// Sender identity checks: whether From, Reply-To and Return-Path belong to the same
// organisation (registrable domain), and whether the display name pretends to be a brand
// or another address than the one the mail really comes from.
import PostalMime from 'postal-mime';
import { brandOwning, brandsNamedIn, inspectDomain, registrableDomain, type Signal } from '../url';
import { trimEndChars } from '../../domain/text-scan';

const IMPERSONATION = ['T1656', 'T1566'];
const SPOOFING = ['T1672'];

/** Consumer mailbox providers: a reply path there is anyone's to create. */
export const FREE_MAIL = new Set([
  'gmail.com',
  'googlemail.com',
  'hotmail.com',
  'outlook.com',
  'live.com',
  'msn.com',
  'yahoo.com',
  'ymail.com',
  'aol.com',
  'icloud.com',
  'me.com',
  'proton.me',
  'protonmail.com',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'web.de',
  'mail.ru',
  'yandex.ru',
  'yandex.com',
  'zoho.com',
  'outlook.fr',
  'hotmail.fr',
  'libero.it',
  'qq.com',
  '163.com',
  'mail.com',
  'tutanota.com',
]);

const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]{1,64}@([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+)/;
// Zero-width characters, tag characters and the like, which have no business in a name
// (ZWJ and VS16 excepted: emoji sequences use them).
const INVISIBLE = /(?!\u200d|\ufe0f)\p{Default_Ignorable_Code_Point}/u;

export interface Sender {
  address?: string;
  domain?: string;
  registrable?: string;
  /** Everything in the From header except the address itself: what the reader sees as the name. */
  displayName: string;
  mailboxes: number;
}

export function domainOf(address: string | undefined): string | undefined {
  const at = address?.lastIndexOf('@') ?? -1;
  if (!address || at < 0) return undefined;
  const d = trimEndChars(address.slice(at + 1).toLowerCase(), '> \t\r\n\f\v').replace(/\.$/, '');
  return /^[\p{L}\p{N}_.-]+\.[\p{L}\p{N}-]{2,}$/u.test(d) ? d : undefined;
}

const registrableOf = (address: string | undefined) => {
  const d = domainOf(address);
  return d ? (registrableDomain(d) ?? d) : undefined;
};

/**
 * The sender as the reader sees it. postal-mime keeps only the first From mailbox, and
 * spoofs like `Brand, x <a@b.c>` put the real address in a later one, so the raw header
 * is read again here.
 */
export function senderOf(rawFrom: string | undefined, parsedFrom?: PostalMime.Address): Sender {
  const raw = (rawFrom ?? '').slice(0, 4096);
  const list = PostalMime.addressParser(raw, { flatten: true }) as PostalMime.Mailbox[];
  const withAddress = list.filter((m) => domainOf(m.address));
  const address =
    withAddress.at(-1)?.address ??
    (parsedFrom && !parsedFrom.group ? parsedFrom.address : undefined) ??
    /<([^<>\s@]+@[^<>\s@]+)>/.exec(raw)?.[1];
  const decoded = PostalMime.decodeWords(raw);
  const displayName = decoded
    .replace(/<[^<>]*>/g, ' ')
    .replace(address ?? '\u0000', ' ')
    .replace(/["\s,]+/g, ' ')
    .trim();
  const domain = domainOf(address?.replace(/^"|"$/g, ''));
  return { address, domain, registrable: domain ? (registrableDomain(domain) ?? domain) : undefined, displayName, mailboxes: list.length };
}

export interface AddressContext {
  sender: Sender;
  replyTo: string[];
  returnPath?: string;
  /** Mailing lists rewrite Reply-To and Return-Path by design. */
  mailingList: boolean;
  /** Registrable domains of the To/Cc recipients: a reply back into their own organisation leads nowhere foreign. */
  recipientDomains?: string[];
  /** Exchange Online's own system mailbox of the tenant, authenticated as internal (see exchangeSystemMessage). */
  exchangeSystem?: boolean;
}

// Exchange Online sends NDRs and other system messages as "Microsoft Outlook" from the tenant's
// MicrosoftExchange<32 hex> mailbox. X-MS-Exchange-Organization-* headers are stripped from mail
// arriving from outside the organisation (Exchange's header firewall, Microsoft Learn "Header
// firewall"), so AuthAs: Internal is Exchange's own word that the message did not come from outside.
const EXCHANGE_SYSTEM_MAILBOX = /^microsoftexchange[0-9a-f]{32}@/i;
export function exchangeSystemMessage(address: string | undefined, authAs: string[]): boolean {
  return !!address && EXCHANGE_SYSTEM_MAILBOX.test(address) && authAs.length === 1 && authAs[0].trim().toLowerCase() === 'internal';
}

export function addressSignals(ctx: AddressContext): Signal[] {
  const out: Signal[] = [];
  const { sender } = ctx;
  const fromReg = sender.registrable;

  if (sender.domain) {
    const facts = inspectDomain(sender.domain);
    for (const s of facts.signals.filter((x) => x.id.startsWith('lookalike-'))) {
      out.push({ ...s, id: `from-${s.id}`, what: `sender domain is a ${s.what}`, attack: [...SPOOFING, ...s.attack] });
    }
  } else {
    out.push({
      id: 'from-unparsable',
      score: 15,
      what: `From header has no usable address: ${sender.displayName.slice(0, 120) || '(empty)'}`,
      attack: SPOOFING,
    });
  }
  if (sender.mailboxes > 1) {
    out.push({
      id: 'from-multiple',
      score: 20,
      what: `From header holds ${sender.mailboxes} names/addresses, hiding the real sender among them`,
      attack: SPOOFING,
    });
  }

  // Display name that names a brand the sending domain does not belong to.
  const owner = brandOwning(fromReg);
  const named = brandsNamedIn(sender.displayName).filter((b) => b !== owner);
  if (named.length > 0 && !ctx.exchangeSystem) {
    out.push({
      id: 'display-name-brand',
      score: 45,
      what: `display name "${clip(sender.displayName)}" claims ${named.map((b) => b.name).join(', ')} but the mail comes from ${sender.address ?? '(no address)'}`,
      attack: IMPERSONATION,
    });
  }
  const shownAddress = EMAIL_IN_TEXT.exec(sender.displayName);
  if (shownAddress) {
    const shownReg = registrableDomain(shownAddress[1].toLowerCase()) ?? shownAddress[1].toLowerCase();
    if (fromReg && shownReg !== fromReg) {
      // Forwarding and alias services do this too; showing a brand's own address does not happen by accident.
      const brand = brandOwning(shownReg);
      out.push({
        id: 'display-name-address',
        score: brand ? 60 : 30,
        what: `display name shows the address ${shownAddress[0]}${brand ? ` (${brand.name})` : ''} but the mail comes from ${sender.address}`,
        attack: IMPERSONATION,
      });
    }
  }
  if (INVISIBLE.test(sender.displayName)) {
    out.push({
      id: 'display-name-invisible',
      score: 25,
      what: `display name contains invisible characters (filter evasion): "${clip(sender.displayName)}"`,
      attack: IMPERSONATION,
    });
  }

  // Replies that go to another organisation than the sender's.
  const replyDomains = [...new Set(ctx.replyTo.map(domainOf).filter((d): d is string => !!d))];
  const home = new Set(ctx.recipientDomains ?? []);
  const foreignDomains = fromReg
    ? replyDomains.filter((d) => (registrableDomain(d) ?? d) !== fromReg && !home.has(registrableDomain(d) ?? d))
    : [];
  const foreign = [...new Set(foreignDomains.map((d) => registrableDomain(d) ?? d))];
  if (foreign.length > 0 && !ctx.mailingList) {
    // The mailbox host itself (gmail.com), not a service under the provider (groups.msn.com).
    const free = foreignDomains.filter((d) => FREE_MAIL.has(d));
    out.push(
      free.length > 0
        ? {
            id: 'reply-to-freemail',
            score: 45,
            what: `Reply-To sends answers to a free mailbox (${ctx.replyTo.join(', ')}) instead of the sender's domain ${fromReg}`,
            attack: IMPERSONATION,
          }
        : {
            id: 'reply-to-mismatch',
            score: 30,
            what: `Reply-To domain ${foreign.join(', ')} differs from the From domain ${fromReg}`,
            attack: IMPERSONATION,
          },
    );
  }
  const bounceReg = registrableOf(ctx.returnPath);
  if (fromReg && bounceReg && bounceReg !== fromReg && !ctx.mailingList) {
    // Bulk-mail services bounce to their own domain, so this alone is weak.
    out.push({
      id: 'return-path-mismatch',
      score: 10,
      what: `Return-Path domain ${bounceReg} differs from the From domain ${fromReg}`,
      attack: SPOOFING,
    });
  }
  return out;
}

function clip(s: string, max = 120): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}
