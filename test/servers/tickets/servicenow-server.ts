// A local ServiceNow Table API (docs.servicenow.com, "REST API reference > Table API"):
// - GET /api/now/table/{table}?sysparm_query=<encoded query>&sysparm_fields&sysparm_limit → { result: [...] }.
//   Encoded queries ("Encoded query strings"): terms joined by ^; understood here: correlation_id=,
//   correlation_display=, stateIN<a,b>, sys_updated_on>=<yyyy-MM-dd HH:mm:ss> (UTC), ORDERBY<field>.
//   A term it does not know is a 400 (stricter than ServiceNow, which may ignore it): autosoc's queries stay honest.
// - GET /api/now/table/{table}/{sys_id}?sysparm_fields → { result: {...} }.
// - POST /api/now/table/{table} → 201 { result: { sys_id, number, ... } }.
// - PATCH /api/now/table/{table}/{sys_id} → 200 { result }; 404 { error: { message: 'No Record found' }, status: 'failure' }.
//   work_notes in a PATCH become a journal entry (sys_journal_field, element=work_notes, element_id=sys_id).
// - GET /api/now/table/sys_journal_field?sysparm_query=element_id=<sys_id>^element=work_notes^valueLIKE<text>.
// - Basic auth; 401 { error: { message: 'User Not Authenticated' } } otherwise.
// Outbound: ServiceNow has no built-in webhook. The business rule autosoc's README gives ("Business
// rules" + "RESTMessageV2 API") posts { sys_id, number, sys_mod_count, state, close_code,
// close_notes, updated_by, comment? } with the X-Autosoc-Webhook-Token header: changeWebhook builds exactly that.
import { randomBytes, randomUUID } from 'node:crypto';
import { type Answer, type StoredTicket, TicketServer } from './ticket-server';

const CLOSED: Record<string, string[]> = { incident: ['6', '7'], sn_si_incident: ['3'] };
const snTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

export class ServiceNowServer extends TicketServer {
  readonly user = 'autosoc.integration';
  readonly password = `sn-${randomUUID()}`;
  readonly webhookToken = `snwh-${randomUUID()}`;
  /** Each record's update count (sys_mod_count) and its last updater (sys_updated_by). */
  private readonly mods = new Map<string, { count: number; by: string }>();

  constructor(readonly table: 'sn_si_incident' | 'incident') {
    super();
  }

  protected authorized(a: string | undefined) {
    return a === `Basic ${Buffer.from(`${this.user}:${this.password}`).toString('base64')}`;
  }
  protected isCreate(method: string, path: string) {
    return method === 'POST' && path === `/api/now/table/${this.table}`;
  }
  protected isComment(method: string, _path: string, body: Record<string, unknown>) {
    return method === 'PATCH' && typeof body.work_notes === 'string';
  }

  private touch(t: StoredTicket, by: string) {
    const m = this.mods.get(t.id) ?? { count: 0, by };
    this.mods.set(t.id, { count: m.count + 1, by });
    t.updatedAt = this.tick();
  }

  private row(t: StoredTicket): Record<string, string> {
    return {
      sys_id: t.id,
      number: t.key,
      state: String(t.fields.state ?? '1'),
      close_code: String(t.fields.close_code ?? ''),
      close_notes: String(t.fields.close_notes ?? ''),
      correlation_id: t.correlationId,
      correlation_display: String(t.fields.correlation_display ?? ''),
      sys_updated_on: snTime(t.updatedAt),
      sys_updated_by: this.mods.get(t.id)?.by ?? this.user,
      sys_mod_count: String(this.mods.get(t.id)?.count ?? 0),
    };
  }

  private static pick(row: Record<string, string>, fields: string | null) {
    return fields ? Object.fromEntries(fields.split(',').map((f) => [f, row[f] ?? ''])) : row;
  }

  /** The rows an encoded query selects, or the term it does not understand. */
  private query(encoded: string): StoredTicket[] | string {
    let rows = [...this.tickets];
    for (const term of encoded.split('^').filter(Boolean)) {
      let m: RegExpExecArray | null;
      if ((m = /^correlation_id=(.+)$/.exec(term))) rows = rows.filter((t) => t.correlationId === m![1]);
      else if ((m = /^correlation_display=(.+)$/.exec(term))) rows = rows.filter((t) => t.fields.correlation_display === m![1]);
      else if ((m = /^stateIN([\d,]+)$/.exec(term))) rows = rows.filter((t) => m![1].split(',').includes(String(t.fields.state ?? '1')));
      else if ((m = /^sys_updated_on>=(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)$/.exec(term)))
        rows = rows.filter((t) => snTime(t.updatedAt) >= m![1]);
      else if (term === 'ORDERBYsys_updated_on') rows.sort((a, b) => a.updatedAt - b.updatedAt);
      else return term;
    }
    return rows;
  }

