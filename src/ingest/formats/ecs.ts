// Elastic Common Schema alerts: Elastic Security detection alerts (`kibana.alert.*`, as
// stored in .alerts-security.alerts-*, flattened, nested or mixed) and ECS documents with
// `event.kind: "alert"` that integrations ship (Defender, CrowdStrike … via Elastic Agent).
// Accepts the bare document, a search hit ({_id, _index, _source}) and the es_archiver
// wrapper ({type: "doc", value: {id, index, source}}).
//
// source: "elastic" for Kibana detection alerts (Kibana raised them; the uuid is Kibana's).
// For integration alerts the alert was raised by the upstream tool and `event.id` is its id,
// so source names the integration: event.module, else the first segment of event.dataset
// ("microsoft_defender_endpoint.log" → "microsoft_defender_endpoint"), else observer vendor
// and product, else "elastic". Ids of two integrations therefore never collide.
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
  unwrapHit,
  type Observables,
} from './fields';
import { confidenceOf, findingTypeOf, outcomeOf, semantics } from './semantics';
import { keepOriginal, NormalizeError, sourceSlug, type MapContext, type Normalized } from './types';

/** The alert document inside whatever envelope it came in, with the envelope's id. */
function unwrap(doc: unknown): { src: unknown; id?: string } {
  if (isObject(doc) && doc.type === 'doc' && isObject(doc.value) && isObject(doc.value.source)) {
    return { src: doc.value.source, id: str(doc.value, 'id') };
  }
  const hit = unwrapHit(doc);
  return { src: hit.source, id: hit.id };
}

const isKibanaAlert = (src: unknown) =>
  ['kibana.alert.uuid', 'kibana.alert.rule.name', 'kibana.alert.rule.uuid'].some((p) => first(src, p) !== undefined);

/** Any ECS document; mapEcs then refuses those that are not alerts, saying why. */
export function detectEcs(doc: unknown): boolean {
  const { src } = unwrap(doc);
  if (!isObject(src) || src.class_uid !== undefined) return false;
  return isKibanaAlert(src) || str(src, 'event.kind') === 'alert' || typeof first(src, 'ecs.version') === 'string';
}

const KIBANA_SEVERITIES = new Set<string>(['low', 'medium', 'high', 'critical']);

/**
 * `event.severity` is source-specific; Elastic's own convention (Endpoint, the prebuilt
 * rules' severity_mapping) writes 21 low, 47 medium, 73 high, 99 critical, so the bands
 * are: below 47 low, 47-72 medium, 73-98 high, 99 and above critical.
 */
export function ecsSeverity(src: unknown): Severity {
  const named = str(src, 'kibana.alert.severity', 'kibana.alert.rule.severity')?.toLowerCase();
  if (named && KIBANA_SEVERITIES.has(named)) return named as Severity;
  const n = num(src, 'event.severity');
  if (n === undefined) return 'informational';
  return n >= 99 ? 'critical' : n >= 73 ? 'high' : n >= 47 ? 'medium' : 'low';
}

function integrationSource(src: unknown): string {
  const module = str(src, 'event.module') ?? str(src, 'event.dataset', 'data_stream.dataset')?.split('.')[0];
  if (module) return sourceSlug(module);
  const vendor = str(src, 'observer.vendor'),
    product = str(src, 'observer.product');
  return vendor || product ? sourceSlug(vendor, product) : 'elastic';
}

function observerProduct(src: unknown): AlertInput['product'] {
  const name = clip(str(src, 'observer.product'), 256);
  return name ? { name, vendor: clip(str(src, 'observer.vendor'), 256) } : undefined;
}

const DIRECTIONS = new Map<string, 'inbound' | 'outbound' | 'lateral' | 'unknown'>([
  ['inbound', 'inbound'],
  ['ingress', 'inbound'],
  ['outbound', 'outbound'],
  ['egress', 'outbound'],
  ['internal', 'lateral'],
  ['unknown', 'unknown'],
]);

/** Ancestors kept per process (the Alert model's limit). */
const MAX_ANCESTORS = 32;

function processAt(src: unknown, p: string) {
  const path = str(src, `${p}.executable`);
  return compact({
    pid: int(num(src, `${p}.pid`)),
    name: str(src, `${p}.name`) ?? basename(path),
    path,
    commandLine: clip(str(src, `${p}.command_line`), 32_768),
    hashes: hashes(str(src, `${p}.hash.md5`), str(src, `${p}.hash.sha1`), str(src, `${p}.hash.sha256`)),
    signer: str(src, `${p}.code_signature.subject_name`),
    user: str(src, `${p}.user.name`),
  });
}

