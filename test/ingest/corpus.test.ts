// Every normalizer over the whole corpus through the real entry point (normalizeBody), with
// the format *detected*, as an API caller would send it: reports what parsed, what did not,
// and why. Nothing may crash; detection must pick the format the sample is in.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeBody, type NormalizedItem } from '../../src/ingest/normalize';
import { CORPUS_DIR } from '../helpers/corpus';

interface Sample {
  group: string;
  name: string;
  body: Buffer;
  expected: string;
}

const dir = (...p: string[]) => join(CORPUS_DIR, ...p);
const files = (d: string, ext: string) =>
  readdirSync(d)
    .filter((f) => f.endsWith(ext))
    .sort();

function samples(): Sample[] {
  const out: Sample[] = [];
  for (const f of files(dir('cef'), '.log')) out.push({ group: 'cef', name: f, body: readFileSync(dir('cef', f)), expected: 'cef' });
  for (const f of [
    'kibana_es_archive_query_alert_endpoint_security.json',
    'elastic_integrations_microsoft_defender_endpoint_alert_sample_event.json',
  ]) {
    out.push({ group: 'ecs', name: f, body: readFileSync(dir('ecs', f)), expected: 'ecs' });
  }
  out.push({ group: 'wazuh', name: 'alerts.json', body: readFileSync(dir('wazuh', 'alerts.json')), expected: 'wazuh' });
  for (const sub of ['findings', 'findings_prowler']) {
    for (const f of files(dir('ocsf', sub), '.json').filter((f) => !f.endsWith('.raw.json'))) {
      out.push({ group: `ocsf/${sub}`, name: f, body: readFileSync(dir('ocsf', sub, f)), expected: 'ocsf' });
    }
  }
  for (const kind of ['phishing', 'benign']) {
    for (const f of files(dir('eml', kind), '.eml'))
      out.push({ group: `eml/${kind}`, name: f, body: readFileSync(dir('eml', kind, f)), expected: 'eml' });
  }
  return out;
}

test('every corpus sample is detected and normalized, or rejected with a reason', async () => {
  const table = new Map<string, { items: number; ok: number; rejected: Map<string, number> }>();
  const misdetected: string[] = [];
  for (const s of samples()) {
    const items: NormalizedItem[] = await normalizeBody(s.body, { receivedAt: '2026-11-27T00:00:00Z' });
    const row = table.get(s.group) ?? { items: 0, ok: 0, rejected: new Map() };
    table.set(s.group, row);
    for (const item of items) {
      row.items += 1;
      if (item.ok) row.ok += 1;
      else {
        const reason = item.error.replace(/\d+/g, 'N').slice(0, 90);
        row.rejected.set(reason, (row.rejected.get(reason) ?? 0) + 1);
      }
      if (item.format && item.format !== s.expected) misdetected.push(`${s.group}/${s.name}: ${item.format}`);
    }
  }
  console.log(
    [
      'corpus through normalizeBody (format detected):',
      ...[...table].map(
        ([g, r]) =>
          `  ${g}: ${r.ok}/${r.items} alerts${r.rejected.size ? `; rejected: ${[...r.rejected].map(([why, n]) => `${n}× ${why}`).join('; ')}` : ''}`,
      ),
    ].join('\n'),
  );

  expect(misdetected).toEqual([]);
  const ok = (g: string) => table.get(g)!.ok;
  // Exact counts; the per-format suites explain each rejection.
  expect({
    cef: ok('cef'),
    ecs: ok('ecs'),
    wazuh: ok('wazuh'),
    ocsf: ok('ocsf/findings') + ok('ocsf/findings_prowler'),
    phishing: ok('eml/phishing'),
    benign: ok('eml/benign'),
  }).toEqual({ cef: 67, ecs: 2, wazuh: 4, ocsf: 33, phishing: 64, benign: 60 });
});
