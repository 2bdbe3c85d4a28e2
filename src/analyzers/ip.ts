// IP address analysis: what kind of address each one is (private, loopback, link-local,
// CGNAT, multicast, documentation, other bogons, public), where a public one is registered
// (GeoLite2 country data shipped inside geoip-country, read offline), and what reputation
// the caller already fetched for it. Pure: no lookups leave the process.
import ipaddr from 'ipaddr.js';
import type { Finding, FindingVerdict } from '../domain/finding';
import { BOGONS_V4, BOGONS_V6, type BogonRange } from './data/bogons';

export const IP_ANALYZER = 'ip';
export const ANALYZER_VERSION = '1';

const MAX_IPS = 500;

export interface Reputation {
  verdict: FindingVerdict;
  source: string;
}

export interface IpFacts {
  input: string;
  /** Canonical form (IPv4-mapped IPv6 unwrapped to IPv4); absent when the input is not an address. */
  ip?: string;
  version?: 4 | 6;
  /** ipaddr.js range name: unicast, private, loopback, linkLocal, carrierGradeNat, multicast, reserved … */
  range?: string;
  /** The special-purpose block it falls in, when it is one. */
  bogon?: BogonRange;
  /** Routable on the Internet: worth a reputation lookup, worth blocking. */
  public: boolean;
  /** Written in a notation other than plain dotted decimal (octal 010.0.0.1, hex 0x7f.1, one integer). */
  nonCanonical?: boolean;
  /** ISO 3166-1 alpha-2 country of a public address, from GeoLite2 data in the package. */
  country?: string;
  reputation?: Reputation;
  invalid?: string;
}

const parsedBogons = (list: readonly BogonRange[]) => list.map((b) => ({ b, range: ipaddr.parseCIDR(b.cidr) }));
const BOGON_V4 = parsedBogons(BOGONS_V4);
const BOGON_V6 = parsedBogons(BOGONS_V6);

interface GeoIp {
  lookup(ip: string): { country?: string } | null;
}
let geo: GeoIp | undefined;
/** geoip-country reads its ~7 MB of data synchronously when first required: do that only when needed. */
function countryOf(ip: string): string | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  geo ??= require('geoip-country') as GeoIp;
  return geo.lookup(ip)?.country || undefined;
}

/** Classify one address without any lookup beyond the bundled country data. */
export function classifyIp(input: string): IpFacts {
  const text = input.trim().replace(/^\[|\]$/g, '');
  const withoutZone = text.replace(/%[\w.-]{1,32}$/, '');
  if (!ipaddr.isValid(withoutZone)) return { input, public: false, invalid: 'not an IP address' };
  let addr: ipaddr.IPv4 | ipaddr.IPv6 = ipaddr.parse(withoutZone);
  if (addr instanceof ipaddr.IPv6 && addr.isIPv4MappedAddress()) addr = addr.toIPv4Address();
  const facts: IpFacts = { input, ip: addr.toString(), version: addr.kind() === 'ipv4' ? 4 : 6, range: addr.range(), public: false };
  if (addr.kind() === 'ipv4' && !/:/.test(withoutZone) && !ipaddr.IPv4.isValidFourPartDecimal(withoutZone)) facts.nonCanonical = true;

  const bogons = addr.kind() === 'ipv4' ? BOGON_V4 : BOGON_V6;
  facts.bogon = bogons.find(({ range }) => range[0].kind() === addr.kind() && addr.match(range))?.b;
  // ipaddr.js names a few more non-global IPv6 blocks (teredo and 6to4 stay routable).
  const nonGlobalV6 = [
    'unspecified',
    'linkLocal',
    'multicast',
    'loopback',
    'uniqueLocal',
    'reserved',
    'discard',
    'benchmarking',
    'deprecatedSiteLocal',
  ];
  facts.public = !facts.bogon && (facts.range === 'unicast' || (facts.version === 6 && !nonGlobalV6.includes(facts.range ?? '')));
  if (facts.public) facts.country = countryOf(facts.ip!);
  return facts;
}

const REPUTATION_SCORE: Record<FindingVerdict, number> = { malicious: 85, suspicious: 50, benign: 0, unknown: 0 };

