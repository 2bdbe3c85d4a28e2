// URL and domain analysis without lookups: who really owns a link (registrable domain,
// private suffixes included), whether it imitates a protected brand (IDN homoglyphs,
// typosquats, brand + word, brand in a subdomain), and the shapes phishing links take
// (IP-literal hosts in any notation, shorteners, "@" userinfo, credential-harvest paths,
// data:/javascript: URLs, abused TLDs).
import { remove } from 'confusables';
import { parse as parseDomain } from 'tldts';
import { domainToUnicode } from 'node:url';
import type { Finding } from '../domain/finding';
import { linearRegex } from '../domain/linear-regex';
import { EXACT_ONLY_LABELS, PROTECTED_BRANDS, type ProtectedBrand } from './data/brands';
import { RISKY_TLDS } from './data/risky-tlds';
import { IP_LOGGERS, URL_SHORTENERS } from './data/shorteners';

export const URL_ANALYZER = 'url';
export const ANALYZER_VERSION = '1';

/** Inputs beyond these bounds are cut: an alert holds ≤200 of each, evidence may hold more. */
const MAX_ITEMS = 500;
/** A WordPress login or internals page: `/wp-admin/…` then any text then `.php` is quadratic in V8 on a path of many `/wp-admin/`. */
const WORDPRESS_PAGE = linearRegex(/\/wp-(?:admin|content|includes)\/.*\.(?:php|html?)$|\/wp-login\.php$|\/wp-admin\/?$/);
const MAX_URL_CHARS = 8192;
const MAX_LABEL_CHARS = 63;

export interface Signal {
  id: string;
  score: number;
  what: string;
  attack: string[];
}

export interface Lookalike {
  brand: string;
  technique: 'homoglyph' | 'brand-elsewhere' | 'typosquat' | 'combosquat' | 'brand-in-subdomain';
  /** The brand label or domain imitated. */
  imitates: string;
}

export interface DomainFacts {
  /** Lower-case ASCII host (punycode kept). */
  hostname: string;
  /** The host with punycode labels decoded. */
  unicode: string;
  registrableDomain: string | null;
  publicSuffix: string | null;
  subdomain: string;
  /** Registrable domain sits under a PSL private suffix (github.io, firebaseapp.com): anyone can have one. */
  privateSuffix: boolean;
  isIp: boolean;
  /** Name of the protected brand that owns this registrable domain. */
  ownedBy?: string;
  lookalike?: Lookalike;
  signals: Signal[];
}

export interface UrlFacts {
  url: string;
  scheme: string | null;
  host: DomainFacts | null;
  /** The IPv4/IPv6 address the host names, and whether it was written in a disguised notation. */
  ipLiteral?: { ip: string; notation: 'dotted' | 'obfuscated' | 'ipv6' };
  signals: Signal[];
}

const PHISH_LINK = ['T1566.002'];
const LOOKALIKE_DOMAIN = ['T1583.001', 'T1566.002'];

// ---------------------------------------------------------------------------------------
// Homoglyph skeleton

// Zero-width characters, joiners, soft hyphen, bidi controls, variation selectors and Unicode
// tag characters (all Default_Ignorable): invisible, so they only serve to break naive matching.
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * A comparison key that maps lookalikes together: NFKC, invisible characters dropped,
 * Unicode confusables to their Latin lookalike, lower case, then the ASCII tricks phishers
 * use (rn→m, vv→w, 0→o, 1/i/l/|→l, 3→e, 5/$→s, @→a). Both sides of a comparison go through it.
 */
export function skeleton(text: string): string {
  const latin = remove(text.normalize('NFKC').replace(INVISIBLE, '')).toLowerCase();
  return latin
    .replace(/rn/g, 'm')
    .replace(/vv/g, 'w')
    .replace(/0/g, 'o')
    .replace(/[1i|!]/g, 'l')
    .replace(/3/g, 'e')
    .replace(/[5$]/g, 's')
    .replace(/@/g, 'a');
}

