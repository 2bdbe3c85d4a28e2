// Recorded workflow histories: written by the e2e test with RECORD_HISTORIES=1, replayed
// by test/replay on every run to catch non-deterministic workflow changes.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';

export const HISTORIES_DIR = join(__dirname, '..', 'fixtures', 'histories');

export function saveHistory(name: string, workflowId: string, history: temporal.api.history.v1.IHistory): void {
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), historyToJSON(history));
  writeFileSync(join(HISTORIES_DIR, `${name}.meta.json`), `${JSON.stringify({ workflowId }, null, 2)}\n`);
}

export function loadHistories(): { name: string; workflowId: string; history: temporal.api.history.v1.IHistory }[] {
  return readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json') && !f.endsWith('.meta.json')).sort().map((f) => {
    const name = f.replace(/\.json$/, '');
    const { workflowId } = JSON.parse(readFileSync(join(HISTORIES_DIR, `${name}.meta.json`), 'utf8'));
    return { name, workflowId, history: historyFromJSON(JSON.parse(readFileSync(join(HISTORIES_DIR, f), 'utf8'))) };
  });
}
