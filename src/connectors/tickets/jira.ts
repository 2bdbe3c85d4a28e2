// Jira Cloud, REST API v3 (developer.atlassian.com/cloud/jira/platform/rest/v3): an issue per
// case, labelled with its correlation id; descriptions and comments in the Atlassian Document
// Format; webhooks signed with the admin webhook's secret (X-Hub-Signature: sha256=<HMAC>).
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  AUTOSOC_MARK, draftLines, header, parseJsonBody, type TicketDraft, type TicketEvent, type TicketRef, type TicketSystem, ticketHttp, type WebhookRequest,
} from './ticket-system';
import { trimEndChars } from '../../domain/text-scan';

export interface JiraOptions { baseUrl: string; email: string; apiToken: string; projectKey: string; issueType: string; webhookSecret?: string }

type Adf = { type: string; version?: number; content?: Adf[]; text?: string };

/** Plain text as an ADF document: one paragraph per line (ADF text nodes must not be empty). */
export function toAdf(lines: string[]): Adf {
  return { type: 'doc', version: 1, content: lines.filter((l) => l.length > 0).map((l) => ({ type: 'paragraph', content: [{ type: 'text', text: l.slice(0, 32_000) }] })) };
}

/** The text of an ADF document (comments written in Jira), bounded. */
export function fromAdf(node: unknown, max = 4000): string {
  const out: string[] = [];
  let size = 0;
  const walk = (n: unknown, depth: number) => {
    if (!n || typeof n !== 'object' || depth > 32 || size > max) return;
    const a = n as Adf;
    if (typeof a.text === 'string') {
      out.push(a.text);
      size += a.text.length;
    }
    if (Array.isArray(a.content)) {
      for (const c of a.content.slice(0, 500)) walk(c, depth + 1);
      if (a.type === 'paragraph') out.push('\n');
    }
  };
  walk(node, 0);
  return out.join('').trim().slice(0, max);
}

export function jiraSystem(o: JiraOptions): TicketSystem {
  const base = trimEndChars(o.baseUrl, '/');
  const http = ticketHttp('jira');
  const headers = { authorization: `Basic ${Buffer.from(`${o.email}:${o.apiToken}`).toString('base64')}`, 'content-type': 'application/json', accept: 'application/json' };
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown) =>
    http.parseJson(await http.request({ vendor: 'jira', url: `${base}${path}`, method, headers, body: body === undefined ? undefined : JSON.stringify(body), timeoutMs: 15_000 }), `jira ${path}`) as Record<string, unknown> | undefined;
  const ref = (i: { id?: unknown; key?: unknown }): TicketRef => ({ id: String(i.id), key: String(i.key), url: `${base}/browse/${String(i.key)}` });

  return {
    name: 'jira',
    async find(correlationId) {
      // "Issue search > Search for issues using JQL enhanced search (POST /rest/api/3/search/jql)".
      const found = await call('POST', '/rest/api/3/search/jql', { jql: `labels = "${correlationId}"`, fields: ['key'], maxResults: 2 });
      const issues = (found?.issues ?? []) as { id: string; key: string }[];
      return issues[0] && ref(issues[0]);
    },
    async create(d: TicketDraft) {
      // "Issues > Create issue (POST /rest/api/3/issue)": 201 { id, key, self }.
      const created = await call('POST', '/rest/api/3/issue', {
        fields: {
          project: { key: o.projectKey }, issuetype: { name: o.issueType }, summary: `[${d.severity}] ${d.title}`.replace(/[\r\n]+/g, ' ').slice(0, 250),
          description: toAdf(draftLines(d)), labels: ['autosoc', d.correlationId],
        },
      });
      return ref(created ?? {});
    },
    async comment(t, text) {
      // "Issue comments > Add comment (POST /rest/api/3/issue/{issueIdOrKey}/comment)", body in ADF.
      await call('POST', `/rest/api/3/issue/${encodeURIComponent(t.id)}/comment`, { body: toAdf([`${AUTOSOC_MARK} ${text}`]) });
    },
    verifyWebhook(req: WebhookRequest) {
      if (!o.webhookSecret) return false;
      const given = Buffer.from(header(req, 'x-hub-signature') ?? '');
      const expected = Buffer.from(`sha256=${createHmac('sha256', o.webhookSecret).update(req.body).digest('hex')}`);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
    parseWebhook(req: WebhookRequest): TicketEvent | undefined {
      const p = parseJsonBody(req);
      // "Webhooks": X-Atlassian-Webhook-Identifier is the same on every retry of a delivery.
      const eventId = header(req, 'x-atlassian-webhook-identifier');
      const issue = p?.issue as { id?: string; key?: string; fields?: { status?: { statusCategory?: { key?: string } }; resolution?: { name?: string } | null } } | undefined;
      if (!p || !eventId || !issue?.id) return undefined;
      const user = (p.user ?? {}) as { displayName?: string; accountId?: string };
      if (p.webhookEvent === 'jira:issue_updated') {
        const items = ((p.changelog as { items?: { field?: string }[] } | undefined)?.items ?? []);
        if (!items.some((i) => i.field === 'status') || issue.fields?.status?.statusCategory?.key !== 'done') return undefined;
        const resolution = issue.fields?.resolution?.name ?? 'Done';
        return { eventId, externalId: issue.id, kind: 'closed', by: user.displayName ?? user.accountId ?? 'unknown', text: resolution, falsePositive: /false positive/i.test(resolution) };
      }
      if (p.webhookEvent === 'comment_created') {
        const comment = p.comment as { body?: unknown; author?: { displayName?: string; accountId?: string } } | undefined;
        const text = fromAdf(comment?.body);
        if (!text || text.startsWith(AUTOSOC_MARK)) return undefined;
        return { eventId, externalId: issue.id, kind: 'comment', by: comment?.author?.displayName ?? comment?.author?.accountId ?? 'unknown', text };
      }
      return undefined;
    },
  };
}