/** Restricted Damerau-Levenshtein (optimal string alignment) distance, stopping early above max. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length];
}

interface BrandKey {
  brand: ProtectedBrand;
  label: string;
  key: string;
  exactOnly: boolean;
}
const BRAND_KEYS: BrandKey[] = PROTECTED_BRANDS.flatMap((brand) =>
  brand.labels.map((label) => ({
    brand,
    label,
    key: skeleton(label),
    exactOnly: EXACT_ONLY_LABELS.has(label) || label.length <= 5,
  })),
);
const OWNER_BY_DOMAIN = new Map(PROTECTED_BRANDS.flatMap((b) => b.domains.map((d) => [d, b] as const)));

/** The protected brand that owns this registrable domain, if any. */
export function brandOwning(registrable: string | null | undefined): ProtectedBrand | undefined {
  return registrable ? OWNER_BY_DOMAIN.get(registrable.toLowerCase()) : undefined;
}

/** Protected brands named in free text (a display name, link text), compared on skeletons as whole words. */
export function brandsNamedIn(text: string): ProtectedBrand[] {
  const words = ` ${skeleton(text.slice(0, 512))
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()} `;
  // Spaced-out names ("D P D", "P a y P a l") are read with the spaces closed up as well.
  const squeezed = ` ${words.replace(/\b(\w) (?=\w\b)/g, '$1')} `;
  return PROTECTED_BRANDS.filter((b) =>
    b.names.some((n) => {
      const key = ` ${skeleton(n)
        .replace(/[^a-z0-9]+/g, ' ')
        .trim()} `;
      return words.includes(key) || squeezed.includes(key);
    }),
  );
}

// ---------------------------------------------------------------------------------------
// Domains

/** Registrable domain ("eTLD+1", private suffixes honoured: x.github.io stays x.github.io). */
export function registrableDomain(host: string): string | null {
  return parseDomain(host.toLowerCase(), { allowPrivateDomains: true }).domain;
}

function lookalikeOf(label: string, subdomain: string): Lookalike | undefined {
  const unicodeLabel = domainToUnicode(label) || label;
  const key = skeleton(unicodeLabel);
  const compact = key.replace(/[-_.]/g, '');
  // Words of the label, each also without its digits (office365-login, microsoft365, paypa1-secure).
  const words = unicodeLabel
    .toLowerCase()
    .split(/[-_.]+/)
    .filter(Boolean);
  const tokens = [...new Set([...words, ...words.flatMap((w) => w.split(/\d+/))].filter(Boolean).map(skeleton))];
  const nonAscii = /[\u0080-\uffff]/.test(unicodeLabel);
  for (const b of BRAND_KEYS) {
    if (compact === b.key) {
      // Unicode lookalikes and ASCII tricks (paypa1, rnicrosoft) are homoglyphs; a hyphen
      // inserted (deutsche-bahn) is a typosquat; the brand's own label elsewhere is neither.
      const technique =
        nonAscii || (key === compact && unicodeLabel !== b.label) ? 'homoglyph' : key !== compact ? 'typosquat' : 'brand-elsewhere';
      return { brand: b.brand.name, technique, imitates: b.label };
    }
  }
  for (const b of BRAND_KEYS) {
    if (words.length > 1 && tokens.includes(b.key)) return { brand: b.brand.name, technique: 'combosquat', imitates: b.label };
    if (b.exactOnly) continue;
    // ≤1 edit for 6-7 letter brands, ≤2 from 8 on: 2 edits turn "amazon" into "amazing".
    if (editDistance(compact, b.key, 2) <= (b.key.length >= 8 ? 2 : 1))
      return { brand: b.brand.name, technique: 'typosquat', imitates: b.label };
    if (compact.includes(b.key)) return { brand: b.brand.name, technique: 'combosquat', imitates: b.label };
  }
  if (subdomain) {
    const sub = `.${domainToUnicode(subdomain) || subdomain}.`;
    for (const brand of PROTECTED_BRANDS) {
      const hit = brand.domains.find((d) => sub.includes(`.${d}.`) || sub.includes(`.${d}-`));
      if (hit) return { brand: brand.name, technique: 'brand-in-subdomain', imitates: hit };
    }
    const subTokens = new Set(skeleton(subdomain).split(/[-_.\d]+/));
    const b = BRAND_KEYS.find((k) => !EXACT_ONLY_LABELS.has(k.label) && k.key.length >= 4 && subTokens.has(k.key));
    if (b) return { brand: b.brand.name, technique: 'brand-in-subdomain', imitates: b.label };
  }
  return undefined;
}

