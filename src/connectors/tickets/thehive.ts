// TheHive 5 API v1 (docs.strangebee.com, "TheHive API"): an alert per case with its observables,
// sourceRef = the correlation id (TheHive refuses a second alert with the same type, source
// and sourceRef), found with the Query API; comments on the alert. TheHive's webhook notifier
// sends the audit log entry ("About Audit Logs": { _id, _createdBy, action, objectType,
// objectId, rootId, details, object, requestId }) with the Authorization header configured in
// its endpoint: here a bearer token.
import {
  AUTOSOC_MARK,
  type ClosedTicket,
  draftLines,
  header,
  parseJsonBody,
  type TicketDraft,
  type TicketEvent,
  type TicketSystem,
  ticketHttp,
  type WebhookRequest,
} from './ticket-system';
import { sharedTokenMatches } from './servicenow';
import { trimEndChars } from '../../domain/text-scan';

export interface TheHiveOptions {
  baseUrl: string;
  apiKey: string;
  webhookToken?: string;
}

const SEVERITY: Record<string, number> = { informational: 1, low: 1, medium: 2, high: 3, critical: 4 };
// Statuses are an organisation's own; stages are fixed ("Alert Status"): New, InProgress, Imported, Closed.
const CLOSED_STAGE = 'Closed';
// The default statuses of the Closed stage autosoc closes with.
const CLOSE_STATUS = { falsePositive: 'FalsePositive', resolved: 'Other' };

export function theHiveSystem(o: TheHiveOptions): TicketSystem {
  const base = trimEndChars(o.baseUrl, '/');
  const http = ticketHttp('thehive');
  const headers = { authorization: `Bearer ${o.apiKey}`, 'content-type': 'application/json' };
  const send = async (method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown) =>
    http.parseJson(
      await http.request({
        vendor: 'thehive',
        url: `${base}${path}`,
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        timeoutMs: 15_000,
      }),
      `thehive ${path}`,
    );
  const call = (path: string, body: unknown) => send('POST', path, body);
  const alertPath = (t: { id: string }) => `/api/v1/alert/${encodeURIComponent(t.id)}`;
  const ref = (a: { _id?: string }) => ({ id: String(a._id), key: String(a._id), url: `${base}/alerts/${a._id}/details` });

  return {
    name: 'thehive',
    async find(correlationId) {
      const rows = (await call('/api/v1/query', {
        query: [
          { _name: 'listAlert' },
          {
            _name: 'filter',
            _and: [
              { _field: 'sourceRef', _value: correlationId },
              { _field: 'source', _value: 'autosoc' },
            ],
          },
          { _name: 'page', from: 0, to: 2 },
        ],
      })) as { _id: string }[] | undefined;
      return rows?.[0] && ref(rows[0]);
    },
    async create(d: TicketDraft) {
      const created = (await call('/api/v1/alert', {
        type: 'autosoc',
        source: 'autosoc',
        sourceRef: d.correlationId,
        title: d.title.slice(0, 512),
        description: draftLines(d).join('\n\n'),
        severity: SEVERITY[d.severity] ?? 2,
        tags: ['autosoc'],
        observables: d.observables,
      })) as { _id?: string } | undefined;
      return ref(created ?? {});
    },
    async comment(t, text) {
      await call(`${alertPath(t)}/comment`, { message: `${AUTOSOC_MARK} ${text}` });
    },
    async hasComment(t, marker) {
      // "Query": getAlert → comments, newest first.
      const rows = (await call('/api/v1/query', {
        query: [
          { _name: 'getAlert', idOrName: t.id },
          { _name: 'comments' },
          { _name: 'sort', _fields: [{ _createdAt: 'desc' }] },
          { _name: 'page', from: 0, to: 200 },
        ],
      })) as { message?: string }[] | undefined;
      return (rows ?? []).some((c) => typeof c.message === 'string' && c.message.includes(marker));
    },
    async resolve(t, r) {
      // "Alert > Get" then "Alert > Update" (PATCH, 204) to a status of the Closed stage.
      const now = (await send('GET', alertPath(t))) as { stage?: string } | undefined;
      if (now?.stage === CLOSED_STAGE) return false;
      await send('PATCH', alertPath(t), { status: r.falsePositive ? CLOSE_STATUS.falsePositive : CLOSE_STATUS.resolved });
      return true;
    },
    async closedSince(since, limit) {
      const rows = (await call('/api/v1/query', {
        query: [
          { _name: 'listAlert' },
          {
            _name: 'filter',
            _and: [
              { _field: 'source', _value: 'autosoc' },
              { _field: 'stage', _value: CLOSED_STAGE },
              { _gte: { _field: '_updatedAt', _value: Date.parse(since) } },
            ],
          },
          { _name: 'sort', _fields: [{ _updatedAt: 'asc' }] },
          { _name: 'page', from: 0, to: limit },
        ],
      })) as { _id: string; status?: string; _updatedBy?: string; _updatedAt?: number }[] | undefined;
      return (rows ?? []).map((a): ClosedTicket => ({
        externalId: a._id,
        by: String(a._updatedBy ?? 'unknown').slice(0, 256),
        text: a.status,
        falsePositive: a.status === CLOSE_STATUS.falsePositive,
        updatedAt: new Date(a._updatedAt ?? 0).toISOString(),
      }));
    },
    verifyWebhook: (req: WebhookRequest) => sharedTokenMatches(o.webhookToken && `Bearer ${o.webhookToken}`, header(req, 'authorization')),
    parseWebhook(req: WebhookRequest): TicketEvent | undefined {
      const p = parseJsonBody(req) as
        | {
            _id?: string;
            _createdBy?: string;
            action?: string;
            objectType?: string;
            objectId?: string;
            rootId?: string;
            object?: Record<string, unknown>;
            details?: Record<string, unknown>;
          }
        | undefined;
      // The audit entry's _id is the delivery's id: one request (requestId) may write several entries.
      if (!p?._id || !p.object) return undefined;
      const by = String(p._createdBy ?? p.object._updatedBy ?? 'unknown').slice(0, 256);
      const type = (p.objectType ?? '').toLowerCase();
      if (type === 'alert' && p.action === 'update' && p.objectId && p.details?.stage === CLOSED_STAGE) {
        const status = String(p.details.status ?? p.object.status ?? CLOSED_STAGE);
        return {
          eventId: p._id,
          externalId: p.objectId,
          kind: 'closed',
          by,
          text: status,
          falsePositive: status === CLOSE_STATUS.falsePositive,
        };
      }
      const message = typeof p.object.message === 'string' ? p.object.message : undefined;
      if (type === 'comment' && p.action === 'create' && p.rootId && message && !message.startsWith(AUTOSOC_MARK)) {
        return { eventId: p._id, externalId: p.rootId, kind: 'comment', by, text: message.slice(0, 4000) };
      }
      return undefined;
    },
  };
}
