// A local ServiceNow Table API (docs.servicenow.com, "REST API reference > Table API"):
// - GET /api/now/table/{table}?sysparm_query=correlation_id=<id>&sysparm_fields&sysparm_limit → { result: [...] }.
// - POST /api/now/table/{table} → 201 { result: { sys_id, number, ... } }.
// - PATCH /api/now/table/{table}/{sys_id} → 200 { result }; 404 { error: { message: 'No Record found' }, status: 'failure' }.
// - Basic auth; 401 { error: { message: 'User Not Authenticated' } } otherwise.
import { randomBytes, randomUUID } from 'node:crypto';
import { type Answer, TicketServer } from './ticket-server';

export class ServiceNowServer extends TicketServer {
  readonly user = 'autosoc.integration';
  readonly password = `sn-${randomUUID()}`;
  readonly webhookToken = `snwh-${randomUUID()}`;

  constructor(readonly table: 'sn_si_incident' | 'incident') { super(); }

  protected authorized(a: string | undefined) { return a === `Basic ${Buffer.from(`${this.user}:${this.password}`).toString('base64')}`; }
  protected isCreate(method: string, path: string) { return method === 'POST' && path === `/api/now/table/${this.table}`; }

  protected route(method: string, path: string, q: URLSearchParams, body: Record<string, unknown>): Answer {
    const base = `/api/now/table/${this.table}`;
    if (method === 'GET' && path === base) {
      const corr = /^correlation_id=(.+)$/.exec(q.get('sysparm_query') ?? '')?.[1];
      const rows = this.tickets.filter((t) => corr === undefined || t.correlationId === corr).slice(0, Number(q.get('sysparm_limit') ?? 10_000));
      return [200, { result: rows.map((t) => ({ sys_id: t.id, number: t.key })) }];
    }
    if (method === 'POST' && path === base) {
      if (!body.short_description) return [400, { error: { message: 'short_description is mandatory', detail: '' }, status: 'failure' }];
      const prefix = this.table === 'incident' ? 'INC' : 'SIR';
      const t = this.store(String(body.correlation_id ?? ''), body, (n) => `${prefix}${String(n).padStart(7, '0')}`, () => randomBytes(16).toString('hex'));
      return [201, { result: { sys_id: t.id, number: t.key } }];
    }
    const one = new RegExp(`^${base}/([0-9a-f]{32})$`).exec(path);
    if (method === 'PATCH' && one) {
      const t = this.tickets.find((x) => x.id === one[1]);
      if (!t) return [404, { error: { message: 'No Record found', detail: 'Record doesn\'t exist or ACL restricts the record retrieval' }, status: 'failure' }];
      if (typeof body.work_notes === 'string') t.comments.push(body.work_notes);
      return [200, { result: { sys_id: t.id } }];
    }
    return [400, { error: { message: 'Invalid table' }, status: 'failure' }];
  }

  /** What the business rule's outbound REST message posts when a record changes. */
  webhook(payload: Record<string, unknown>, token = this.webhookToken) {
    return { body: JSON.stringify(payload), headers: { 'content-type': 'application/json', 'x-autosoc-webhook-token': token } };
  }
}