const LOOKALIKE_SCORE: Record<Lookalike['technique'], number> = {
  // A brand's exact name under another suffix may be a country domain missing from the table.
  homoglyph: 85,
  typosquat: 70,
  combosquat: 70,
  'brand-in-subdomain': 70,
  'brand-elsewhere': 45,
};

/** Facts about one host name (or bare IP), with the signals it raises on its own. */
export function inspectDomain(input: string): DomainFacts {
  const hostname = input
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  const p = parseDomain(hostname, { allowPrivateDomains: true });
  const unicode = hostname
    .split('.')
    .map((l) => (l.startsWith('xn--') ? domainToUnicode(l) || l : l))
    .join('.');
  const facts: DomainFacts = {
    hostname,
    unicode,
    registrableDomain: p.domain,
    publicSuffix: p.publicSuffix,
    subdomain: p.subdomain ?? '',
    privateSuffix: p.isPrivate === true,
    isIp: p.isIp === true,
    signals: [],
  };
  if (facts.isIp || !p.domain) return facts;
  const owner = brandOwning(p.domain);
  if (owner) {
    facts.ownedBy = owner.name;
    return facts;
  }
  const label = (p.domainWithoutSuffix ?? '').slice(0, MAX_LABEL_CHARS);
  const lookalike = lookalikeOf(label, facts.subdomain);
  if (lookalike) {
    facts.lookalike = lookalike;
    const where =
      lookalike.technique === 'brand-elsewhere'
        ? `${lookalike.brand}'s name under a suffix not among its known domains${facts.privateSuffix ? ' (free hosting)' : ''}`
        : `${lookalike.technique} of ${lookalike.brand} (${lookalike.imitates})`;
    facts.signals.push({
      id: `lookalike-${lookalike.technique}`,
      score: LOOKALIKE_SCORE[lookalike.technique],
      what: `${where}: ${unicode}`,
      attack: LOOKALIKE_DOMAIN,
    });
  } else if (unicode !== hostname) {
    facts.signals.push({ id: 'idn', score: 25, what: `internationalized (punycode) domain, shown as ${unicode}`, attack: PHISH_LINK });
  }
  const tld = (p.publicSuffix ?? '').split('.').pop() ?? '';
  if (RISKY_TLDS.has(tld))
    facts.signals.push({
      id: 'risky-tld',
      score: 20,
      what: `domain under the frequently abused TLD .${tld}: ${hostname}`,
      attack: PHISH_LINK,
    });
  if (URL_SHORTENERS.has(hostname) || URL_SHORTENERS.has(p.domain)) {
    facts.signals.push({ id: 'shortener', score: 30, what: `URL shortener hides the destination: ${hostname}`, attack: PHISH_LINK });
  }
  if (IP_LOGGERS.has(p.domain))
    facts.signals.push({
      id: 'ip-logger',
      score: 55,
      what: `IP-logging redirector records who clicks: ${hostname}`,
      attack: ['T1598.003'],
    });
  return facts;
}

// ---------------------------------------------------------------------------------------
// URLs

