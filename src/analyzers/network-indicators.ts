// URL, domain and IP shape checks that need no lookup: IP-literal URLs, risky TLDs,
// shorteners, and connections to public addresses.
import type { Finding } from '../domain/finding';
import { isIpv4, isPublicIpv4, urlHost, type ObservableSet } from '../domain/observables';

// Top-level domains over-represented in abuse reports (Spamhaus "most abused TLDs", 2024).
const RISKY_TLDS = new Set(['zip', 'mov', 'top', 'xyz', 'tk', 'ml', 'ga', 'cf', 'gq', 'click', 'country', 'kim', 'work', 'rest', 'cyou', 'sbs']);
const SHORTENERS = new Set(['bit.ly', 'tinyurl.com', 't.co', 'goo.gl', 'is.gd', 'ow.ly', 'cutt.ly', 'rb.gy', 'shorturl.at']);

export const NETWORK_ANALYZER = 'network-indicators';

export function analyzeNetworkIndicators(o: ObservableSet): Finding {
  const evidence: string[] = [];
  let score = 0;
  const raise = (s: number, line: string) => { score = Math.max(score, s); evidence.push(line); };

  for (const url of o.urls) {
    const host = urlHost(url);
    if (host && isIpv4(host)) raise(55, `URL points at a bare IP address: ${url}`);
    if (host && SHORTENERS.has(host)) raise(35, `URL shortener hides the destination: ${url}`);
  }
  for (const d of o.domains) {
    const tld = d.split('.').pop() ?? '';
    if (RISKY_TLDS.has(tld)) raise(45, `domain under a frequently abused TLD .${tld}: ${d}`);
    if (/^xn--|\.xn--/.test(d)) raise(40, `internationalized (punycode) domain: ${d}`);
  }
  const publicIps = o.ips.filter(isPublicIpv4);
  if (publicIps.length > 0) evidence.push(`public IP addresses involved: ${publicIps.slice(0, 10).join(', ')}`);

  const looked = o.urls.length + o.domains.length + o.ips.length;
  if (looked === 0) {
    return { analyzer: NETWORK_ANALYZER, verdict: 'unknown', score: 0, confidence: 0, summary: 'no network indicators', evidence: [], attack: [] };
  }
  return {
    analyzer: NETWORK_ANALYZER,
    verdict: score >= 50 ? 'suspicious' : score > 0 ? 'suspicious' : 'unknown',
    score,
    confidence: score > 0 ? 0.5 : 0.2,
    summary: score > 0 ? evidence.filter((e) => !e.startsWith('public IP')).join('; ') : `${looked} network indicator(s), none suspicious by shape`,
    evidence,
    attack: score > 0 ? ['T1566.002'] : [],
  };
}
