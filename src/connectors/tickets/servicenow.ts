// ServiceNow Table API (docs.servicenow.com, "Table API": GET/POST/PATCH /api/now/table/{tableName}):
// a security incident (sn_si_incident, Security Incident Response) or an incident per case,
// found by its correlation_id field; comments as work notes. ServiceNow has no signed outbound
// webhooks: a business rule's outbound REST message sends the token configured here
// (X-Autosoc-Webhook-Token) with the record's state, close code and who changed it.
import { timingSafeEqual } from 'node:crypto';
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
import { trimEndChars } from '../../domain/text-scan';

export interface ServiceNowOptions {
  baseUrl: string;
  user: string;
  password: string;
  table: 'sn_si_incident' | 'incident';
  webhookToken?: string;
}

// Incident state 6 = Resolved, 7 = Closed (incident table); Security incident: 3 = Closed, 100/110 review.
const CLOSED_STATES: Record<string, string[]> = { incident: ['6', '7'], sn_si_incident: ['3'] };
// How autosoc closes a record: the state, and close codes from the table's default choice list.
const CLOSE: Record<string, { state: string; falsePositive: string; resolved: string }> = {
  incident: { state: '6', falsePositive: 'No resolution provided', resolved: 'Solution provided' },
  sn_si_incident: { state: '3', falsePositive: 'False positive', resolved: 'Resolved' },
};
/** "yyyy-MM-dd HH:mm:ss", the Table API's date-time (UTC with sysparm_display_value false, the default). */
const snDate = (iso: string) => new Date(iso).toISOString().slice(0, 19).replace('T', ' ');
const PRIORITY: Record<string, string> = { critical: '1', high: '2', medium: '3', low: '4', informational: '4' };

export function sharedTokenMatches(expected: string | undefined, given: string | undefined): boolean {
  if (!expected || !given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function serviceNowSystem(o: ServiceNowOptions): TicketSystem {
  const base = trimEndChars(o.baseUrl, '/');
  const http = ticketHttp('servicenow');
  const headers = {
    authorization: `Basic ${Buffer.from(`${o.user}:${o.password}`).toString('base64')}`,
    'content-type': 'application/json',
    accept: 'application/json',
  };
  const table = `/api/now/table/${o.table}`;
  const call = async (method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown) =>
    (
      http.parseJson(
        await http.request({
          vendor: 'servicenow',
          url: `${base}${path}`,
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          timeoutMs: 15_000,
        }),
        `servicenow ${o.table}`,
      ) as { result?: unknown } | undefined
    )?.result;
  const ref = (r: { sys_id?: string; number?: string }) => ({
    id: String(r.sys_id),
    key: String(r.number ?? r.sys_id),
    url: `${base}/nav_to.do?uri=${o.table}.do?sys_id=${r.sys_id}`,
  });

  return {
    name: 'servicenow',
    async find(correlationId) {
      const q = new URLSearchParams({
        sysparm_query: `correlation_id=${correlationId}`,
        sysparm_fields: 'sys_id,number',
        sysparm_limit: '1',
      });
      const rows = (await call('GET', `${table}?${q}`)) as { sys_id: string; number: string }[] | undefined;
      return rows?.[0] && ref(rows[0]);
    },
    async create(d: TicketDraft) {
      const created = (await call('POST', `${table}?sysparm_fields=sys_id,number`, {
        short_description: `[${d.severity}] ${d.title}`.replace(/[\r\n]+/g, ' ').slice(0, 160),
        description: draftLines(d).join('\n'),
        correlation_id: d.correlationId,
        correlation_display: 'autosoc',
        priority: PRIORITY[d.severity] ?? '3',
      })) as { sys_id?: string; number?: string } | undefined;
      return ref(created ?? {});
    },
    async comment(t, text) {
      await call('PATCH', `${table}/${encodeURIComponent(t.id)}?sysparm_fields=sys_id`, { work_notes: `${AUTOSOC_MARK} ${text}` });
    },
    async hasComment(t, marker) {
      // Work notes are journal entries: "Table API > GET /api/now/table/sys_journal_field" by element_id and element.
      const q = new URLSearchParams({
        sysparm_query: `element_id=${t.id}^element=work_notes^valueLIKE${marker}`,
        sysparm_fields: 'sys_id',
        sysparm_limit: '1',
      });
      return (((await call('GET', `/api/now/table/sys_journal_field?${q}`)) ?? []) as unknown[]).length > 0;
    },
    async resolve(t, r) {
      const record = `${table}/${encodeURIComponent(t.id)}`;
      const now = (await call('GET', `${record}?sysparm_fields=state`)) as { state?: string } | undefined;
      if (CLOSED_STATES[o.table].includes(String(now?.state))) return false;
      const close = CLOSE[o.table];
      await call('PATCH', `${record}?sysparm_fields=sys_id`, {
        state: close.state,
        close_code: r.falsePositive ? close.falsePositive : close.resolved,
        close_notes: `${AUTOSOC_MARK} ${r.note}`.slice(0, 4000),
      });
      return true;
    },
    async closedSince(since, limit) {
      const q = new URLSearchParams({
        sysparm_query: `correlation_display=autosoc^stateIN${CLOSED_STATES[o.table].join(',')}^sys_updated_on>=${snDate(since)}^ORDERBYsys_updated_on`,
        sysparm_fields: 'sys_id,state,close_code,close_notes,sys_updated_on,sys_updated_by',
        sysparm_limit: String(limit),
      });
      const rows = ((await call('GET', `${table}?${q}`)) ?? []) as Record<string, string | undefined>[];
      return rows.map((p): ClosedTicket => {
        const code = p.close_code || 'Resolved';
        return {
          externalId: String(p.sys_id),
          by: (p.sys_updated_by ?? 'unknown').slice(0, 256),
          text: [code, p.close_notes].filter(Boolean).join(': ').slice(0, 1000),
          falsePositive: /false positive/i.test(code),
          updatedAt: new Date(`${String(p.sys_updated_on).replace(' ', 'T')}Z`).toISOString(),
        };
      });
    },
    verifyWebhook: (req: WebhookRequest) => sharedTokenMatches(o.webhookToken, header(req, 'x-autosoc-webhook-token')),
    parseWebhook(req: WebhookRequest): TicketEvent | undefined {
      // The business rule's body: { sys_id, number, sys_mod_count, state, close_code, close_notes, updated_by, comment? }.
      const p = parseJsonBody(req) as Record<string, string | undefined> | undefined;
      if (!p?.sys_id || !p.sys_mod_count) return undefined;
      const eventId = `${p.sys_id}:${p.sys_mod_count}`;
      const by = (p.updated_by ?? 'unknown').slice(0, 256);
      if (p.comment && !p.comment.startsWith(AUTOSOC_MARK))
        return { eventId, externalId: p.sys_id, kind: 'comment', by, text: p.comment.slice(0, 4000) };
      if (p.state && CLOSED_STATES[o.table].includes(String(p.state))) {
        const code = p.close_code ?? 'Resolved';
        return {
          eventId,
          externalId: p.sys_id,
          kind: 'closed',
          by,
          text: [code, p.close_notes].filter(Boolean).join(': ').slice(0, 1000),
          falsePositive: /false positive/i.test(code),
        };
      }
      return undefined;
    },
  };
}
