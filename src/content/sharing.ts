// What leaves the organisation: the sharing policy (TLP per source and per incident) and the
// filter every export goes through. Internal IPs, host names, user names and the
// organisation's own domains are never exported, whatever the TLP.
import type { Alert } from '../domain/alert';
import { isIpv4, isPublicIpv4, urlHost } from '../domain/observables';
import { inCidr } from '../domain/org-context';
import { TLP_LEVELS, type SharingPolicy, type Tlp } from '../domain/sharing-policy';

export { SharingPolicy, Tlp, TLP_LEVELS } from '../domain/sharing-policy';

/** The strictest of the TLPs that apply: every source's, the incident's own, else the default. */
export function tlpFor(policy: SharingPolicy, sources: string[], incidentTlp?: Tlp): Tlp {
  const applicable = [...sources.map((s) => policy.bySource[s]).filter((t): t is Tlp => !!t), ...(incidentTlp ? [incidentTlp] : [])];
  if (applicable.length === 0) return policy.defaultTlp;
  return applicable.reduce((a, b) => (TLP_LEVELS.indexOf(b) > TLP_LEVELS.indexOf(a) ? b : a));
}

// Names that only mean something inside a network.
const INTERNAL_SUFFIXES = ['.local', '.internal', '.lan', '.corp', '.home.arpa', '.localdomain', '.intranet'];
const NON_PUBLIC_V6 = /^(::1?$|f[cd]|fe[89ab]|ff)/i;

/** Indicators an alert may share, and the private names that must be kept out of any text. */
export interface ShareableIndicators {
  domains: string[];
  ips: string[];
  urls: string[];
  hashes: { md5?: string; sha1?: string; sha256?: string; name?: string }[];
  /** Host names and user names seen in the alerts: never exported, redacted from text. */
  privateNames: string[];
}

export class SharingFilter {
  constructor(
    private readonly policy: SharingPolicy,
    private readonly privateNames: Set<string>,
  ) {}

  isShareableIp(ip: string): boolean {
    if (isIpv4(ip)) return isPublicIpv4(ip) && !this.policy.internalRanges.some((r) => inCidr(ip, r));
    return ip.includes(':') && !NON_PUBLIC_V6.test(ip);
  }

  isShareableDomain(domain: string): boolean {
    const d = domain.toLowerCase().replace(/\.$/, '');
    if (!d.includes('.') || isIpv4(d)) return false;
    if (INTERNAL_SUFFIXES.some((s) => d.endsWith(s))) return false;
    if (this.privateNames.has(d) || this.privateNames.has(d.split('.')[0])) return false;
    return !this.policy.ownDomains.some((own) => d === own.toLowerCase() || d.endsWith(`.${own.toLowerCase()}`));
  }

  isShareableUrl(url: string): boolean {
    const host = urlHost(url);
    if (!host) return false;
    const bare = host.replace(/^\[|\]$/g, '');
    return isIpv4(bare) || bare.includes(':') ? this.isShareableIp(bare) : this.isShareableDomain(bare);
  }

  /** True when the text names none of the alerts' hosts or users. */
  isFreeOfPrivateNames(text: string): boolean {
    const t = text.toLowerCase();
    return ![...this.privateNames].some((n) => n.length >= 3 && t.includes(n));
  }
}

/** Every case-insensitive occurrence of `needle` replaced, by indexOf: no regex built from data. */
function replaceAllInsensitive(text: string, needle: string, by: string): string {
  const hay = text.toLowerCase(),
    n = needle.toLowerCase();
  let out = '',
    from = 0;
  for (let at = hay.indexOf(n); at !== -1; at = hay.indexOf(n, from)) {
    out += text.slice(from, at) + by;
    from = at + n.length;
  }
  return out + text.slice(from);
}

/** The text with every private name (host, user) replaced: for titles that leave the organisation. */
export function redactPrivateNames(text: string, privateNames: Iterable<string>): string {
  let out = text;
  for (const n of [...privateNames].filter((x) => x.length >= 3).sort((a, b) => b.length - a.length)) {
    out = replaceAllInsensitive(out, n, '[redacted]');
  }
  return out;
}

/** Host and user names of the alerts (lower case, with and without their domain parts). */
export function privateNamesOf(alerts: Alert[]): Set<string> {
  const names = new Set<string>();
  const add = (v?: string) => {
    if (!v) return;
    const lower = v.toLowerCase();
    names.add(lower);
    const bare = lower.split('\\').pop()!.split('@')[0];
    names.add(bare);
    names.add(bare.split('.')[0]);
  };
  for (const a of alerts) {
    const o = a.observables;
    for (const h of o.hosts) add(h.hostname);
    for (const u of o.users) add(u.name);
    for (const p of o.processes) for (const q of [p, ...p.parents]) add(q.user);
  }
  for (const generic of ['system', 'root', 'admin', 'administrator', 'user']) names.delete(generic);
  return names;
}

/** The alerts' indicators that the policy lets leave the organisation. */
export function shareableIndicators(alerts: Alert[], policy: SharingPolicy): ShareableIndicators {
  const privateNames = privateNamesOf(alerts);
  const filter = new SharingFilter(policy, privateNames);
  const domains = new Set<string>(),
    ips = new Set<string>(),
    urls = new Set<string>();
  const hashes = new Map<string, ShareableIndicators['hashes'][number]>();
  for (const a of alerts) {
    const o = a.observables;
    for (const d of o.domains) if (filter.isShareableDomain(d)) domains.add(d.toLowerCase().replace(/\.$/, ''));
    for (const ip of [...o.ips, ...o.network.map((n) => n.dstIp).filter((v): v is string => !!v)])
      if (filter.isShareableIp(ip)) ips.add(ip);
    for (const u of o.urls) {
      if (!filter.isShareableUrl(u)) continue;
      urls.add(u);
      const host = urlHost(u)!;
      if (!isIpv4(host) && !host.startsWith('[')) domains.add(host);
    }
    const files = [...o.files, ...o.processes.flatMap((p) => [p, ...p.parents]).map((p) => ({ hashes: p.hashes, name: p.name }))];
    for (const f of files) {
      const h = f.hashes;
      const key = h?.sha256 ?? h?.sha1 ?? h?.md5;
      if (!key || hashes.has(key.toLowerCase())) continue;
      const name = 'name' in f && f.name && filter.isFreeOfPrivateNames(f.name) ? f.name : undefined;
      hashes.set(key.toLowerCase(), { md5: h?.md5?.toLowerCase(), sha1: h?.sha1?.toLowerCase(), sha256: h?.sha256?.toLowerCase(), name });
    }
  }
  return { domains: [...domains], ips: [...ips], urls: [...urls], hashes: [...hashes.values()], privateNames: [...privateNames] };
}