const EMAIL = /^[^\s@/?#]{1,64}@[a-z0-9-]+(?:\.[a-z0-9-]+)+$/i;
const CREDENTIAL_WORDS =
  /(?:^|[/._?&=-])(log-?in|log-?on|sign-?in|signon|verify|verification|validate|account|unlock|suspend(?:ed)?|secure|security|update|webscr|auth|authenticate|confirm|recover|password|passwd|billing|wallet)(?=$|[/._?&=#-])/i;
const DANGEROUS_SCHEMES =
  /^(?:ms-msdt|search-ms|search|ms-officecmd|ms-word|ms-excel|ms-powerpoint|ms-appinstaller|ms-cxh-full|ms-settings):/i;

/** Decode a base64/base64url token; undefined unless it is printable text. */
function base64Text(token: string): string | undefined {
  if (!/^[A-Za-z0-9+/_-]{8,400}={0,2}$/.test(token)) return undefined;
  const text = Buffer.from(token.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  return /^[\x20-\x7e]+$/.test(text) ? text : undefined;
}

/** The host exactly as written between "//" (and any userinfo) and the port or path. */
function writtenHost(url: string): string | undefined {
  return /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#\\]*@)?(\[[^\]]*\]|[^:/?#\\]*)/i.exec(url)?.[1];
}

const DOTTED_QUAD = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const NON_PUBLIC_V4 = /^(?:0\.|10\.|127\.|169\.254\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.|100\.(?:6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.)/;

function schemeSignals(raw: string, scheme: string): Signal[] {
  if (scheme === 'javascript')
    return [
      {
        id: 'javascript-url',
        score: 70,
        what: `javascript: URL runs script when clicked: ${clip(raw)}`,
        attack: ['T1566.002', 'T1059.007'],
      },
    ];
  if (scheme === 'data') {
    const media = /^data:([^,;]*)/i.exec(raw)?.[1].toLowerCase() || 'text/plain';
    if (/^(?:text\/html|application\/(?:xhtml|javascript|x-javascript|octet-stream|x-msdownload|zip|hta)|image\/svg)/.test(media)) {
      return [
        {
          id: 'data-url',
          score: 70,
          what: `data: URL carries a ${media} document inline (smuggled page or payload): ${clip(raw, 120)}`,
          attack: ['T1566.002', 'T1027.006'],
        },
      ];
    }
    return [];
  }
  if (scheme === 'file')
    return [{ id: 'file-url', score: 45, what: `file: URL opens a local or network (SMB) path: ${clip(raw)}`, attack: ['T1187'] }];
  if (DANGEROUS_SCHEMES.test(raw))
    return [
      {
        id: 'protocol-handler',
        score: 80,
        what: `URL invokes a Windows protocol handler abused for code execution: ${clip(raw)}`,
        attack: ['T1566.002', 'T1204.001'],
      },
    ];
  return [];
}

/** Facts about one URL, with every signal it raises (its host's included). */
export function inspectUrl(input: string): UrlFacts {
  const raw = input.trim().slice(0, MAX_URL_CHARS);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1].toLowerCase() ?? null;
  const facts: UrlFacts = { url: raw, scheme, host: null, signals: [] };
  if (!scheme) {
    facts.signals.push({ id: 'unparsable', score: 0, what: `not a URL: ${clip(raw)}`, attack: [] });
    return facts;
  }
  facts.signals.push(...schemeSignals(raw, scheme));
  if (scheme !== 'http' && scheme !== 'https' && scheme !== 'ftp') return facts;

  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    facts.signals.push({ id: 'unparsable', score: 0, what: `URL does not parse: ${clip(raw)}`, attack: [] });
    return facts;
  }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  facts.host = inspectDomain(host);
  facts.signals.push(...facts.host.signals);

  if (u.hostname.startsWith('[')) {
    facts.ipLiteral = { ip: host, notation: 'ipv6' };
    facts.signals.push({ id: 'ip-host', score: 55, what: `URL points at a bare IPv6 address: ${clip(raw)}`, attack: PHISH_LINK });
  } else if (DOTTED_QUAD.test(host)) {
    const written = (writtenHost(raw) ?? host).toLowerCase().replace(/\.$/, '');
    const obfuscated = written !== host;
    facts.ipLiteral = { ip: host, notation: obfuscated ? 'obfuscated' : 'dotted' };
    if (obfuscated) {
      facts.signals.push({
        id: 'ip-host-obfuscated',
        score: 75,
        what: `URL hides the IP address ${host} in decimal/hex/octal notation (${written}): ${clip(raw)}`,
        attack: ['T1566.002', 'T1027'],
      });
    } else {
      const internal = NON_PUBLIC_V4.test(host);
      facts.signals.push({
        id: 'ip-host',
        score: internal ? 35 : 55,
        what: `URL points at a bare ${internal ? 'non-public ' : ''}IP address: ${clip(raw)}`,
        attack: PHISH_LINK,
      });
    }
  }

  if (u.username || u.password) {
    const user = safeDecode(u.username);
    const fake = /\./.test(user) || brandsNamedIn(user).length > 0;
    facts.signals.push(
      fake
        ? {
            id: 'userinfo-trick',
            score: 75,
            what: `"${clip(user, 60)}@" before the real host ${host} makes the link look like it goes elsewhere: ${clip(raw)}`,
            attack: PHISH_LINK,
          }
        : { id: 'userinfo', score: 30, what: `URL carries credentials before "@": ${clip(raw)}`, attack: PHISH_LINK },
    );
  }

  if (!facts.host.ownedBy) facts.signals.push(...harvestSignals(u, raw));
  return facts;
}

/** Path and query shapes of credential-harvest pages, judged only off the brand's own domains. */
function harvestSignals(u: URL, raw: string): Signal[] {
  const out: Signal[] = [];
  const path = safeDecode(u.pathname).toLowerCase();
  const words = CREDENTIAL_WORDS.exec(`${path}${u.search}`);
  if (words)
    out.push({
      id: 'credential-path',
      score: 20,
      what: `login/verify wording ("${words[1]}") in the path of a non-brand site: ${clip(raw)}`,
      attack: PHISH_LINK,
    });
  if (/^\/(?:owa|adfs|ews)(?:\/|$)/.test(path))
    out.push({ id: 'webmail-path', score: 30, what: `Outlook Web App / ADFS login path: ${clip(raw)}`, attack: PHISH_LINK });
  if (WORDPRESS_PAGE.test(path)) {
    out.push({
      id: 'wordpress-kit',
      score: 35,
      what: `WordPress login or internals page on a non-brand site (typical phishing-kit drop on a hacked site): ${clip(raw)}`,
      attack: PHISH_LINK,
    });
  }
  if (/^\/ipfs\/[a-z0-9]{20,}/i.test(u.pathname))
    out.push({ id: 'ipfs', score: 40, what: `page on an IPFS gateway (hard to take down): ${clip(raw)}`, attack: PHISH_LINK });

  let emailInQuery: string | undefined;
  let scanned = 0;
  for (const [, value] of u.searchParams) {
    if (++scanned > 50) break;
    const v = value.trim();
    if (EMAIL.test(v) || EMAIL.test(base64Text(v) ?? '')) {
      emailInQuery = v;
      break;
    }
  }
  // Newsletters pre-fill addresses in their unsubscribe/preferences links too, so on its
  // own this is weak; a .php page doing it is the classic phishing-kit shape.
  if (emailInQuery) {
    const kit = /\.php$/.test(path);
    out.push({
      id: 'email-in-query',
      score: kit ? 45 : 20,
      what: `recipient address pre-filled in the query${kit ? ' of a .php page' : ''} (${clip(emailInQuery, 60)}): ${clip(raw)}`,
      attack: PHISH_LINK,
    });
  }

  const fragment = safeDecode(u.hash.slice(1));
  if (fragment) {
    const decoded = base64Text(fragment.replace(/^[/!]+/, ''));
    if (EMAIL.test(fragment))
      out.push({
        id: 'email-in-fragment',
        score: 50,
        what: `recipient address in the URL fragment (never sent to the server, read by the page's script): ${clip(raw)}`,
        attack: PHISH_LINK,
      });
    else if (decoded && EMAIL.test(decoded))
      out.push({
        id: 'email-in-fragment',
        score: 55,
        what: `base64 recipient address (${clip(decoded, 60)}) in the URL fragment: ${clip(raw)}`,
        attack: PHISH_LINK,
      });
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Finding

/** One score from several signals: the strongest counts fully, the next two add a little. */
export function combineScores(scores: number[]): number {
  const s = [...scores].sort((a, b) => b - a);
  return Math.min(100, Math.round((s[0] ?? 0) + 0.3 * (s[1] ?? 0) + 0.1 * (s[2] ?? 0)));
}

export function analyzeUrls(urls: string[], domains: string[] = []): Finding {
  try {
    const urlFacts = [...new Set(urls)].slice(0, MAX_ITEMS).map(inspectUrl);
    const seenHosts = new Set(urlFacts.map((f) => f.host?.hostname).filter(Boolean));
    const domainFacts = [...new Set(domains.map((d) => d.trim().toLowerCase().replace(/\.$/, '')))]
      .filter((d) => d && !seenHosts.has(d))
      .slice(0, MAX_ITEMS)
      .map(inspectDomain);
    const items = [
      ...urlFacts.map((f) => ({ signals: f.signals.filter((s) => s.score > 0) })),
      ...domainFacts.map((f) => ({ signals: f.signals })),
    ];
    const looked = urlFacts.length + domainFacts.length;
    if (looked === 0)
      return {
        analyzer: URL_ANALYZER,
        verdict: 'unknown',
        score: 0,
        confidence: 0,
        summary: 'no URLs or domains to analyze',
        evidence: [],
        attack: [],
      };

    const signals = items.flatMap((i) => i.signals);
    const score = Math.max(0, ...items.map((i) => combineScores(i.signals.map((s) => s.score))));
    const evidence = [...new Set(signals.sort((a, b) => b.score - a.score).map((s) => s.what))].slice(0, 30);
    const attack = [...new Set(signals.flatMap((s) => s.attack))].sort();
    const owned = [...new Set([...urlFacts.map((f) => f.host), ...domainFacts].flatMap((h) => (h?.ownedBy ? [h.ownedBy] : [])))];
    const strong = signals.some(
      (s) => s.id.startsWith('lookalike-homoglyph') || s.id === 'ip-host-obfuscated' || s.id === 'userinfo-trick',
    );
    const kinds = [...new Set(signals.map((s) => s.id))];
    return {
      analyzer: URL_ANALYZER,
      verdict: score >= 70 ? 'malicious' : score >= 30 ? 'suspicious' : 'benign',
      score,
      confidence: signals.length === 0 ? 0.4 : strong ? 0.8 : 0.6,
      summary: signals.length
        ? `${kinds.length} kind(s) of suspicious link shape in ${looked} URL(s)/domain(s): ${kinds.join(', ')}`
        : `${looked} URL(s)/domain(s), none suspicious by shape${owned.length ? ` (brand-owned: ${owned.join(', ')})` : ''}`,
      evidence,
      attack,
    };
  } catch (err) {
    return {
      analyzer: URL_ANALYZER,
      verdict: 'unknown',
      score: 0,
      confidence: 0,
      summary: 'URL analysis failed',
      evidence: [],
      attack: [],
      error: err instanceof Error ? err.message : String(err),
    };
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function clip(s: string, max = 200): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}
