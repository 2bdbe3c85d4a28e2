// A confirmed incident as a STIX 2.1 bundle (OASIS STIX 2.1, https://docs.oasis-open.org/cti/stix/v2.1/):
// indicators with STIX patterns, the observed data and its cyber observables, malware for
// file samples, attack patterns with ATT&CK external references, the relationships between
// them, a sighting, and the TLP marking on every object. Only shareable indicators go in.
import { ATTACK_TECHNIQUE_NAMES } from './data/attack-techniques';
import { stableUuidV4Layout, uuidV5 } from './ids';
import { assertConfirmed, techniquesOf, type ConfirmedIncident } from './incident';
import { shareableIndicators, tlpFor, type SharingPolicy, type Tlp } from './sharing';

type StixObject = Record<string, unknown> & { type: string; id: string };

// STIX 2.1 section 7.2.1.4: the TLP 1.0 marking definitions every producer shares.
const TLP_MARKINGS: Record<'white' | 'green' | 'amber' | 'red', StixObject> = {
  white: {
    type: 'marking-definition',
    spec_version: '2.1',
    id: 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
    created: '2017-01-20T00:00:00.000Z',
    definition_type: 'tlp',
    name: 'TLP:WHITE',
    definition: { tlp: 'white' },
  },
  green: {
    type: 'marking-definition',
    spec_version: '2.1',
    id: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
    created: '2017-01-20T00:00:00.000Z',
    definition_type: 'tlp',
    name: 'TLP:GREEN',
    definition: { tlp: 'green' },
  },
  amber: {
    type: 'marking-definition',
    spec_version: '2.1',
    id: 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
    created: '2017-01-20T00:00:00.000Z',
    definition_type: 'tlp',
    name: 'TLP:AMBER',
    definition: { tlp: 'amber' },
  },
  red: {
    type: 'marking-definition',
    spec_version: '2.1',
    id: 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed',
    created: '2017-01-20T00:00:00.000Z',
    definition_type: 'tlp',
    name: 'TLP:RED',
    definition: { tlp: 'red' },
  },
};
// STIX 2.1 defines TLP 1.0 only: TLP:CLEAR is WHITE; AMBER+STRICT is AMBER plus a statement.
const STRICT_STATEMENT: StixObject = {
  type: 'marking-definition',
  spec_version: '2.1',
  id: `marking-definition--${stableUuidV4Layout('marking', 'TLP:AMBER+STRICT')}`,
  created: '2022-08-01T00:00:00.000Z',
  definition_type: 'statement',
  name: 'TLP:AMBER+STRICT',
  definition: { statement: 'TLP:AMBER+STRICT: recipients may share this only within their own organisation.' },
};

/** The marking definitions for a TLP level. */
export function stixMarkings(tlp: Tlp): StixObject[] {
  switch (tlp) {
    case 'clear':
      return [TLP_MARKINGS.white];
    case 'amber+strict':
      return [TLP_MARKINGS.amber, STRICT_STATEMENT];
    default:
      return [TLP_MARKINGS[tlp]];
  }
}

