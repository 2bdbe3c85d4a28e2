// What `npm start` says about the sample alerts it fed: each one's verdict, score and
// disposition once triage has settled it, and a Temporal Web UI link for those awaiting an analyst.
import type { Client } from '@temporalio/client';
import { renderTable } from './cli/table';
import { statusQuery } from './workflows/messages';
import type { AlertStatus } from './domain/alert-status';

export interface SampleRow {
  file: string;
  workflowId?: string;
  status?: AlertStatus;
  note?: string;
}

const settled = (s: AlertStatus) => s.stage === 'awaiting_analyst' || s.stage === 'done';

/** Queries each sample's workflow until triage has settled it (or `timeoutMs` has passed). */
export async function settleSamples(client: Client, rows: SampleRow[], timeoutMs = 60_000, pollMs = 250): Promise<SampleRow[]> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(rows.filter((r) => r.workflowId));
  while (pending.size > 0) {
    for (const row of [...pending]) {
      try {
        row.status = await client.workflow.getHandle(row.workflowId!).query(statusQuery);
        if (settled(row.status)) pending.delete(row);
      } catch {
        // not queryable yet (no worker has picked it up): ask again
      }
    }
    if (pending.size === 0 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return rows;
}

export function renderSamplesTable(rows: SampleRow[], workflowLink: (workflowId: string) => string): string {
  return renderTable<SampleRow>(
    [
      { header: 'SAMPLE', value: (r) => r.workflowId ?? r.file, max: 48 },
      { header: 'VERDICT', value: (r) => r.status?.verdict ?? r.note },
      { header: 'SCORE', value: (r) => r.status?.score },
      { header: 'DISPOSITION', value: (r) => r.status?.outcome ?? r.status?.disposition ?? r.status?.stage },
      {
        header: 'ANALYST',
        value: (r) => (r.status?.stage === 'awaiting_analyst' ? workflowLink(r.workflowId!) : r.status ? '' : '-'),
        max: 200,
      },
    ],
    rows,
  );
}