  protected route(method: string, path: string, q: URLSearchParams, body: Record<string, unknown>): Answer {
    const base = `/api/now/table/${this.table}`;
    const limit = Number(q.get('sysparm_limit') ?? 10_000);
    if (method === 'GET' && path === '/api/now/table/sys_journal_field') {
      const m = /^element_id=([0-9a-f]{32})\^element=work_notes\^valueLIKE(.+)$/.exec(q.get('sysparm_query') ?? '');
      if (!m) return [400, { error: { message: 'unsupported journal query' }, status: 'failure' }];
      const notes = (this.byId(m[1])?.comments ?? []).filter((c) => c.toLowerCase().includes(m[2].toLowerCase()));
      return [200, { result: notes.slice(0, limit).map((_, i) => ({ sys_id: `${m[1].slice(0, 28)}${String(i).padStart(4, '0')}` })) }];
    }
    if (method === 'GET' && path === base) {
      const rows = this.query(q.get('sysparm_query') ?? '');
      if (typeof rows === 'string') return [400, { error: { message: `Invalid query term: ${rows}` }, status: 'failure' }];
      return [200, { result: rows.slice(0, limit).map((t) => ServiceNowServer.pick(this.row(t), q.get('sysparm_fields'))) }];
    }
    if (method === 'POST' && path === base) {
      if (!body.short_description) return [400, { error: { message: 'short_description is mandatory', detail: '' }, status: 'failure' }];
      const prefix = this.table === 'incident' ? 'INC' : 'SIR';
      const t = this.store(
        String(body.correlation_id ?? ''),
        body,
        (n) => `${prefix}${String(n).padStart(7, '0')}`,
        () => randomBytes(16).toString('hex'),
      );
      this.touch(t, this.user);
      return [201, { result: { sys_id: t.id, number: t.key } }];
    }
    const one = new RegExp(`^${base}/([0-9a-f]{32})$`).exec(path);
    const t = one && this.byId(one[1]);
    if (one && !t)
      return [
        404,
        { error: { message: 'No Record found', detail: "Record doesn't exist or ACL restricts the record retrieval" }, status: 'failure' },
      ];
    if (t && method === 'GET') return [200, { result: ServiceNowServer.pick(this.row(t), q.get('sysparm_fields')) }];
    if (t && method === 'PATCH') {
      if (typeof body.work_notes === 'string') t.comments.push(body.work_notes);
      if (body.state !== undefined) t.closeRequests += 1;
      for (const k of ['state', 'close_code', 'close_notes'] as const) if (typeof body[k] === 'string') t.fields[k] = body[k];
      if (CLOSED[this.table].includes(String(t.fields.state)) && !t.closed)
        this.closeTicket(t, this.user, String(t.fields.close_code ?? ''));
      this.touch(t, this.user);
      return [200, { result: ServiceNowServer.pick(this.row(t), q.get('sysparm_fields')) }];
    }
    return [400, { error: { message: 'Invalid table' }, status: 'failure' }];
  }

  /** A human closes the record in ServiceNow (no webhook: what the poller must find). */
  closeAsHuman(id: string, by: string, closeCode: string, notes: string): StoredTicket {
    const t = this.byId(id)!;
    Object.assign(t.fields, { state: CLOSED[this.table][0], close_code: closeCode, close_notes: notes });
    this.closeTicket(t, by, closeCode);
    this.touch(t, by);
    return t;
  }

  /** What the business rule's outbound REST message posts after a change (a comment: its work note). */
  changeWebhook(t: StoredTicket, comment?: { by: string; text: string }) {
    const r = this.row(t);
    if (comment) {
      t.comments.push(comment.text);
      this.touch(t, comment.by);
    }
    const now = this.row(t);
    return this.webhook({
      sys_id: r.sys_id,
      number: r.number,
      sys_mod_count: now.sys_mod_count,
      state: r.state,
      close_code: r.close_code,
      close_notes: r.close_notes,
      updated_by: now.sys_updated_by,
      ...(comment ? { comment: comment.text } : {}),
    });
  }

  /** A delivery with the configured token (or another). */
  webhook(payload: Record<string, unknown>, token = this.webhookToken) {
    return { body: JSON.stringify(payload), headers: { 'content-type': 'application/json', 'x-autosoc-webhook-token': token } };
  }
}
