// Recorded workflow histories: written by the e2e test with RECORD_HISTORIES=1, replayed
// by test/replay on every run to catch non-deterministic workflow changes.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { testDataConverter } from './security';

export const HISTORIES_DIR = join(__dirname, '..', 'fixtures', 'histories');

const isPayload = (v: object): v is Payload => 'metadata' in v && 'data' in v;

/** Every payload in `value` (a history or part of one) decrypted, in place. */
async function decryptPayloads(value: unknown): Promise<void> {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return;
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'object' && v !== null && !ArrayBuffer.isView(v) && isPayload(v)) {
      [(value as Record<string, unknown>)[k]] = await testDataConverter.payloadCodecs![0].decode([v]);
    } else {
      await decryptPayloads(v);
    }
  }
}

/**
 * Fixtures are stored decrypted: the payload codec passes plaintext through on replay, and a
 * fixture must replay on any machine, whatever payload key recorded it.
 */
export async function saveHistory(name: string, workflowId: string, history: temporal.api.history.v1.IHistory): Promise<void> {
  await decryptPayloads(history);
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), historyToJSON(history));
  writeFileSync(join(HISTORIES_DIR, `${name}.meta.json`), `${JSON.stringify({ workflowId }, null, 2)}\n`);
}

export function loadHistories(): { name: string; workflowId: string; history: temporal.api.history.v1.IHistory }[] {
  return readdirSync(HISTORIES_DIR)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.meta.json'))
    .sort()
    .map((f) => {
      const name = f.replace(/\.json$/, '');
      const { workflowId } = JSON.parse(readFileSync(join(HISTORIES_DIR, `${name}.meta.json`), 'utf8'));
      return { name, workflowId, history: historyFromJSON(JSON.parse(readFileSync(join(HISTORIES_DIR, f), 'utf8'))) };
    });
}
