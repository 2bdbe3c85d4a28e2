// A confirmed incident as a MISP event (MISP core format, https://www.misp-project.org/datamodels/):
// shareable indicators as attributes with MISP types and categories, to_ids on what an IDS may
// match (not bare file names), ATT&CK galaxy tags and the TLP tag. Ids are stable per incident,
// so a re-push updates the event rather than duplicating it.
import { ATTACK_TECHNIQUE_NAMES } from './data/attack-techniques';
import { stableUuid } from './ids';
import { assertConfirmed, techniquesOf, type ConfirmedIncident } from './incident';
import { redactPrivateNames, shareableIndicators, tlpFor, type SharingPolicy, type Tlp } from './sharing';

export interface MispAttribute {
  uuid: string;
  type: string;
  category: string;
  value: string;
  to_ids: boolean;
  comment?: string;
  distribution: string;
}
export interface MispEvent {
  Event: {
    uuid: string;
    info: string;
    date: string;
    threat_level_id: string;
    analysis: string;
    distribution: string;
    published: boolean;
    Attribute: MispAttribute[];
    Tag: { name: string }[];
  };
}

// MISP distribution: 0 your organisation only, 1 this community, 3 all communities.
const DISTRIBUTION: Record<Tlp, string> = { clear: '3', green: '1', amber: '0', 'amber+strict': '0', red: '0' };

/** The galaxy cluster value MISP's mitre-attack-pattern galaxy uses: "<name> - <id>" (a sub-technique by its own name). */
export function attackGalaxyTag(technique: string): string {
  const name = ATTACK_TECHNIQUE_NAMES[technique];
  const own = name?.includes(': ') ? name.split(': ').slice(1).join(': ') : name;
  return `misp-galaxy:mitre-attack-pattern="${own ? `${own} - ` : ''}${technique}"`;
}

export function incidentToMispEvent(incident: ConfirmedIncident, opts: { sharing: SharingPolicy }): MispEvent {
  assertConfirmed(incident);
  const tlp = tlpFor(
    opts.sharing,
    incident.alerts.map((a) => a.source),
    incident.tlp,
  );
  const iocs = shareableIndicators(incident.alerts, opts.sharing);
  const distribution = '5'; // attributes inherit the event's distribution
  const attribute = (type: string, category: string, value: string, toIds: boolean): MispAttribute => ({
    uuid: stableUuid(incident.id, 'misp', type, value),
    type,
    category,
    value,
    to_ids: toIds,
    distribution,
    comment: `autosoc incident ${incident.id}`,
  });
  const attributes: MispAttribute[] = [
    ...iocs.domains.map((d) => attribute('domain', 'Network activity', d, true)),
    ...iocs.ips.map((ip) => attribute('ip-dst', 'Network activity', ip, true)),
    ...iocs.urls.map((u) => attribute('url', 'Network activity', u, true)),
    ...iocs.hashes.flatMap((h) => [
      ...(['md5', 'sha1', 'sha256'] as const)
        .filter((k) => h[k])
        .map((k) =>
          h.name
            ? attribute(`filename|${k}`, 'Payload delivery', `${h.name}|${h[k]}`, true)
            : attribute(k, 'Payload delivery', h[k]!, true),
        ),
    ]),
  ];
  const first = incident.alerts.map((a) => a.time).sort()[0];
  return {
    Event: {
      uuid: stableUuid(incident.id, 'misp-event'),
      info: `autosoc incident ${incident.id}: ${redactPrivateNames(incident.alerts[0].title, iocs.privateNames)}`.slice(0, 1024),
      date: first.slice(0, 10),
      threat_level_id: incident.verdict === 'malicious' ? '1' : '2',
      analysis: '2', // completed: an analyst approved it or triage judged it malicious
      distribution: DISTRIBUTION[tlp],
      published: false,
      Attribute: attributes,
      Tag: [{ name: `tlp:${tlp}` }, ...techniquesOf(incident).map((t) => ({ name: attackGalaxyTag(t) }))],
    },
  };
}
