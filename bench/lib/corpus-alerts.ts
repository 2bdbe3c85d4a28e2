// Alert bodies for the end-to-end benchmarks, each made unique so nothing dedups: the bundled
// sample alerts (new sourceId), corpus CEF lines (an externalId appended) and corpus Wazuh
// alerts (new id). The corpus is read in place: AUTOSOC_CORPUS, else ../shared/corpus.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AlertFormat } from '../../src/ingest/formats/types';

export interface AlertBody {
  format: AlertFormat;
  body: string;
}
type Template = (uniqueId: string) => AlertBody;

const REPO = resolve(__dirname, '..', '..', '..');

export function corpusDir(): string {
  const dir = process.env.AUTOSOC_CORPUS ?? resolve(REPO, '..', 'shared', 'corpus');
  if (!existsSync(dir)) throw new Error(`corpus not found at ${dir}: set AUTOSOC_CORPUS`);
  return dir;
}

function sampleTemplates(): Template[] {
  const dir = join(REPO, 'samples', 'alerts');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const alert = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>;
      return (id) => ({ format: 'autosoc', body: JSON.stringify({ ...alert, sourceId: id }) });
    });
}

// Defender for Identity / ATA lines take their id from the portal URL, not externalId: left out.
const CEF_FILES = [
  'elastic_beats_cef_module_tests.log',
  'azure_sentinel_sample_withsecure_edr.log',
  'elastic_integrations_trend_micro_deep_security.log',
  'microsoft_defender_cloud_apps_docs.log',
];

function cefTemplates(corpus: string): Template[] {
  return CEF_FILES.flatMap((f) =>
    readFileSync(join(corpus, 'cef', f), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('CEF:'))
      .map((line): Template => (id) => ({ format: 'cef', body: `${line} externalId=${id}` })),
  );
}

function wazuhTemplates(corpus: string): Template[] {
  return readFileSync(join(corpus, 'wazuh', 'alerts.json'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .map((a): Template => (id) => ({ format: 'wazuh', body: JSON.stringify({ ...a, id }) }));
}

/** `n` unique alert bodies cycling through samples, CEF lines and Wazuh alerts in turn. */
export function alertMix(n: number, runId: string): AlertBody[] {
  const corpus = corpusDir();
  const kinds = [sampleTemplates(), cefTemplates(corpus), wazuhTemplates(corpus)];
  const cursor = [0, 0, 0];
  return Array.from({ length: n }, (_, i) => {
    const k = i % kinds.length;
    const t = kinds[k][cursor[k]++ % kinds[k].length];
    return t(`bench-${runId}-${i}`);
  });
}

/**
 * `n` unique .eml alerts (reported phishing from the corpus: they carry the message and its
 * attachments as files, so the investigation analyzes bytes). A fresh Message-ID makes each one new.
 */
export function emlMix(n: number, runId: string): AlertBody[] {
  const dir = join(corpusDir(), 'eml', 'phishing');
  const messages = readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((f) => readFileSync(join(dir, f), 'latin1'));
  return Array.from({ length: n }, (_, i) => {
    const id = `<bench-${runId}-eml-${i}@bench.invalid>`;
    const text = messages[i % messages.length];
    const body = /^Message-ID:.*$/im.test(text) ? text.replace(/^Message-ID:.*$/im, `Message-ID: ${id}`) : `Message-ID: ${id}\r\n${text}`;
    return { format: 'eml', body };
  });
}
