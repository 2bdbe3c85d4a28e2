// A local TheHive 5 (docs.strangebee.com, "TheHive API v1"):
// - POST /api/v1/alert → 201 the alert ({ _id, ... }); 400 { type: 'CreateError' } when an alert
//   with the same type, source and sourceRef exists (TheHive's uniqueness rule for alerts).
// - GET /api/v1/alert/{id} → the alert with its status and stage; PATCH /api/v1/alert/{id} { status } → 204
//   ("Alert > Update"); the status's stage follows the default statuses ("Alert Status": New, InProgress,
//   Imported, and the Closed stage's FalsePositive, Duplicated, Ignored, Other); an unknown status is a 400.
// - POST /api/v1/query: [listAlert, filter (_and of { _field, _value } and { _gte: { _field, _value } }), sort, page]
//   → the matching alerts; [getAlert(idOrName), comments, sort, page] → the alert's comments.
// - POST /api/v1/alert/{id}/comment { message } → 201.
// - Authorization: Bearer <API key>; 401 { type: 'AuthenticationError' } otherwise.
// Webhooks ("About Audit Logs", "Configure the Webhook Notifier"): the notifier posts the audit log
// entry { _id, _type: 'Audit', _createdBy, _createdAt, action, mainAction, requestId, rootId,
// details (the changed fields), objectId, objectType, object, context, organisation } with the
// endpoint's configured Authorization header; auditWebhook builds exactly that.
import { randomUUID } from 'node:crypto';
import { type Answer, type StoredTicket, TicketServer } from './ticket-server';

const STAGE: Record<string, string> = {
  New: 'New',
  InProgress: 'InProgress',
  Imported: 'Imported',
  FalsePositive: 'Closed',
  Duplicated: 'Closed',
  Ignored: 'Closed',
  Other: 'Closed',
};
type Filter = { _field?: string; _value?: unknown; _gte?: { _field: string; _value: number } };

export class TheHiveServer extends TicketServer {
  readonly apiKey = `th-${randomUUID()}`;
  readonly webhookToken = `thwh-${randomUUID()}`;
  /** Who the API key belongs to (the _updatedBy of autosoc's changes). */
  readonly apiUser = 'autosoc@thehive.local';
  private readonly updatedBy = new Map<string, string>();
  private audits = 0;

  protected authorized(a: string | undefined) {
    return a === `Bearer ${this.apiKey}`;
  }
  protected isCreate(method: string, path: string) {
    return method === 'POST' && path === '/api/v1/alert';
  }
  protected isComment(method: string, path: string) {
    return method === 'POST' && path.endsWith('/comment');
  }

  /** The alert as TheHive returns it. */
  private alert(t: StoredTicket): Record<string, unknown> {
    const status = String(t.fields.status ?? 'New');
    return {
      ...t.fields,
      _id: t.id,
      _type: 'Alert',
      _createdBy: this.apiUser,
      _updatedBy: this.updatedBy.get(t.id) ?? this.apiUser,
      _updatedAt: t.updatedAt,
      status,
      stage: STAGE[status],
    };
  }

  private setStatus(t: StoredTicket, status: string, by: string) {
    t.fields.status = status;
    this.updatedBy.set(t.id, by);
    if (STAGE[status] === 'Closed') this.closeTicket(t, by, status);
    else t.updatedAt = this.tick();
  }

  private matches(t: StoredTicket, f: Filter): boolean {
    if (f._gte) return f._gte._field === '_updatedAt' && t.updatedAt >= f._gte._value;
    const a = this.alert(t);
    return (f._field === 'sourceRef' ? t.correlationId : a[f._field!]) === f._value;
  }