function describe(f: IpFacts): string {
  const where = f.public
    ? `public${f.country ? `, ${f.country}` : ''}`
    : f.bogon
      ? `${f.bogon.name}, ${f.bogon.rfc}`
      : (f.range ?? 'special');
  return `${f.ip}${f.nonCanonical ? ` (written ${f.input})` : ''} [${where}]`;
}

/**
 * Classify the alert's IPs and weigh the reputation the caller looked up (keyed by the
 * address as given or in canonical form). Without reputation, addresses alone say little:
 * the finding is then informational (unknown, score 0).
 */
export function analyzeIps(ips: string[], reputation: Map<string, Reputation> = new Map()): Finding {
  try {
    const facts = [...new Set(ips.map((i) => i.trim()).filter(Boolean))].slice(0, MAX_IPS).map((input) => {
      const f = classifyIp(input);
      const rep = reputation.get(input) ?? (f.ip ? reputation.get(f.ip) : undefined);
      return rep ? { ...f, reputation: rep } : f;
    });
    const valid = facts.filter((f) => !f.invalid);
    if (valid.length === 0) {
      return {
        analyzer: IP_ANALYZER,
        verdict: 'unknown',
        score: 0,
        confidence: 0,
        summary: facts.length ? 'no valid IP addresses' : 'no IP addresses to analyze',
        evidence: facts.map((f) => `not an IP address: ${f.input.slice(0, 100)}`),
        attack: [],
        ...(facts.length ? { error: `none of ${facts.length} input(s) is an IP address` } : {}),
      };
    }
    const rated = valid.filter((f) => f.reputation && f.reputation.verdict !== 'unknown');
    const bad = rated
      .filter((f) => f.reputation!.verdict === 'malicious' || f.reputation!.verdict === 'suspicious')
      .sort((a, b) => REPUTATION_SCORE[b.reputation!.verdict] - REPUTATION_SCORE[a.reputation!.verdict]);
    const score = Math.min(100, Math.max(0, ...bad.map((f) => REPUTATION_SCORE[f.reputation!.verdict])) + 5 * Math.max(0, bad.length - 1));
    const publicIps = valid.filter((f) => f.public);
    const evidence = [
      ...bad.map((f) => `${f.reputation!.verdict} per ${f.reputation!.source}: ${describe(f)}`),
      ...valid
        .filter((f) => !bad.includes(f))
        .map((f) => `${f.reputation ? `${f.reputation.verdict} per ${f.reputation.source}: ` : ''}${describe(f)}`),
      ...facts.filter((f) => f.invalid).map((f) => `not an IP address: ${f.input.slice(0, 100)}`),
    ].slice(0, 40);
    const verdict: FindingVerdict = bad.some((f) => f.reputation!.verdict === 'malicious')
      ? 'malicious'
      : bad.length
        ? 'suspicious'
        : publicIps.length > 0 && publicIps.every((f) => f.reputation?.verdict === 'benign')
          ? 'benign'
          : 'unknown';
    const countries = [...new Set(publicIps.map((f) => f.country).filter(Boolean))];
    return {
      analyzer: IP_ANALYZER,
      verdict,
      score,
      confidence: rated.length === 0 ? 0.2 : Math.min(0.9, 0.5 + 0.4 * (rated.length / Math.max(1, publicIps.length))),
      summary: bad.length
        ? `${bad.length} of ${valid.length} IP(s) have a bad reputation: ${bad
            .slice(0, 5)
            .map((f) => f.ip)
            .join(', ')}`
        : `${valid.length} IP(s): ${publicIps.length} public${countries.length ? ` (${countries.join(', ')})` : ''}, ${valid.length - publicIps.length} non-public; ${rated.length} with reputation, none bad`,
      evidence,
      attack: [],
    };
  } catch (err) {
    return {
      analyzer: IP_ANALYZER,
      verdict: 'unknown',
      score: 0,
      confidence: 0,
      summary: 'IP analysis failed',
      evidence: [],
      attack: [],
      error: err instanceof Error ? err.message : String(err),
    };
  }
}
