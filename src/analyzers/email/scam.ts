// Authenticated scam and spam-phishing: mail that passes its own SPF/DKIM/DMARC and imitates
// no look-alike domain, but is sent from throwaway infrastructure, links to a freshly
// registered domain under an abused TLD unrelated to the sender, or carries the fixed
// script of a crypto-giveaway or casino-bonus scam. Each is a class the FBI IC3 and APWG
// reports describe (crypto "airdrop"/"wallet funded" advance-fee scams, no-deposit casino
// spam) and that recurs across the phishing corpus; each alone is a modest signal.
import { RISKY_TLDS } from '../data/risky-tlds';
import { registrableDomain, type Signal } from '../url';
import { trimEndChars } from '../../domain/text-scan';

const SCAN_CHARS = 64 * 1024;
const MAX_LINKS = 200;

/**
 * Platforms that hand out free subdomains anyone can send or host from (Firebase, Heroku,
 * Netlify, Cloudflare Pages/Workers, GitHub Pages, Glitch) and dynamic-DNS zones (No-IP,
 * DuckDNS, Dynu): a business does not mail its customers from them.
 */
const THROWAWAY_ZONES = [
  'firebaseapp.com',
  'web.app',
  'herokuapp.com',
  'netlify.app',
  'vercel.app',
  'pages.dev',
  'workers.dev',
  'github.io',
  'glitch.me',
  'ddns.net',
  'no-ip.org',
  'no-ip.biz',
  'hopto.org',
  'zapto.org',
  'sytes.net',
  'duckdns.org',
  'dynu.net',
  'serveo.net',
  'ngrok.io',
  'ngrok-free.app',
];

/** The sender's domain is a throwaway platform subdomain, or not a domain at all (no dot). */
export function throwawaySenderSignals(senderAddress: string | undefined): Signal[] {
  const at = senderAddress?.lastIndexOf('@') ?? -1;
  if (!senderAddress || at < 0) return [];
  const d = trimEndChars(senderAddress.slice(at + 1, at + 256).toLowerCase(), '> \t\n\r\v\f').replace(/\.$/, '');
  if (!d) return [];
  if (!d.includes('.')) {
    return [
      {
        id: 'sender-not-a-domain',
        score: 40,
        what: `the sender's domain "${d.slice(0, 100)}" is not a public domain name (forged or misconfigured sender)`,
        attack: ['T1566', 'T1672'],
      },
    ];
  }
  const zone = THROWAWAY_ZONES.find((z) => d.endsWith(`.${z}`));
  if (!zone) return [];
  return [
    {
      id: 'throwaway-sender-domain',
      score: 40,
      what: `sent from ${d}, a free subdomain of ${zone} (hosting/dynamic-DNS platform, not an organisation's mail domain)`,
      attack: ['T1566', 'T1583.001'],
    },
  ];
}

/** Links to a domain under an abused TLD that is not the sender's own: where spam-phishing sends its readers. */
export function riskyLinkSignals(hrefs: string[], senderRegistrable: string | undefined): Signal[] {
  const seen = new Set<string>();
  for (const href of hrefs.slice(0, MAX_LINKS)) {
    const host = /^https?:\/\/([^/:?#\s]{1,253})/i.exec(href.trim())?.[1]?.toLowerCase();
    if (!host) continue;
    const reg = registrableDomain(host) ?? host;
    if (reg === senderRegistrable) continue;
    if (RISKY_TLDS.has(reg.split('.').pop()!)) seen.add(reg);
  }
  if (seen.size === 0) return [];
  const list = [...seen].slice(0, 5);
  return [
    {
      id: 'risky-tld-link',
      score: 40,
      what: `links to ${list.join(', ')} (frequently abused TLD, unrelated to the sender ${senderRegistrable ?? '(unknown)'})`,
      attack: ['T1566.002'],
    },
  ];
}

// The fixed scripts of two scam families, in the corpus' languages. Both need two parts
// (a wallet AND a windfall; a casino word AND a no-deposit/free-spins bonus) so a news item
// about crypto or a casino's ordinary newsletter wording alone does not match.
const CRYPTO_WALLET = /\b(?:wallet|carteira|billetera|portefeuille|geldb[öo]rse)\b/i;
const CRYPTO_WINDFALL =
  /\b(?:airdrop|allocation|funded with|\d+(?:[.,]\d+)? ?(?:btc|eth|usdt)|\$[A-Z]{3,6}\b|claim (?:your )?(?:tokens?|coins?|reward))/i;
const CASINO =
  /\b(?:casino|kasino|cassino|spielothek|slots?)\b|\bfree ?spins\b|freispiele|gratisdreh|giros gr[aá]tis|tiradas gratis|free bets?/i;
const BONUS =
  /\b(?:\d{2,4} ?%|\d+ ?(?:€|eur|\$|usd)) ?(?:bonus|willkommensbonus)|\bno deposit\b|keine einzahlung|sem dep[óo]sito|sin dep[óo]sito|freispiele|free ?spins|gratisdreh/i;

export function scamScriptSignals(subject: string | undefined, text: string): Signal[] {
  const body = `${subject ?? ''}\n${text.slice(0, SCAN_CHARS)}`.normalize('NFKC');
  const out: Signal[] = [];
  if (CRYPTO_WALLET.test(body) && CRYPTO_WINDFALL.test(body)) {
    out.push({
      id: 'crypto-giveaway',
      score: 40,
      what: 'crypto windfall script: a wallet to connect or log in to, with an airdrop/allocation/funded balance',
      attack: ['T1566', 'T1656'],
    });
  }
  if (CASINO.test(body) && BONUS.test(body)) {
    out.push({
      id: 'casino-bonus',
      score: 40,
      what: 'casino bonus script: a casino with a no-deposit / free-spins / percentage bonus',
      attack: ['T1566'],
    });
  }
  return out;
}