  protected route(method: string, path: string, _q: URLSearchParams, body: Record<string, unknown>): Answer {
    if (method === 'POST' && path === '/api/v1/alert') {
      for (const k of ['type', 'source', 'sourceRef', 'title', 'description'])
        if (!body[k]) return [400, { type: 'AttributeCheckingError', message: `${k} is missing` }];
      if (this.tickets.some((t) => t.correlationId === body.sourceRef && t.fields.type === body.type && t.fields.source === body.source)) {
        return [
          400,
          { type: 'CreateError', message: `Alert ${String(body.type)}:${String(body.source)}:${String(body.sourceRef)} already exists` },
        ];
      }
      const t = this.store(
        String(body.sourceRef),
        body,
        (n) => `~${4096 * n}`,
        (n) => `~${4096 * n}`,
      );
      return [201, this.alert(t)];
    }
    if (method === 'POST' && path === '/api/v1/query') {
      const query = body.query as { _name: string; idOrName?: string; _and?: Filter[]; from?: number; to?: number }[];
      const page = query.find((s) => s._name === 'page');
      const slice = <T>(xs: T[]) => xs.slice(page?.from ?? 0, page?.to ?? xs.length);
      const get = query.find((s) => s._name === 'getAlert');
      if (get) {
        const t = this.byId(String(get.idOrName));
        if (!t) return [404, { type: 'NotFoundError', message: `Alert ${String(get.idOrName)} not found` }];
        if (!query.some((s) => s._name === 'comments')) return [200, [this.alert(t)]];
        return [200, slice([...t.comments].reverse().map((message, i) => ({ _id: `~c${i}`, _type: 'Comment', message })))];
      }
      const filters = query.find((s) => s._name === 'filter')?._and ?? [];
      const rows = this.tickets.filter((t) => filters.every((f) => this.matches(t, f))).sort((a, b) => a.updatedAt - b.updatedAt);
      return [200, slice(rows).map((t) => this.alert(t))];
    }
    const one = /^\/api\/v1\/alert\/([^/]+)(\/comment)?$/.exec(path);
    const t = one && this.byId(decodeURIComponent(one[1]));
    if (one && !t) return [404, { type: 'NotFoundError', message: 'Alert not found' }];
    if (t && one[2] && method === 'POST') {
      t.comments.push(String(body.message));
      return [201, { _id: `~c${t.comments.length}`, message: body.message }];
    }
    if (t && method === 'GET') return [200, this.alert(t)];
    if (t && method === 'PATCH') {
      if (body.status !== undefined) t.closeRequests += 1;
      if (body.status !== undefined && !STAGE[String(body.status)])
        return [400, { type: 'BadRequestError', message: `Status ${String(body.status)} not found` }];
      if (typeof body.status === 'string') this.setStatus(t, body.status, this.apiUser);
      return [204];
    }
    return [404, { type: 'NotFoundError', message: path }];
  }

  /** A human closes the alert in TheHive (no webhook: what the poller must find). */
  closeAsHuman(id: string, by: string, status: 'FalsePositive' | 'Duplicated' | 'Ignored' | 'Other'): StoredTicket {
    const t = this.byId(id)!;
    this.setStatus(t, status, by);
    return t;
  }

  /** The audit entry TheHive's webhook notifier posts: the alert's status changed, or a comment was created on it. */
  auditWebhook(t: StoredTicket, change: { closedBy: string } | { commentBy: string; message: string }) {
    this.audits += 1;
    const alert = this.alert(t);
    const common = {
      _id: `~${900_000 + this.audits}`,
      _type: 'Audit',
      _createdAt: Date.now(),
      mainAction: true,
      requestId: `${randomUUID()}:-8000:${this.audits}`,
      context: alert,
      organisation: { organisationId: '~4169864', organisation: 'SOC' },
    };
    if ('closedBy' in change) {
      return this.webhook({
        ...common,
        _createdBy: change.closedBy,
        action: 'update',
        rootId: t.id,
        objectId: t.id,
        objectType: 'Alert',
        details: { status: alert.status, stage: alert.stage },
        object: alert,
      });
    }
    const comment = {
      _id: `~c${t.comments.length + 1}`,
      _type: 'Comment',
      _createdBy: change.commentBy,
      _createdAt: Date.now(),
      message: change.message,
      isEdited: false,
    };
    t.comments.push(change.message);
    return this.webhook({
      ...common,
      _createdBy: change.commentBy,
      action: 'create',
      rootId: t.id,
      objectId: comment._id,
      objectType: 'Comment',
      details: { message: change.message },
      object: comment,
    });
  }

  /** A delivery with the endpoint's configured Authorization header (or another token). */
  webhook(payload: Record<string, unknown>, token = this.webhookToken) {
    return { body: JSON.stringify(payload), headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } };
  }
}
