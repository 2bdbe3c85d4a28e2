// The real stack behind the console, listening on a loopback port for Chromium: the API
// harness (Temporal dev server, real worker, PostgreSQL, IngestService) plus an API built the
// way the ingest tier builds it (Temporal client, signer, policy, console), and tokens.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApiServer } from '../../src/api/server';
import { alertWorkflowId } from '../../src/domain/alert';
import type { Role } from '../../src/domain/roles';
import { DecisionSigner } from '../../src/security/decision-signer';
import { createApiToken } from '../../src/store/api-tokens';
import { statusQuery } from '../../src/workflows/messages';
import type { AlertStatus } from '../../src/domain/alert-status';
import { sample, startApiHarness, type ApiHarness } from '../api/harness';
import { waitFor } from '../helpers/wait';

export const TEMPORAL_UI = 'http://temporal-ui.test';

export interface ConsoleStack {
  h: ApiHarness;
  app: FastifyInstance;
  baseUrl: string;
  tokens: Record<string, string>;
  names: Record<string, string>;
  /** Sends a sample alert (with overrides) through POST /v1/alerts; waits until it awaits an analyst. */
  escalate(file: string, overrides: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

export async function startConsoleStack(prefix: string, people: Record<string, Role[]>): Promise<ConsoleStack> {
  const adminToken = `bootstrap-${randomBytes(24).toString('hex')}`;
  const h = await startApiHarness(prefix, { adminToken });
  const app = buildApiServer({
    db: h.db.pool,
    ingest: h.ingest,
    client: h.client,
    policy: h.config.policy,
    maxBodyBytes: h.config.api.maxBodyBytes,
    adminToken,
    signer: new DecisionSigner(h.config.security.decisionKeys),
    console: { temporalUiLink: (id) => `${TEMPORAL_UI}/namespaces/default/workflows/${encodeURIComponent(id)}` },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const tokens: Record<string, string> = {};
  const names: Record<string, string> = {};
  for (const [who, roles] of Object.entries({ ingest: ['ingest'] as Role[], ...people })) {
    names[who] = `${who}-${h.run}`;
    tokens[who] = await createApiToken(h.db.pool, { name: names[who], roles, anySource: who === 'ingest' });
  }
  return {
    h,
    app,
    baseUrl,
    tokens,
    names,
    async escalate(file, overrides) {
      const alert = sample(file, overrides);
      const res = await fetch(`${baseUrl}/v1/alerts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.ingest}`, 'content-type': 'application/json' },
        body: JSON.stringify(alert),
      });
      if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
      const workflowId = alertWorkflowId({ source: alert.source as string, sourceId: alert.sourceId as string });
      await waitFor(
        () => h.client.workflow.getHandle(workflowId).query(statusQuery),
        (s: AlertStatus) => s.stage === 'awaiting_analyst',
        `${workflowId} awaiting an analyst`,
        120_000,
      );
      return workflowId;
    },
    async close() {
      await app.close();
      await h.close();
    },
  };
}
