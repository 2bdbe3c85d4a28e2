// OCSF findings (category 2: Security Finding 2001, Vulnerability 2002, Compliance 2003,
// Detection Finding 2004, and later finding classes). The Alert model borrows OCSF's names,
// so most fields map one to one. Other OCSF events (authentication, network, process …) are
// telemetry, not alerts, and are refused with the class they belong to.
// Pre-1.0 producers (Security Hub rc.2, Falco, QRadar, SecurityScorecard samples) wrote the
// finding as `finding` instead of `finding_info`; both are read.
import type { AlertInput, Severity } from '../../domain/alert';
import {
  attackIds,
  basename,
  clip,
  countryCode,
  compact,
  emptyObservables,
  finishObservables,
  first,
  hashes,
  int,
  isObject,
  isoTime,
  num,
  port,
  str,
  strs,
  values,
  type Observables,
} from './fields';
import { confidenceOf, findingTypeOf, outcomeOf, semantics } from './semantics';
import { keepOriginal, NormalizeError, sourceSlug, type MapContext, type Normalized } from './types';

// OCSF disposition_id enum (1.3.0): 1 Allowed, 2 Blocked, 3 Quarantined, 4 Isolated, 5 Deleted,
// 6 Dropped, 15 Detected, 17 Logged, 19 Alert.
const OCSF_DISPOSITIONS: Record<number, string> = {
  1: 'allowed',
  2: 'blocked',
  3: 'quarantined',
  4: 'isolated',
  5: 'deleted',
  6: 'dropped',
  15: 'detected',
  17: 'logged',
  19: 'alert',
};

/** Every OCSF event has an integer class_uid and a metadata object. */
export function detectOcsf(doc: unknown): boolean {
  return isObject(doc) && Number.isInteger(doc.class_uid) && isObject(doc.metadata);
}

// 0 Unknown and 99 Other say nothing about urgency: informational. 6 Fatal is beyond critical.
const SEVERITY_BY_ID: Severity[] = ['informational', 'informational', 'low', 'medium', 'high', 'critical', 'critical'];
export const ocsfSeverity = (id: number | undefined): Severity => (id !== undefined && SEVERITY_BY_ID[id]) || 'informational';

const CATEGORIES: Record<number, string> = {
  1: 'System Activity',
  2: 'Findings',
  3: 'Identity & Access Management',
  4: 'Network Activity',
  5: 'Discovery',
  6: 'Application Activity',
  7: 'Remediation',
  8: 'Unmanned Systems',
};

function className(doc: unknown, classUid: number): string {
  const cat = num(doc, 'category_uid') ?? Math.floor(classUid / 1000);
  return str(doc, 'class_name') ?? str(doc, 'type_name')?.split(':')[0].trim() ?? `${CATEGORIES[cat] ?? 'unknown'} category`;
}

/** An OCSF process object with its parent_process chain, nearest parent first. */
function processOf(p: unknown) {
  const one = (q: unknown) => {
    const path = str(q, 'file.path');
    return compact({
      pid: int(num(q, 'pid')),
      name: str(q, 'name') ?? basename(path),
      path,
      commandLine: clip(str(q, 'cmd_line'), 32_768),
      hashes: hashes(...strs(q, 'file.hashes.value')),
      signer: str(q, 'file.signature.certificate.subject'),
      user: str(q, 'user.name'),
    });
  };
  const self = one(p);
  const parents = [];
  for (let q = first(p, 'parent_process'); q !== undefined && parents.length < 32; q = first(q, 'parent_process')) {
    const parent = one(q);
    if (parent) parents.push(parent);
  }
  return self || parents.length ? { ...self, parents } : undefined;
}

function file(f: unknown) {
  const path = str(f, 'path');
  return compact({ path, name: str(f, 'name') ?? basename(path), hashes: hashes(...strs(f, 'hashes.value')), size: int(num(f, 'size')) });
}

const user = (u: unknown) => {
  const name = str(u, 'name');
  return name ? { name, domain: str(u, 'domain') } : undefined;
};

const host = (d: unknown) => compact({ hostname: str(d, 'hostname', 'name'), ip: str(d, 'ip'), os: str(d, 'os.name') });

const DIRECTION_BY_ID = [undefined, 'inbound', 'outbound', 'lateral'] as const;

/** What evidences[] (and the finding itself) carry: actor, device, process, file, endpoints, url, email. */
function addEntities(o: Observables, e: unknown): void {
  const push = <T>(list: T[], v: T | undefined) => v !== undefined && list.push(v);
  push(o.hosts, host(first(e, 'device')));
  push(o.users, user(first(e, 'actor.user')));
  push(o.users, user(first(e, 'user')));
  push(o.processes, processOf(first(e, 'actor.process')));
  push(o.processes, processOf(first(e, 'process')));
  push(o.files, file(first(e, 'file')));
  const srcIp = str(e, 'src_endpoint.ip'),
    dstIp = str(e, 'dst_endpoint.ip');
  if (srcIp || dstIp) {
    o.network.push({
      srcIp,
      srcPort: port(num(e, 'src_endpoint.port')),
      dstIp,
      dstPort: port(num(e, 'dst_endpoint.port')),
      protocol: str(e, 'connection_info.protocol_name'),
      direction: DIRECTION_BY_ID[num(e, 'connection_info.direction_id') ?? 0],
      srcCountry: countryCode(str(e, 'src_endpoint.location.country')),
    });
  }
  o.domains.push(...strs(e, 'query.hostname', 'src_endpoint.domain', 'dst_endpoint.domain'));
  o.urls.push(...strs(e, 'url.url_string'));
  const from = str(e, 'email.from'),
    to = strs(e, 'email.to'),
    subject = str(e, 'email.subject');
  if (from || to.length || subject) o.emails.push({ from, to, subject, messageId: str(e, 'email.message_uid') });
}

