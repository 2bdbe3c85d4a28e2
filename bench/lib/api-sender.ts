// The real HTTP API in the bench process, and a sender that POSTs alert bodies to it with an
// admin token, noting the ack time of each accepted alert: how e2e and memory offer alerts.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { buildApiServer } from '../../src/api/server';
import type { TriagePolicy } from '../../src/domain/policy';
import { type IngestDeps, IngestService } from '../../src/ingest/ingest-service';
import { createApiToken } from '../../src/store/api-tokens';
import type { AlertBody } from './corpus-alerts';

export interface Tracked {
  ackAt: number;
  files?: boolean;
  disposition?: string;
  doneAt?: number;
}

export interface ApiSender {
  /** POSTs one body; accepted alerts go into `into` (by workflow id) with their ack time. */
  send(alert: AlertBody, into: Map<string, Tracked>, files?: boolean): Promise<void>;
  /** Ingest answers counted by status ('accepted', 'duplicate', 'http 500: ...'). */
  statusCounts: Record<string, number>;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = { cef: 'text/plain', eml: 'message/rfc822' };

export async function startApiSender(opts: {
  pool: Pool;
  client: Client;
  taskQueue: string;
  policy: TriagePolicy;
  correlation: IngestDeps['correlation'];
  maxBodyBytes: number;
  port: number;
  name: string;
}): Promise<ApiSender> {
  const ingest = new IngestService({
    db: opts.pool,
    client: opts.client,
    taskQueue: opts.taskQueue,
    policy: opts.policy,
    correlation: opts.correlation,
  });
  const api = buildApiServer({ db: opts.pool, ingest, client: opts.client, policy: opts.policy, maxBodyBytes: opts.maxBodyBytes });
  await api.listen({ host: '127.0.0.1', port: opts.port });
  const token = await createApiToken(opts.pool, { name: opts.name, roles: ['admin'] });
  const statusCounts: Record<string, number> = {};
  return {
    statusCounts,
    async send({ format, body }, into, files = false) {
      const res = await fetch(`http://127.0.0.1:${opts.port}/v1/alerts/${format}`, {
        method: 'POST',
        body,
        headers: { authorization: `Bearer ${token}`, 'content-type': CONTENT_TYPES[format] ?? 'application/json' },
      }).catch((err: Error) => err);
      // An answer that never came (a starved machine) is counted, not fatal to the run.
      if (res instanceof Error) {
        statusCounts[`no answer: ${res.message}`] = (statusCounts[`no answer: ${res.message}`] ?? 0) + 1;
        return;
      }
      const ackAt = Date.now();
      const out = (await res.json()) as { results?: { status: string; workflowId?: string }[]; error?: string };
      for (const r of out.results ?? [{ status: `http ${res.status}: ${out.error}` }]) {
        statusCounts[r.status] = (statusCounts[r.status] ?? 0) + 1;
        if (r.status === 'accepted' && r.workflowId) into.set(r.workflowId, { ackAt, files });
      }
    },
    close: () => api.close(),
  };
}
