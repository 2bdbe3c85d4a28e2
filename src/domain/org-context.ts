// The organisation's context, matched against an alert's structured fields only (host, user,
// source IP, process path/signer/ancestry, time): never against free text an attacker writes.
// Each match is a benign explanation with a stated weight and a reason.
import { Organisation, type TimeWindow, type TriagePolicy } from './policy';
import { globMatch as caseGlob } from './text-scan';
import type { TriageContext } from './triage-context';

export { LATEST_MODEL, triageContext, type ContextModel, type TriageContext } from './triage-context';

export interface ContextMatch {
  kind: string;
  weight: number;
  reason: string;
}

export const CONTEXT_WEIGHTS = {
  managementAgent: 35,
  sanctionedTool: 25,
  scannerInWindow: 40,
  scannerOutOfWindow: 10,
  egress: 25,
  engagement: 45,
  travel: 30,
  serviceAccount: 30,
  maintenanceWindow: 10,
  // Model v3: when the alert is exactly what the fact explains, the fact explains it in full.
  scannerActivity: 55,
  egressLocation: 45,
  exposedServiceRecon: 35,
} as const;

// ATT&CK techniques of what a credentialed vulnerability scan does: active scanning, service
// discovery, logon attempts (credential checks) and exploit probes of public-facing services.
const SCAN_TECHNIQUE = /^T(?:1595|1046|1110|1190)(?:\.\d{3})?$/;
// Reconnaissance only: scanning and service discovery, nothing that tries to get in.
const RECON_TECHNIQUE = /^T(?:1595|1046)(?:\.\d{3})?$/;
/** The source maps the alert to ATT&CK, and every technique is of the given class. */
const onlyTechniques = (ctx: TriageContext, re: RegExp) => ctx.attackTechniques.length > 0 && ctx.attackTechniques.every((t) => re.test(t));

/** Case-insensitive whole-value glob (`*` only), linear in practice: see text-scan's globMatch. */
export const globMatch = (pattern: string, value: string | undefined) => !!value && caseGlob(pattern.toLowerCase(), value.toLowerCase());

function ipv4ToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip.trim());
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

export function inCidr(ip: string, cidr: string): boolean {
  const [net, bitsText] = cidr.split('/');
  const a = ipv4ToInt(ip),
    b = ipv4ToInt(net);
  if (a === undefined || b === undefined) return false;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (bits === 0) return true;
  const mask = (~0 << (32 - bits)) >>> 0;
  return (a & mask) >>> 0 === (b & mask) >>> 0;
}

/** RFC 1918, loopback, link-local and CGNAT addresses: not the internet. */
export const isPrivate = (ip: string) =>
  ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '169.254.0.0/16', '100.64.0.0/10'].some((r) => inCidr(ip, r));

const DAY = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function inWindow(time: string, w: TimeWindow): boolean {
  const t = new Date(time);
  if (Number.isNaN(t.getTime())) return false;
  const day = DAY[t.getUTCDay()],
    prev = DAY[(t.getUTCDay() + 6) % 7];
  const now = t.getUTCHours() * 60 + t.getUTCMinutes();
  const from = minutes(w.from),
    to = minutes(w.to);
  const days = w.days as string[];
  if (from <= to) return days.includes(day) && now >= from && now < to;
  return (days.includes(day) && now >= from) || (days.includes(prev) && now < to);
}

const dateIn = (time: string, start: string, end: string) => {
  const d = time.slice(0, 10);
  return d >= start && d <= end;
};

/** Source addresses: flow sources when the alert has flows, else its listed IPs. */
function sourceIps(ctx: TriageContext): string[] {
  const flows = ctx.observables.network.map((n) => n.srcIp).filter((v): v is string => !!v);
  return flows.length ? flows : ctx.observables.ips;
}

const userNames = (ctx: TriageContext) =>
  [
    ...ctx.observables.users.map((u) => u.name),
    ...ctx.observables.processes.flatMap((p) => [p.user, ...p.parents.map((q) => q.user)]).filter((u): u is string => !!u),
  ].map((u) => u.toLowerCase().split('\\').pop()!.split('@')[0]);

