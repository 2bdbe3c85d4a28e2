// Approved travel explains a sign-in only from the approved countries, read from the source's
// structured geolocation (ECS source.geo.country_iso_code, OCSF src_endpoint.location.country,
// Wazuh's GeoIP enrichment GeoLocation.country_name, which names the country).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAlert } from '../../src/domain/alert';
import { extractObservables } from '../../src/domain/observables';
import { triageContext } from '../../src/domain/org-context';
import { scoreAlert } from '../../src/domain/scoring';
import { mapEcs } from '../../src/ingest/formats/ecs';
import { mapOcsf } from '../../src/ingest/formats/ocsf';
import { mapWazuh } from '../../src/ingest/formats/wazuh';
import { loadPolicy } from '../../src/policy/load-policy';

const dir = mkdtempSync(join(tmpdir(), 'travel-'));
const policyFile = join(dir, 'org.yaml');
writeFileSync(
  policyFile,
  `
version: t
organisation:
  travel: [{ user: jdoe, start: "2026-03-15", end: "2026-03-20", countries: [NL] }]
`,
);
const policy = loadPolicy([policyFile]);
const ctx = { receivedAt: '2026-03-17T09:00:00.000Z' };

/** An ECS sign-in from a new country, as Elastic's "unusual country" rules raise it (authored). */
const ecs = (country: string | undefined) =>
  mapEcs(
    {
      '@timestamp': '2026-03-17T08:59:00Z',
      event: { kind: 'signal', id: `e-${country}` },
      kibana: { alert: { rule: { name: 'Sign-in from a new country', uuid: 'r1' }, severity: 'low', uuid: `u-${country}` } },
      user: { name: 'jdoe' },
      source: { ip: '198.51.100.7', ...(country ? { geo: { country_iso_code: country } } : {}) },
    },
    ctx,
  );
/** An OCSF Detection Finding whose evidence is the sign-in (authored after the OCSF 1.3 schema). */
const ocsf = (country: string) =>
  mapOcsf(
    {
      class_uid: 2004,
      category_uid: 2,
      time: 1773737940000,
      severity_id: 2,
      metadata: { product: { name: 'IdP', vendor_name: 'x' } },
      finding_info: { uid: `o-${country}`, title: 'New-country sign-in' },
      evidences: [{ user: { name: 'jdoe' }, src_endpoint: { ip: '198.51.100.8', location: { country } } }],
    },
    ctx,
  );

/** A Wazuh sshd/Windows logon alert enriched by the manager's GeoIP (authored after Wazuh 4.x alerts.json). */
const wazuh = (countryName: string) =>
  mapWazuh(
    {
      timestamp: '2026-03-17T08:59:00.000+0000',
      id: `w-${countryName}`,
      rule: { level: 5, id: '5715', description: 'sshd: authentication success.' },
      agent: { name: 'bastion' },
      data: { srcip: '198.51.100.9', dstuser: 'jdoe' },
      GeoLocation: { country_name: countryName, city_name: 'Somewhere', location: { lat: 0, lon: 0 } },
    },
    ctx,
  );

const triage = (n: { alert: unknown }) => {
  const a = parseAlert(n.alert);
  return { alert: a, r: scoreAlert(a.severity, [], policy, extractObservables(a), triageContext(a)) };
};

test('the mappers carry the source country (ISO alpha-2) into the model, and drop anything else', () => {
  expect(triage(ecs('nl')).alert.observables.network[0].srcCountry).toBe('NL');
  expect(triage(ocsf('NG')).alert.observables.network[0].srcCountry).toBe('NG');
  // GeoIP enrichments name the country: English names (and MaxMind's variants) become the code.
  expect(triage(ocsf('Netherlands')).alert.observables.network[0].srcCountry).toBe('NL');
  expect(triage(wazuh('Russian Federation')).alert.observables.network[0].srcCountry).toBe('RU');
  expect(triage(ocsf('Rotterdam')).alert.observables.network[0].srcCountry).toBeUndefined();
  expect(triage(ocsf('--')).alert.observables.network[0].srcCountry).toBeUndefined();
});

test('Wazuh: the approved country by name is explained by the travel approval; another country by name is not', () => {
  expect(triage(wazuh('Netherlands')).r.reasons.join('\n')).toContain('jdoe has approved travel 2026-03-15..2026-03-20 (NL)');
  expect(triage(wazuh('Nigeria')).r.reasons.join('\n')).not.toContain('approved travel');
});

test.each([
  ['ECS', () => ecs('NL')],
  ['OCSF', () => ocsf('NL')],
])('%s: a sign-in from the approved country is explained by the travel approval', (_, make) => {
  const { r } = triage(make());
  expect(r.reasons.join('\n')).toContain('jdoe has approved travel 2026-03-15..2026-03-20 (NL)');
});

test.each([
  ['ECS', () => ecs('NG')],
  ['OCSF', () => ocsf('NG')],
])('%s: the same user signing in from another country is not explained by the trip', (_, make) => {
  const { r } = triage(make());
  expect(r.reasons.join('\n')).not.toContain('approved travel');
});
