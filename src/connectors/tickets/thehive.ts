// TheHive 5 API v1 (docs.strangebee.com, "TheHive API"): an alert per case with its observables,
// sourceRef = the correlation id (TheHive refuses a second alert with the same type, source
// and sourceRef), found with the Query API; comments on the alert. TheHive's webhook notifier
// sends the audit event ({ operation, objectType, objectId, object, details, requestId }) with
// the Authorization header configured in its endpoint: here a bearer token.
import { AUTOSOC_MARK, draftLines, header, parseJsonBody, type TicketDraft, type TicketEvent, type TicketSystem, ticketHttp, type WebhookRequest } from './ticket-system';
import { sharedTokenMatches } from './servicenow';
import { trimEndChars } from '../../domain/text-scan';

export interface TheHiveOptions { baseUrl: string; apiKey: string; webhookToken?: string }

const SEVERITY: Record<string, number> = { informational: 1, low: 1, medium: 2, high: 3, critical: 4 };
// Alert statuses TheHive 5 counts as closed (its default "Closed" stage).
const CLOSED = new Set(['Closed', 'FalsePositive', 'Duplicated', 'Ignored', 'Other']);

export function theHiveSystem(o: TheHiveOptions): TicketSystem {
  const base = trimEndChars(o.baseUrl, '/');
  const http = ticketHttp('thehive');
  const headers = { authorization: `Bearer ${o.apiKey}`, 'content-type': 'application/json' };
  const call = async (path: string, body: unknown) =>
    http.parseJson(await http.request({ vendor: 'thehive', url: `${base}${path}`, method: 'POST', headers, body: JSON.stringify(body), timeoutMs: 15_000 }), `thehive ${path}`);
  const ref = (a: { _id?: string }) => ({ id: String(a._id), key: String(a._id), url: `${base}/alerts/${a._id}/details` });

  return {
    name: 'thehive',
    async find(correlationId) {
      const rows = await call('/api/v1/query', {
        query: [{ _name: 'listAlert' }, { _name: 'filter', _and: [{ _field: 'sourceRef', _value: correlationId }, { _field: 'source', _value: 'autosoc' }] }, { _name: 'page', from: 0, to: 2 }],
      }) as { _id: string }[] | undefined;
      return rows?.[0] && ref(rows[0]);
    },
    async create(d: TicketDraft) {
      const created = await call('/api/v1/alert', {
        type: 'autosoc', source: 'autosoc', sourceRef: d.correlationId, title: d.title.slice(0, 512), description: draftLines(d).join('\n\n'),
        severity: SEVERITY[d.severity] ?? 2, tags: ['autosoc'], observables: d.observables,
      }) as { _id?: string } | undefined;
      return ref(created ?? {});
    },
    async comment(t, text) {
      await call(`/api/v1/alert/${encodeURIComponent(t.id)}/comment`, { message: `${AUTOSOC_MARK} ${text}` });
    },
    verifyWebhook: (req: WebhookRequest) => sharedTokenMatches(o.webhookToken && `Bearer ${o.webhookToken}`, header(req, 'authorization')),
    parseWebhook(req: WebhookRequest): TicketEvent | undefined {
      const p = parseJsonBody(req) as { operation?: string; objectType?: string; objectId?: string; rootId?: string; requestId?: string; object?: Record<string, unknown>; details?: Record<string, unknown> } | undefined;
      if (!p?.requestId || !p.object) return undefined;
      const by = String(p.object._updatedBy ?? p.object._createdBy ?? 'unknown').slice(0, 256);
      const type = (p.objectType ?? '').toLowerCase();
      if (type === 'alert' && p.operation?.toLowerCase() === 'update' && p.objectId && CLOSED.has(String(p.details?.status ?? ''))) {
        const status = String(p.details?.status);
        return { eventId: p.requestId, externalId: p.objectId, kind: 'closed', by, text: status, falsePositive: status === 'FalsePositive' };
      }
      const message = typeof p.object.message === 'string' ? p.object.message : undefined;
      if (type === 'comment' && p.operation?.toLowerCase() === 'creation' && p.rootId && message && !message.startsWith(AUTOSOC_MARK)) {
        return { eventId: p.requestId, externalId: p.rootId, kind: 'comment', by, text: message.slice(0, 4000) };
      }
      return undefined;
    },
  };
}