// STIX 2.1 section 2.9: SCO ids are UUIDv5 in this namespace over their id-contributing properties (JCS).
const SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';
const canonical = (v: unknown): string =>
  Array.isArray(v)
    ? `[${v.map(canonical).join(',')}]`
    : v && typeof v === 'object'
      ? `{${Object.keys(v)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : JSON.stringify(v);
const scoId = (type: string, contributing: Record<string, unknown>) => `${type}--${uuidV5(SCO_NAMESPACE, canonical(contributing))}`;

const stixTime = (iso: string) => new Date(iso).toISOString();
const quote = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** ATT&CK's own reference form; no URL (the validator asks a URL to carry a hash of its page). */
export const attackExternalReference = (technique: string) => ({ source_name: 'mitre-attack', external_id: technique });

export interface StixExportOptions {
  sharing: SharingPolicy;
  producerName?: string;
}

/** The incident as a STIX 2.1 bundle; the bundle id is stable for the incident. */
export function incidentToStixBundle(
  incident: ConfirmedIncident,
  opts: StixExportOptions,
): { type: 'bundle'; id: string; objects: StixObject[] } {
  assertConfirmed(incident);
  const tlp = tlpFor(
    opts.sharing,
    incident.alerts.map((a) => a.source),
    incident.tlp,
  );
  const markings = stixMarkings(tlp);
  const iocs = shareableIndicators(incident.alerts, opts.sharing);
  const created = stixTime(incident.confirmedAt);
  const sdoId = (type: string, ...key: string[]) => `${type}--${stableUuidV4Layout(incident.id, type, ...key)}`;
  const identity: StixObject = {
    type: 'identity',
    spec_version: '2.1',
    id: `identity--${stableUuidV4Layout('producer', opts.producerName ?? 'autosoc')}`,
    created: '2026-01-01T00:00:00.000Z',
    modified: '2026-01-01T00:00:00.000Z',
    name: opts.producerName ?? 'autosoc',
    identity_class: 'system',
  };
  const common = () => ({
    spec_version: '2.1',
    created,
    modified: created,
    created_by_ref: identity.id,
    object_marking_refs: markings.map((m) => m.id),
  });
  const objects: StixObject[] = [...markings, identity];

  // Cyber observables and one indicator per observable.
  const observables: { sco: StixObject; pattern: string; label: string }[] = [
    ...iocs.domains.map((value) => ({
      sco: { type: 'domain-name', spec_version: '2.1', id: scoId('domain-name', { value }), value },
      pattern: `[domain-name:value = ${quote(value)}]`,
      label: value,
    })),
    ...iocs.ips.map((value) => {
      const type = value.includes(':') ? 'ipv6-addr' : 'ipv4-addr';
      return {
        sco: { type, spec_version: '2.1', id: scoId(type, { value }), value },
        pattern: `[${type}:value = ${quote(value)}]`,
        label: value,
      };
    }),
    ...iocs.urls.map((value) => ({
      sco: { type: 'url', spec_version: '2.1', id: scoId('url', { value }), value },
      pattern: `[url:value = ${quote(value)}]`,
      label: value,
    })),
    ...iocs.hashes.map((h) => {
      const hashes: Record<string, string> = {};
      if (h.md5) hashes.MD5 = h.md5;
      if (h.sha1) hashes['SHA-1'] = h.sha1;
      if (h.sha256) hashes['SHA-256'] = h.sha256;
      const [[alg, value]] = Object.entries(hashes).reverse();
      return {
        sco: { type: 'file', spec_version: '2.1', id: scoId('file', { hashes }), hashes, ...(h.name ? { name: h.name } : {}) },
        pattern: `[file:hashes.${quote(alg)} = ${quote(value)}]`,
        label: h.name ?? value,
      };
    }),
  ];
  const first = incident.alerts.map((a) => a.time).sort()[0];
  const last = incident.alerts
    .map((a) => a.time)
    .sort()
    .at(-1)!;
  const techniques = techniquesOf(incident);
  const indicators = observables.map(
    ({ pattern, label }) =>
      ({
        type: 'indicator',
        id: sdoId('indicator', pattern),
        ...common(),
        name: `${label} (incident ${incident.id})`,
        description: `Seen in the confirmed incident ${incident.id}${techniques.length ? ` (${techniques.join(', ')})` : ''}; exported by autosoc under its sharing policy.`,
        indicator_types: ['malicious-activity'],
        pattern,
        pattern_type: 'stix',
        valid_from: created,
      }) as StixObject,
  );
  const attackPatterns = techniques.map(
    (t) =>
      ({
        type: 'attack-pattern',
        id: sdoId('attack-pattern', t),
        ...common(),
        name: ATTACK_TECHNIQUE_NAMES[t] ?? t,
        external_references: [attackExternalReference(t)],
      }) as StixObject,
  );
  const files = observables.filter((o) => o.sco.type === 'file');
  const malware: StixObject | undefined = files.length
    ? {
        type: 'malware',
        id: sdoId('malware', 'samples'),
        ...common(),
        name: `Samples of incident ${incident.id}`,
        is_family: false,
        malware_types: ['unknown'],
        sample_refs: files.map((f) => f.sco.id),
      }
    : undefined;
  const observed: StixObject | undefined = observables.length
    ? {
        type: 'observed-data',
        id: sdoId('observed-data', 'all'),
        ...common(),
        first_observed: stixTime(first),
        last_observed: stixTime(last),
        number_observed: incident.alerts.length,
        object_refs: observables.map((o) => o.sco.id),
      }
    : undefined;
  const relationship = (source: string, type: string, target: string): StixObject => ({
    type: 'relationship',
    id: sdoId('relationship', source, type, target),
    ...common(),
    relationship_type: type,
    source_ref: source,
    target_ref: target,
  });
  const relationships = [
    ...indicators.flatMap((i) => [
      ...(malware ? [relationship(i.id, 'indicates', malware.id)] : []),
      ...attackPatterns.map((ap) => relationship(i.id, 'indicates', ap.id)),
    ]),
    ...(malware ? attackPatterns.map((ap) => relationship(malware.id, 'uses', ap.id)) : []),
  ];
  const sightings = observed
    ? indicators.map(
        (i) =>
          ({
            type: 'sighting',
            id: sdoId('sighting', i.id),
            ...common(),
            sighting_of_ref: i.id,
            observed_data_refs: [observed.id],
            where_sighted_refs: [identity.id],
            first_seen: stixTime(first),
            last_seen: stixTime(last),
            count: incident.alerts.length,
          }) as StixObject,
      )
    : [];
  objects.push(
    ...observables.map((o) => o.sco),
    ...indicators,
    ...attackPatterns,
    ...(malware ? [malware] : []),
    ...(observed ? [observed] : []),
    ...relationships,
    ...sightings,
  );
  return { type: 'bundle', id: `bundle--${stableUuidV4Layout(incident.id, 'bundle')}`, objects };
}
