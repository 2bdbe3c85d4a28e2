// STIX 2.1 bundles and MISP events from incidents built from public attack command lines:
// valid for OASIS's stix2-validator and for PyMISP, TLP from the sharing policy, and nothing
// internal (private or own addresses, host names, user names, own domains) in either.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfirmedIncident } from '../../src/content/incident';
import { incidentToMispEvent } from '../../src/content/misp-export';
import { SharingPolicy, tlpFor } from '../../src/content/sharing';
import { incidentToStixBundle } from '../../src/content/stix-export';
import { parseAlert } from '../../src/domain/alert';
import { loadPolicy } from '../../src/policy/load-policy';
import { runTool } from '../helpers/field-tools';
import { attackRecords } from './incidents-from-corpus';

const sharing = SharingPolicy.parse({
  defaultTlp: 'amber',
  bySource: { partnerfeed: 'amber+strict', osint: 'clear' },
  ownDomains: ['corp.example'],
  internalRanges: ['198.18.0.0/15'],
});
const PRIVATE = /ws-0142|jdoe|10\.20\.30\.40|192\.168\.|198\.18\.|corp\.example|fin-laptop/i;

/** ART commands that fetch from a URL: the URL and its host are the incident's indicators. */
function urlIncidents(): ConfirmedIncident[] {
  const withUrl = attackRecords()
    .filter((r) => /https?:\/\/[a-z0-9.-]+\.[a-z]{2,}\//i.test(r.command) && !r.command.includes('\n'))
    .slice(0, 12);
  return withUrl.map((r, i) => {
    const url = /https?:\/\/[^\s"'`)]+/i.exec(r.command)![0];
    const alert = parseAlert({
      source: i % 3 === 0 ? 'partnerfeed' : 'edr',
      sourceId: `url-${i}`,
      time: '2026-12-01T10:00:00Z',
      title: `${r.technique} on ws-0142 by jdoe`,
      severity: 'high',
      attackTechniques: [r.technique],
      observables: {
        hosts: [{ hostname: 'ws-0142', ip: '10.20.30.40' }],
        users: [{ name: 'jdoe', domain: 'CORP' }],
        processes: [
          {
            name: 'cmd.exe',
            commandLine: r.command,
            user: 'CORP\\jdoe',
            hashes: { sha256: `${'ab'.repeat(31)}${String(i).padStart(2, '0')}` },
            parents: [],
          },
        ],
        files: [{ name: 'payload.dll', hashes: { md5: `${'cd'.repeat(15)}${String(i).padStart(2, '0')}` } }],
        urls: [url],
        domains: ['ws-0142.corp.example', 'sharepoint.corp.example'],
        ips: ['203.0.113.7', '192.168.4.4', '198.18.0.9'],
        network: [{ srcIp: '10.20.30.40', dstIp: '198.51.100.77', dstPort: 443 }],
      },
    });
    return ConfirmedIncident.parse({
      id: `alert:${alert.source}:url-${i}`,
      alerts: [alert],
      verdict: 'malicious',
      confirmedAt: '2026-12-01T11:00:00Z',
      tlp: i === 1 ? 'green' : undefined,
    });
  });
}

describe('STIX 2.1 and MISP export', () => {
  const incidents = urlIncidents();
  const dir = mkdtempSync(join(tmpdir(), 'autosoc-share-'));
  const bundles = incidents.map((incident) => incidentToStixBundle(incident, { sharing }));
  const events = incidents.map((incident) => incidentToMispEvent(incident, { sharing }));
  const stixFiles = bundles.map((b, i) => {
    const f = join(dir, `bundle-${i}.json`);
    writeFileSync(f, JSON.stringify(b, null, 2));
    return f;
  });
  const mispFiles = events.map((e, i) => {
    const f = join(dir, `event-${i}.json`);
    writeFileSync(f, JSON.stringify(e, null, 2));
    return f;
  });

  it('builds incidents from the corpus with shareable indicators', () => {
    expect(incidents.length).toBeGreaterThanOrEqual(8);
    for (const b of bundles) {
      const types = new Set(b.objects.map((o) => o.type));
      for (const t of [
        'indicator',
        'observed-data',
        'malware',
        'attack-pattern',
        'relationship',
        'sighting',
        'marking-definition',
        'identity',
        'url',
        'file',
        'domain-name',
        'ipv4-addr',
      ])
        expect(types).toContain(t);
    }
  });

  it('passes OASIS stix2-validator (strict)', async () => {
    const run = await runTool('stix2_validator', ['--strict', ...stixFiles]);
    expect(run.stdout).not.toMatch(/\[X\]|\[!\]/);
    expect(run.code).toBe(0);
    expect((run.stdout.match(/\[\+\]/g) ?? []).length).toBeGreaterThanOrEqual(stixFiles.length);
  }, 120_000);

  it('loads in PyMISP with MISP types, to_ids, galaxy and TLP tags', async () => {
    const run = await runTool('python', [join(__dirname, 'pymisp_load.py'), ...mispFiles]);
    expect(run.stderr).toBe('');
    const loaded = run.stdout
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            tags: string[];
            distribution: number;
            attributes: { type: string; category: string; to_ids: boolean; value: string }[];
          },
      );
    expect(loaded).toHaveLength(incidents.length);
    loaded.forEach((e, i) => {
      const types = e.attributes.map((a) => a.type);
      expect(types).toEqual(expect.arrayContaining(['domain', 'ip-dst', 'url', 'filename|sha256', 'filename|md5']));
      expect(e.attributes.every((a) => a.to_ids)).toBe(true);
      const technique = incidents[i].alerts[0].attackTechniques[0];
      expect(e.tags).toContainEqual(
        expect.stringMatching(new RegExp(`^misp-galaxy:mitre-attack-pattern=".* - ${technique.replace('.', '\\.')}"$`)),
      );
      expect(e.tags).toContain(`tlp:${tlpFor(sharing, [incidents[i].alerts[0].source], incidents[i].tlp)}`);
    });
    expect(loaded[0].tags).toContain('tlp:amber+strict');
    expect(loaded[0].distribution).toBe(0);
    expect(loaded[1].tags).toContain('tlp:green'); // the analyst's TLP for the incident replaces the default
    expect(loaded[1].distribution).toBe(1);
  }, 120_000);

  it('exports nothing internal and marks every object with the TLP', () => {
    for (const out of [...bundles, ...events]) expect(JSON.stringify(out)).not.toMatch(PRIVATE);
    for (const b of bundles) {
      for (const o of b.objects.filter((x) => x.type === 'indicator' || x.type === 'sighting')) expect(o.object_marking_refs).toBeDefined();
    }
    const strict = bundles[0].objects.filter((o) => o.type === 'marking-definition').map((o) => o.name);
    expect(strict).toEqual(['TLP:AMBER', 'TLP:AMBER+STRICT']);
  });

  it('is stable: the same incident exports to the same ids', () => {
    expect(incidentToStixBundle(incidents[2], { sharing })).toEqual(bundles[2]);
    expect(incidentToMispEvent(incidents[2], { sharing }).Event.uuid).toBe(events[2].Event.uuid);
  });

  it('takes the strictest TLP of the sources and the incident', () => {
    expect(tlpFor(sharing, ['osint'])).toBe('clear');
    expect(tlpFor(sharing, ['osint', 'partnerfeed'])).toBe('amber+strict');
    expect(tlpFor(sharing, ['osint'], 'red')).toBe('red');
    expect(tlpFor(sharing, ['edr'])).toBe('amber');
  });
});

it('the example policy documents a sharing section that loads', () => {
  const policy = loadPolicy([join(__dirname, '..', '..', 'policy', 'example.yaml')]);
  expect(policy.sharing).toEqual({
    defaultTlp: 'amber',
    bySource: { 'partner-feed': 'amber+strict' },
    ownDomains: ['example.org'],
    internalRanges: ['198.51.100.0/24'],
  });
});