/**
 * observables[] by type_id: 1 hostname, 2 IP, 4 user name, 6 URL, 7 file name, 8 hash,
 * 9 process name, 13 command line. Hostname observables are indicators (SecurityScorecard
 * puts the C2 domain there), so they go to domains; the affected host comes from `device`.
 */
function addObservables(o: Observables, list: unknown[]): void {
  for (const ob of list) {
    const value = str(ob, 'value');
    if (!value) continue;
    switch (num(ob, 'type_id')) {
      case 1:
        o.domains.push(value);
        break;
      case 2:
        o.ips.push(value);
        break;
      case 4:
        o.users.push({ name: value });
        break;
      case 6:
        o.urls.push(value);
        break;
      case 7:
        o.files.push({ name: value });
        break;
      case 8: {
        const h = hashes(value);
        if (h) o.files.push({ hashes: h });
        break;
      }
      case 9:
        o.processes.push({ name: value, parents: [] });
        break;
      case 13:
        o.processes.push({ commandLine: clip(value, 32_768), parents: [] });
        break;
    }
  }
}

function observables(doc: unknown): Observables {
  const o = emptyObservables();
  addEntities(o, doc);
  for (const e of values(doc, 'evidences')) addEntities(o, e);
  for (const r of values(doc, 'resources')) {
    const h = compact({ hostname: str(r, 'hostname'), ip: str(r, 'ip') });
    if (h) o.hosts.push(h);
  }
  for (const path of strs(doc, 'malware.path')) o.files.push({ path, name: basename(path) });
  addObservables(o, values(doc, 'observables'));
  return finishObservables(o);
}

export function mapOcsf(doc: unknown, ctx: MapContext): Normalized {
  if (!detectOcsf(doc)) throw new NormalizeError('ocsf', 'not an OCSF event (needs an integer class_uid and metadata)');
  const classUid = num(doc, 'class_uid')!;
  if (num(doc, 'category_uid') !== 2 && Math.floor(classUid / 1000) !== 2) {
    throw new NormalizeError('ocsf', `class_uid ${classUid} (${className(doc, classUid)}) is not a finding`);
  }
  const info = first(doc, 'finding_info') ?? first(doc, 'finding');
  const sourceId = str(info, 'uid') ?? str(doc, 'metadata.uid');
  if (!sourceId) throw new NormalizeError('ocsf', `class_uid ${classUid} finding has no finding_info.uid or metadata.uid`);
  const title = str(info, 'title') ?? str(doc, 'message');
  if (!title) throw new NormalizeError('ocsf', `finding ${sourceId} has no finding_info.title or message`);

  const vendor = clip(str(doc, 'metadata.product.vendor_name'), 256),
    productName = clip(str(doc, 'metadata.product.name'), 256);
  const description = str(info, 'desc') ?? (str(doc, 'message') !== title ? str(doc, 'message') : undefined);
  const { raw, evidence } = keepOriginal(doc);
  const alert: AlertInput = {
    source: sourceSlug(vendor, productName),
    sourceId: clip(sourceId, 256)!,
    time:
      isoTime(first(doc, 'time')) ??
      isoTime(first(doc, 'time_dt')) ??
      isoTime(first(info, 'created_time')) ??
      isoTime(first(info, 'created_time_dt')) ??
      ctx.receivedAt,
    title: clip(title, 512)!,
    description: clip(description, 16_384),
    severity: ocsfSeverity(num(doc, 'severity_id')),
    product: productName ? { name: productName, vendor } : undefined,
    rule: compact({
      id: clip(str(info, 'analytic.uid') ?? str(doc, 'analytic.uid', 'metadata.event_code'), 256),
      name: clip(str(info, 'analytic.name') ?? str(doc, 'analytic.name'), 512),
    }),
    attackTechniques: attackIds(
      strs(
        doc,
        'attacks.technique.uid',
        'attacks.sub_technique.uid',
        'finding_info.attacks.technique.uid',
        'finding_info.attacks.sub_technique.uid',
        // Prowler lists ATT&CK ids among its compliance frameworks.
        'unmapped.compliance.MITRE-ATTACK',
      ),
    ),
    observables: observables(doc),
    // OCSF: disposition (Blocked, Quarantined, Deleted, Allowed, Detected …), confidence_score
    // 0-100, and the class itself (2002 Vulnerability, 2003 Compliance).
    semantics: semantics({
      outcome: outcomeOf(str(doc, 'disposition'), str(doc, 'action'), OCSF_DISPOSITIONS[num(doc, 'disposition_id') ?? -1]),
      sourceConfidence: confidenceOf(num(doc, 'confidence_score') ?? num(info, 'confidence_score')),
      findingType: findingTypeOf({
        classType: classUid === 2002 ? 'vulnerability' : classUid === 2003 ? 'policy' : undefined,
        threatNames: [str(info, 'analytic.name'), ...strs(doc, 'malware.name')],
        categories: strs(info, 'types'),
      }),
    }),
    raw,
  };
  return { alert, evidence };
}
