// The one way an API call reaches audit_log: who, what, on what, how it ended, counts. Never
// the token, the signature or the body. Unauthenticated calls (refused tokens, unknown routes,
// public documents) only reach the process log: a stranger must not be able to make us write
// to the database at the rate they can send requests.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { auditApiCall } from '../store/audit-log';

export async function auditCall(db: Pool, request: FastifyRequest, reply: FastifyReply, target?: string): Promise<void> {
  const detail: Record<string, unknown> = { ...request.auditDetail };
  if (request.auditReason) detail.reason = request.auditReason;
  const action = `${request.method} ${request.routeOptions.url ?? '(no route)'}`;
  if (!request.principal) {
    request.log.info({ action, outcome: reply.statusCode, ...detail }, 'unauthenticated call (not audited)');
    return;
  }
  try {
    await auditApiCall(db, { actor: request.principal.name, action, target, outcome: String(reply.statusCode), detail });
  } catch (err) {
    request.log.error({ err }, 'audit log write failed');
  }
}
