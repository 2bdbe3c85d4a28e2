// A local TheHive 5 (docs.strangebee.com, "TheHive API v1"):
// - POST /api/v1/alert → 201 the alert ({ _id, ... }); 400 { type: 'CreateError' } when an alert
//   with the same type, source and sourceRef exists (TheHive's uniqueness rule for alerts).
// - POST /api/v1/query [listAlert, filter (_and of _field/_value), page] → the matching alerts.
// - POST /api/v1/alert/{id}/comment { message } → 201.
// - Authorization: Bearer <API key>; 401 { type: 'AuthenticationError' } otherwise.
import { randomUUID } from 'node:crypto';
import { type Answer, TicketServer } from './ticket-server';

export class TheHiveServer extends TicketServer {
  readonly apiKey = `th-${randomUUID()}`;
  readonly webhookToken = `thwh-${randomUUID()}`;

  protected authorized(a: string | undefined) { return a === `Bearer ${this.apiKey}`; }
  protected isCreate(method: string, path: string) { return method === 'POST' && path === '/api/v1/alert'; }

  protected route(method: string, path: string, _q: URLSearchParams, body: Record<string, unknown>): Answer {
    if (method === 'POST' && path === '/api/v1/alert') {
      for (const k of ['type', 'source', 'sourceRef', 'title', 'description']) if (!body[k]) return [400, { type: 'AttributeCheckingError', message: `${k} is missing` }];
      if (this.tickets.some((t) => t.correlationId === body.sourceRef && t.fields.type === body.type && t.fields.source === body.source)) {
        return [400, { type: 'CreateError', message: `Alert ${String(body.type)}:${String(body.source)}:${String(body.sourceRef)} already exists` }];
      }
      const t = this.store(String(body.sourceRef), body, (n) => `~${4096 * n}`, (n) => `~${4096 * n}`);
      return [201, { _id: t.id, _type: 'Alert', ...body, status: 'New' }];
    }
    if (method === 'POST' && path === '/api/v1/query') {
      const query = body.query as { _name: string; _and?: { _field: string; _value: string }[] }[];
      const filters = query.find((s) => s._name === 'filter')?._and ?? [];
      const rows = this.tickets.filter((t) => filters.every((f) => (f._field === 'sourceRef' ? t.correlationId : t.fields[f._field]) === f._value));
      return [200, rows.map((t) => ({ _id: t.id, sourceRef: t.correlationId }))];
    }
    const comment = /^\/api\/v1\/alert\/([^/]+)\/comment$/.exec(path);
    if (method === 'POST' && comment) {
      const t = this.tickets.find((x) => x.id === decodeURIComponent(comment[1]));
      if (!t) return [404, { type: 'NotFoundError', message: 'Alert not found' }];
      t.comments.push(String(body.message));
      return [201, { _id: `~c${t.comments.length}`, message: body.message }];
    }
    return [404, { type: 'NotFoundError', message: path }];
  }

  /** A webhook notification as TheHive sends it (the audit event), with the endpoint's auth header. */
  webhook(payload: Record<string, unknown>, token = this.webhookToken) {
    return { body: JSON.stringify({ requestId: randomUUID(), ...payload }), headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } };
  }
}