function observables(src: unknown): Observables {
  const o = emptyObservables();
  const host = compact({
    hostname: str(src, 'host.hostname', 'host.name'),
    ip: str(src, 'host.ip'),
    os: str(src, 'host.os.full', 'host.os.name'),
  });
  if (host) o.hosts.push(host);
  for (const h of strs(src, 'related.hosts')) if (!o.hosts.some((x) => x.hostname === h)) o.hosts.push({ hostname: h });

  const user = str(src, 'user.name');
  if (user) o.users.push({ name: user, domain: str(src, 'user.domain') });
  for (const u of strs(src, 'related.user')) if (!o.users.some((x) => x.name === u)) o.users.push({ name: u });

  // Ancestry nests as process.parent.parent…: the grandparent is often the agent that ran a script.
  const proc = processAt(src, 'process');
  const parents = [];
  for (let at = 'process.parent'; parents.length < MAX_ANCESTORS; at += '.parent') {
    const parent = processAt(src, at);
    if (!parent) break;
    parents.push(parent);
  }
  if (proc || parents.length) o.processes.push({ ...proc, parents });

  const filePath = str(src, 'file.path');
  const file = compact({
    path: filePath,
    name: str(src, 'file.name') ?? basename(filePath),
    hashes: hashes(str(src, 'file.hash.md5'), str(src, 'file.hash.sha1'), str(src, 'file.hash.sha256')),
    size: int(num(src, 'file.size')),
  });
  if (file) o.files.push(file);
  for (const h of strs(src, 'related.hash')) {
    const hs = hashes(h);
    if (hs) o.files.push({ hashes: hs });
  }

  const srcIp = str(src, 'source.ip'),
    dstIp = str(src, 'destination.ip');
  if (srcIp || dstIp) {
    o.network.push({
      srcIp,
      srcPort: port(num(src, 'source.port')),
      dstIp,
      dstPort: port(num(src, 'destination.port')),
      protocol: str(src, 'network.transport', 'network.protocol'),
      direction: DIRECTIONS.get(str(src, 'network.direction')?.toLowerCase() ?? ''),
      srcCountry: countryCode(str(src, 'source.geo.country_iso_code', 'source.geo.country_name')),
    });
  }
  // A host has one ip in the model; its other addresses are still worth pivoting on.
  o.ips.push(...strs(src, 'host.ip'), ...strs(src, 'related.ip'));
  o.domains.push(...strs(src, 'dns.question.name', 'url.domain', 'destination.domain'));
  o.urls.push(...strs(src, 'url.full', 'url.original'));

  const from = str(src, 'email.from.address');
  const to = strs(src, 'email.to.address');
  const subject = str(src, 'email.subject');
  if (from || to.length || subject) o.emails.push({ from, to, subject, messageId: str(src, 'email.message_id') });
  return finishObservables(o);
}

export function mapEcs(doc: unknown, ctx: MapContext): Normalized {
  const { src, id } = unwrap(doc);
  const kibana = isKibanaAlert(src);
  if (!kibana && str(src, 'event.kind') !== 'alert') {
    const kind = str(src, 'event.kind');
    throw new NormalizeError(
      'ecs',
      `event.kind is ${kind ? `"${kind}"` : 'missing'}: not an alert (need event.kind "alert" or kibana.alert.* fields)`,
    );
  }
  // event.id before the hit's _id: it is the upstream tool's alert id, the same whether the
  // alert arrives bare or as a search hit; _id only names the copy in one index.
  const sourceId = str(src, 'kibana.alert.uuid') ?? str(src, 'event.id') ?? id;
  if (!sourceId) throw new NormalizeError('ecs', 'alert has no id (kibana.alert.uuid, event.id or _id)');
  const title = str(src, 'kibana.alert.rule.name', 'rule.name', 'message');
  if (!title) throw new NormalizeError('ecs', `alert ${sourceId} has no title (kibana.alert.rule.name, rule.name or message)`);

  const description =
    str(src, 'kibana.alert.reason', 'kibana.alert.rule.description', 'rule.description') ??
    (str(src, 'message') !== title ? str(src, 'message') : undefined);
  const { raw, evidence } = keepOriginal(doc);
  const alert: AlertInput = {
    source: kibana ? 'elastic' : integrationSource(src),
    sourceId: clip(sourceId, 256)!,
    // @timestamp is when the alert was written; original_time (the source event's) is the fallback.
    time:
      isoTime(first(src, '@timestamp')) ??
      isoTime(first(src, 'kibana.alert.original_time')) ??
      isoTime(first(src, 'event.created')) ??
      ctx.receivedAt,
    title: clip(title, 512)!,
    description: clip(description, 16_384),
    severity: ecsSeverity(src),
    product: kibana ? { name: 'Elastic Security', vendor: 'Elastic' } : observerProduct(src),
    rule: compact({
      id: clip(str(src, 'kibana.alert.rule.rule_id', 'kibana.alert.rule.uuid', 'rule.id', 'rule.uuid'), 256),
      name: clip(str(src, 'kibana.alert.rule.name', 'rule.name'), 512),
    }),
    attackTechniques: attackIds(
      strs(
        src,
        'kibana.alert.rule.threat.technique.id',
        'kibana.alert.rule.threat.technique.subtechnique.id',
        'threat.technique.id',
        'threat.technique.subtechnique.id',
      ),
    ),
    observables: observables(src),
    // Endpoint writes event.action "prevented"/"detected"-style words and event.type "denied";
    // kibana.alert.risk_score is the rule's 0-100 risk.
    semantics: semantics({
      outcome: outcomeOf(
        str(src, 'kibana.alert.original_event.action'),
        ...strs(src, 'event.type').filter((t) => t === 'denied'),
        str(src, 'event.action'),
      ),
      sourceConfidence: confidenceOf(num(src, 'kibana.alert.risk_score') ?? num(src, 'event.risk_score')),
      findingType: findingTypeOf({
        threatNames: [
          str(src, 'file.Ext.malware_signature.primary.signature.name'),
          str(src, 'threat.software.name'),
          str(src, 'rule.name'),
        ],
        categories: strs(src, 'event.category', 'kibana.alert.original_event.category'),
      }),
    }),
    raw,
  };
  return { alert, evidence };
}
