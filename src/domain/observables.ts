// Flatten an alert into the normalized entities an analyst pivots on: hosts, users,
// hashes, domains, IPs, URLs, emails. Pure: runs in workflows, activities and tests alike.
import type { Alert } from './alert';
import { findEmails, trimEndChars } from './text-scan';

export interface ObservableSet {
  hosts: string[];
  users: string[];
  hashes: string[];
  domains: string[];
  ips: string[];
  urls: string[];
  emails: string[];
  commandLines: string[];
}

const IPV4 = /\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b/g;
const URL_RE = /\bhttps?:\/\/[^\s"'<>`]+/gi;
const HASH_RE = /\b(?:[a-fA-F0-9]{64}|[a-fA-F0-9]{40}|[a-fA-F0-9]{32})\b/g;

/** Hostname of a URL without relying on the URL global (kept minimal and total). */
export function urlHost(url: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]+\]|[^:/?#]+)/i.exec(url);
  return m ? m[1].toLowerCase().replace(/\.$/, '') : undefined;
}

const IPV4_EXACT = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;

export function isIpv4(value: string): boolean {
  return IPV4_EXACT.test(value);
}

// This host, private, loopback, link-local, carrier-grade NAT, multicast and reserved (RFC 6890).
const NON_PUBLIC_V4 =
  /^(0\.|10\.|127\.|169\.254\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.|2(2[4-9]|[3-5]\d)\.)/;

/** A routable public IPv4 address: worth looking up, worth blocking. */
export function isPublicIpv4(ip: string): boolean {
  return isIpv4(ip) && !NON_PUBLIC_V4.test(ip);
}

class Bag {
  private readonly seen = new Set<string>();
  readonly values: string[] = [];
  add(value: string | undefined, normalize = (v: string) => v.toLowerCase()): void {
    if (!value) return;
    const v = normalize(value.trim());
    if (v && !this.seen.has(v)) {
      this.seen.add(v);
      this.values.push(v);
    }
  }
}

/**
 * The alert's observables. `freeText: false` skips scanning title, description and command
 * lines for indicators: what workflow code may afford on text it did not extract itself.
 */
export function extractObservables(alert: Alert, opts: { freeText?: boolean } = {}): ObservableSet {
  const o = alert.observables;
  const hosts = new Bag(),
    users = new Bag(),
    hashes = new Bag(),
    domains = new Bag(),
    ips = new Bag(),
    urls = new Bag(),
    emails = new Bag(),
    commandLines = new Bag();
  const keepCase = (v: string) => v;

  const addUrl = (u: string) => {
    urls.add(u, keepCase);
    const host = urlHost(u);
    if (host?.startsWith('[')) ips.add(host.slice(1, -1));
    else if (host && isIpv4(host)) ips.add(host);
    else if (host) domains.add(host);
  };
  const addHashes = (h?: { md5?: string; sha1?: string; sha256?: string }) => {
    hashes.add(h?.sha256);
    hashes.add(h?.sha1);
    hashes.add(h?.md5);
  };

  for (const h of o.hosts) {
    hosts.add(h.hostname);
    ips.add(h.ip);
  }
  for (const u of o.users) users.add(u.domain ? `${u.domain}\\${u.name}` : u.name);
  for (const p of o.processes) {
    for (const proc of [p, ...p.parents]) {
      addHashes(proc.hashes);
      commandLines.add(proc.commandLine, keepCase);
      users.add(proc.user);
    }
  }
  for (const f of o.files) addHashes(f.hashes);
  for (const n of o.network) {
    ips.add(n.srcIp);
    ips.add(n.dstIp);
  }
  for (const d of o.domains) domains.add(d.replace(/\.$/, ''));
  for (const ip of o.ips) ips.add(ip);
  for (const u of o.urls) addUrl(u);
  for (const e of o.emails) {
    emails.add(e.from);
    for (const to of e.to) emails.add(to);
  }

  const set = (): ObservableSet => ({
    hosts: hosts.values,
    users: users.values,
    hashes: hashes.values,
    domains: domains.values,
    ips: ips.values,
    urls: urls.values,
    emails: emails.values,
    commandLines: commandLines.values,
  });
  if (opts.freeText === false) return set();

  // Indicators mentioned only in free text (title, description, command lines).
  const freeText = [alert.title, alert.description ?? '', ...commandLines.values].join('\n');
  for (const m of freeText.match(URL_RE) ?? []) addUrl(trimEndChars(m, '),.;'));
  for (const m of freeText.match(IPV4) ?? []) ips.add(m);
  for (const m of freeText.match(HASH_RE) ?? []) hashes.add(m);
  for (const m of findEmails(freeText)) emails.add(m);

  return set();
}

/** Values for the `Observables` KeywordList search attribute: what an operator searches by. */
export function searchableObservables(set: ObservableSet, limit = 64): string[] {
  return [...set.hosts, ...set.users, ...set.hashes, ...set.domains, ...set.ips, ...set.emails]
    .filter((v) => v.length <= 255)
    .slice(0, limit);
}

export const KINDS = ['hosts', 'users', 'hashes', 'domains', 'ips', 'urls', 'emails', 'commandLines'] as const;

/**
 * Adds other alerts' observables to a set. `fresh` holds only the values that were new,
 * or is undefined when nothing was: the signal to re-investigate.
 */
export function mergeObservables(
  base: ObservableSet,
  others: ObservableSet[],
  limitPerKind = Infinity,
): { merged: ObservableSet; fresh?: ObservableSet } {
  const merged = Object.fromEntries(KINDS.map((k) => [k, [...base[k]]])) as unknown as ObservableSet;
  const fresh = Object.fromEntries(KINDS.map((k) => [k, [] as string[]])) as unknown as ObservableSet;
  let anyFresh = false;
  for (const k of KINDS) {
    const known = new Set(base[k]);
    for (const o of others) {
      for (const v of o[k]) {
        if (merged[k].length >= limitPerKind) break;
        if (known.has(v)) continue;
        known.add(v);
        merged[k].push(v);
        fresh[k].push(v);
        anyFresh = true;
      }
    }
  }
  return anyFresh ? { merged, fresh } : { merged };
}