const hostNames = (ctx: TriageContext) => ctx.observables.hosts.map((h) => h.hostname).filter((h): h is string => !!h);

/** Roles of the alert's hosts under the policy. */
export function hostRoles(ctx: TriageContext, org: Organisation | undefined): Set<string> {
  const out = new Set<string>();
  for (const r of org?.assetRoles ?? []) if (hostNames(ctx).some((h) => globMatch(r.host, h))) out.add(r.role);
  return out;
}

/** Every fact of the organisation that explains this alert, with its weight. */
export function matchContext(ctx: TriageContext, policy: TriagePolicy): ContextMatch[] {
  // Policies carried by runs started before these fields existed lack their defaults.
  const org = policy.organisation ? Organisation.parse(policy.organisation) : undefined;
  if (!org) return [];
  const out: ContextMatch[] = [];
  const w = CONTEXT_WEIGHTS;
  const v3 = ctx.model === 'v3';
  const procs = ctx.observables.processes;
  const chain = procs.flatMap((p) => [p, ...p.parents]);

  for (const agent of org.managementAgents) {
    const hit = chain.find(
      (p) =>
        !!p.path &&
        agent.paths.some((path) => p.path!.toLowerCase().startsWith(path.toLowerCase())) &&
        (agent.signers.length === 0 || agent.signers.some((s) => s.toLowerCase() === p.signer?.toLowerCase())) &&
        (agent.users.length === 0 || agent.users.some((u) => globMatch(u, p.user))),
    );
    if (hit)
      out.push({
        kind: 'management-agent',
        weight: w.managementAgent,
        reason: `launched by the management agent ${agent.name} (${hit.path})`,
      });
  }
  const tool = org.sanctionedTools.find((t) =>
    chain.some((p) => (p.path ?? '').toLowerCase().includes(t.toLowerCase()) || (p.name ?? '').toLowerCase() === t.toLowerCase()),
  );
  if (tool && !out.some((m) => m.kind === 'management-agent'))
    out.push({ kind: 'sanctioned-tool', weight: w.sanctionedTool, reason: `the process image ${tool} is a sanctioned tool` });

  const srcs = sourceIps(ctx);
  const legacyScanner = srcs.find((ip) => org.scannerIps.includes(ip));
  for (const s of [...org.scanners, ...(legacyScanner ? [{ name: 'scanner', ranges: [legacyScanner], windows: [] }] : [])]) {
    const ip = srcs.find((a) => s.ranges.some((r) => inCidr(a, r)));
    if (!ip) continue;
    const inside = s.windows.length === 0 || s.windows.some((win) => inWindow(ctx.time, win));
    const what = `${ip} is the scanner ${s.name}${s.windows.length ? ', inside its scan window' : ''}`;
    // v3: the source's ATT&CK mapping says whether this is what a scan does; when it names
    // anything else (remote execution from the scanner's address), the scanner explains little.
    const scanClass = v3 && ctx.attackTechniques.length > 0 ? onlyTechniques(ctx, SCAN_TECHNIQUE) : undefined;
    const techniques = ctx.attackTechniques.slice(0, 3).join(', ');
    out.push(
      !inside
        ? {
            kind: 'scanner-out-of-window',
            weight: w.scannerOutOfWindow,
            reason: `${ip} is the scanner ${s.name}, but outside its scan window`,
          }
        : scanClass === true
          ? { kind: 'scanner', weight: w.scannerActivity, reason: `${what}, and the alert is what a scan does (ATT&CK ${techniques})` }
          : scanClass === false
            ? {
                kind: 'scanner-other-activity',
                weight: w.scannerOutOfWindow,
                reason: `${what}, but ATT&CK ${techniques} is not what a scan does`,
              }
            : { kind: 'scanner', weight: w.scannerInWindow, reason: what },
    );
    break;
  }
  const isEgress = (ip: string) => org.egressIps.includes(ip) || org.egressRanges.some((e) => e.ranges.some((r) => inCidr(ip, r)));
  const egress = srcs.find(isEgress);
  // A location alert (the source geolocates the sign-in; no process involved) from our own
  // egress node: the "unusual place" is the organisation's VPN/ZTNA, wherever that node stands.
  const located = ctx.observables.network.find((n) => !!n.srcIp && !!n.srcCountry && isEgress(n.srcIp));
  if (v3 && located && procs.length === 0) {
    out.push({
      kind: 'egress',
      weight: w.egressLocation,
      reason: `the sign-in's location (${located.srcCountry}) is the organisation's own egress ${located.srcIp} (NAT/VPN/ZTNA)`,
    });
  } else if (egress) {
    out.push({ kind: 'egress', weight: w.egress, reason: `${egress} is the organisation's own egress (NAT/VPN/ZTNA)` });
  }
  // Reconnaissance of a port the organisation exposes on purpose, from outside: background noise.
  if (v3 && onlyTechniques(ctx, RECON_TECHNIQUE)) {
    const flows = ctx.observables.network.filter((n) => n.dstPort !== undefined);
    const hosts = hostNames(ctx);
    const service = org.exposedServices.find(
      (e) =>
        hosts.some((h) => e.hosts.some((g) => globMatch(g, h))) &&
        flows.length > 0 &&
        flows.every((n) => e.ports.includes(n.dstPort!) && !!n.srcIp && !isEgress(n.srcIp) && !isPrivate(n.srcIp)),
    );
    if (service)
      out.push({
        kind: 'exposed-service',
        weight: w.exposedServiceRecon,
        reason: `reconnaissance of ${service.name} (port ${[...new Set(flows.map((n) => n.dstPort))].join(', ')}), which is exposed to the internet on purpose`,
      });
  }

  const users = userNames(ctx);
  for (const e of org.engagements) {
    if (!dateIn(ctx.time, e.start, e.end)) continue;
    const ipOk = e.sourceRanges.length === 0 || srcs.some((ip) => e.sourceRanges.some((r) => inCidr(ip, r)));
    // v3: an alert that names no account (a WAF or IDS alert from the tester's range) is the
    // engagement's by its source range alone; one that names accounts must name the tester's.
    const userOk =
      e.users.length === 0 ||
      users.some((u) => e.users.some((x) => globMatch(x, u))) ||
      (v3 && users.length === 0 && e.sourceRanges.length > 0);
    if (ipOk && userOk && (e.sourceRanges.length || e.users.length))
      out.push({ kind: 'engagement', weight: w.engagement, reason: `authorised engagement ${e.name} (${e.start}..${e.end})` });
  }
  // Where the alert's source geolocates (structured field only): a trip to NL does not explain a sign-in from NG.
  const countries = [...new Set(ctx.observables.network.map((n) => n.srcCountry).filter((c): c is string => !!c))];
  for (const t of org.travel) {
    const elsewhere = t.countries.length > 0 ? countries.filter((c) => !t.countries.includes(c)) : [];
    if (elsewhere.length) continue;
    if (dateIn(ctx.time, t.start, t.end) && users.some((u) => globMatch(t.user, u))) {
      out.push({
        kind: 'travel',
        weight: w.travel,
        reason: `${t.user} has approved travel ${t.start}..${t.end}${t.countries.length ? ` (${t.countries.join(', ')})` : ''}`,
      });
    }
  }
  const hosts = hostNames(ctx);
  for (const sa of org.serviceAccounts) {
    if (users.some((u) => globMatch(sa.user, u)) && hosts.some((h) => sa.hosts.some((g) => globMatch(g, h)))) {
      out.push({
        kind: 'service-account',
        weight: w.serviceAccount,
        reason: `${sa.user} is a service account on its own host${sa.jobs.length ? ` (${sa.jobs.join(', ')})` : ''}`,
      });
    }
  }
  // A maintenance window never explains an alert alone (attackers work at night too): it only
  // strengthens an agent or service-account explanation.
  const agentWork = out.some((m) => ['management-agent', 'sanctioned-tool', 'service-account'].includes(m.kind));
  for (const m of org.maintenanceWindows) {
    if (agentWork && hosts.some((h) => m.hosts.some((g) => globMatch(g, h))) && m.windows.some((win) => inWindow(ctx.time, win))) {
      out.push({ kind: 'maintenance-window', weight: w.maintenanceWindow, reason: `inside the maintenance window ${m.name}` });
    }
  }
  return out;
}
