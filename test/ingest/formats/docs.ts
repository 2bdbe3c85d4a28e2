// Corpus documents for the format mapper tests, read in place, and a runner that maps each
// one and sorts the outcome into mapped alerts and NormalizeError rejections.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAlert, type Alert } from '../../../src/domain/alert';
import { NormalizeError, type MapContext, type Normalized } from '../../../src/ingest/formats/types';
import { corpusPath } from '../../helpers/corpus';

export interface Named {
  name: string;
  doc: unknown;
}

export const ctx: MapContext = { receivedAt: '2026-01-01T00:00:00.000Z' };

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));
export const jsonLines = (path: string): unknown[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as unknown);

/** Every .json file of a folder; a file holding an array gives one document per element. */
function folder(dir: string, prefix: string): Named[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => {
      const doc = readJson(join(dir, f));
      return Array.isArray(doc)
        ? doc.map((d, i) => ({ name: `${prefix}/${f}[${i}]`, doc: d as unknown }))
        : [{ name: `${prefix}/${f}`, doc }];
    });
}

export const ECS_ALERT_FILES = [
  'kibana_es_archive_query_alert_endpoint_security.json',
  'elastic_integrations_microsoft_defender_endpoint_alert_sample_event.json',
];
export const ecsDocs = (): Named[] => ECS_ALERT_FILES.map((f) => ({ name: `ecs/${f}`, doc: readJson(corpusPath('ecs', f)) }));
export const wazuhDocs = (): Named[] =>
  jsonLines(corpusPath('wazuh', 'alerts.json')).map((doc, i) => ({ name: `wazuh/alerts.json:${i + 1}`, doc }));
export const ocsfDocs = (sub: 'findings' | 'findings_prowler' | 'other_events'): Named[] => folder(corpusPath('ocsf', sub), `ocsf/${sub}`);
export const autosocSamples = (): Named[] => folder(join(__dirname, '..', '..', '..', 'samples', 'alerts'), 'samples/alerts');

export interface Outcome {
  mapped: { name: string; alert: Alert }[];
  rejected: { name: string; reason: string }[];
}

/**
 * Map every document; anything thrown but a NormalizeError fails the test, and every mapped
 * alert must pass parseAlert. Prints a one-screen summary: counts and reasons.
 */
export function mapAll(label: string, docs: Named[], map: (doc: unknown, ctx: MapContext) => Normalized): Outcome {
  const out: Outcome = { mapped: [], rejected: [] };
  for (const { name, doc } of docs) {
    let result: Normalized;
    try {
      result = map(doc, ctx);
    } catch (err) {
      if (!(err instanceof NormalizeError)) throw new Error(`${name}: ${String(err)}`);
      out.rejected.push({ name, reason: err.message });
      continue;
    }
    out.mapped.push({ name, alert: parseAlert(result.alert) });
  }
  const reasons = new Map<string, number>();
  for (const r of out.rejected) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
  console.log(
    [
      `${label}: ${docs.length} documents, ${out.mapped.length} mapped, ${out.rejected.length} rejected`,
      ...[...reasons].map(([reason, n]) => `  ${n} × ${reason}`),
    ].join('\n'),
  );
  return out;
}

/** A copy of the object without the given keys. */
export const omit = (o: object, ...keys: string[]): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

/** The mapped alert of one corpus document, by the end of its name. */
export function alertOf(outcome: Outcome, nameEnd: string): Alert {
  const hit = outcome.mapped.find((m) => m.name.endsWith(nameEnd));
  if (!hit) throw new Error(`no mapped alert named …${nameEnd}`);
  return hit.alert;
}
