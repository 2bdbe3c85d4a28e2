// Jira Cloud, REST API v3 (developer.atlassian.com/cloud/jira/platform/rest/v3): an issue per
// case, labelled with its correlation id; descriptions and comments in the Atlassian Document
// Format; webhooks signed with the admin webhook's secret (X-Hub-Signature: sha256=<HMAC>).
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  AUTOSOC_MARK,
  type ClosedTicket,
  draftLines,
  header,
  parseJsonBody,
  type TicketDraft,
  type TicketEvent,
  type TicketRef,
  TicketError,
  type TicketSystem,
  ticketHttp,
  type WebhookRequest,
} from './ticket-system';
import { trimEndChars } from '../../domain/text-scan';

export interface JiraOptions {
  baseUrl: string;
  email: string;
  apiToken: string;
  projectKey: string;
  issueType: string;
  webhookSecret?: string;
}

type Adf = { type: string; version?: number; content?: Adf[]; text?: string };

/** Plain text as an ADF document: one paragraph per line (ADF text nodes must not be empty). */
export function toAdf(lines: string[]): Adf {
  return {
    type: 'doc',
    version: 1,
    content: lines.filter((l) => l.length > 0).map((l) => ({ type: 'paragraph', content: [{ type: 'text', text: l.slice(0, 32_000) }] })),
  };
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

type JiraStatus = { statusCategory?: { key?: string } };
type JiraIssue = {
  id: string;
  fields?: { updated?: string; resolution?: { name?: string } | null };
  changelog?: { histories?: { author?: { displayName?: string; accountId?: string }; items?: { field?: string }[] }[] };
};

/** "yyyy/MM/dd HH:mm" (a JQL date) of an ISO time, in UTC. */
const jqlDate = (iso: string) => new Date(iso).toISOString().slice(0, 16).replace('T', ' ').replace(/-/g, '/');
/** Jira's "2024-05-01T10:00:00.000+0000" as ISO. */
const isoFromJira = (t: string | undefined) => new Date((t ?? '').replace(/([+-]\d\d)(\d\d)$/, '$1:$2')).toISOString();
/** Who moved the issue's status last (the changelog's newest status change; Jira lists histories oldest first). */
function lastStatusChangeBy(i: JiraIssue): string {
  const changes = (i.changelog?.histories ?? []).filter((h) => (h.items ?? []).some((x) => x.field === 'status'));
  const author = changes[changes.length - 1]?.author;
  return (author?.displayName ?? author?.accountId ?? 'unknown').slice(0, 256);
}

export function jiraSystem(o: JiraOptions): TicketSystem {
  const base = trimEndChars(o.baseUrl, '/');
  const http = ticketHttp('jira');
  const headers = {
    authorization: `Basic ${Buffer.from(`${o.email}:${o.apiToken}`).toString('base64')}`,
    'content-type': 'application/json',
    accept: 'application/json',
  };
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown) =>
    http.parseJson(
      await http.request({
        vendor: 'jira',
        url: `${base}${path}`,
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        timeoutMs: 15_000,
      }),
      `jira ${path}`,
    ) as Record<string, unknown> | undefined;
  const ref = (i: { id?: unknown; key?: unknown }): TicketRef => ({
    id: String(i.id),
    key: String(i.key),
    url: `${base}/browse/${String(i.key)}`,
  });

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
          project: { key: o.projectKey },
          issuetype: { name: o.issueType },
          summary: `[${d.severity}] ${d.title}`.replace(/[\r\n]+/g, ' ').slice(0, 250),
          description: toAdf(draftLines(d)),
          labels: ['autosoc', d.correlationId],
        },
      });
      return ref(created ?? {});
    },
    async comment(t, text) {
      // "Issue comments > Add comment (POST /rest/api/3/issue/{issueIdOrKey}/comment)", body in ADF.
      await call('POST', `/rest/api/3/issue/${encodeURIComponent(t.id)}/comment`, { body: toAdf([`${AUTOSOC_MARK} ${text}`]) });
    },
    async hasComment(t, marker) {
      // "Issue comments > Get comments (GET /rest/api/3/issue/{issueIdOrKey}/comment)": newest first.
      const page = await call('GET', `/rest/api/3/issue/${encodeURIComponent(t.id)}/comment?orderBy=-created&maxResults=100`);
      return ((page?.comments ?? []) as { body?: unknown }[]).some((c) => fromAdf(c.body).includes(marker));
    },
    async resolve(t, r) {
      const issue = `/rest/api/3/issue/${encodeURIComponent(t.id)}`;
      // "Issues > Get issue" with fields=status: already in the Done category means nothing to do.
      const now = (await call('GET', `${issue}?fields=status`)) as { fields?: { status?: JiraStatus } } | undefined;
      if (now?.fields?.status?.statusCategory?.key === 'done') return false;
      // "Issues > Get transitions" then "Issues > Transition issue" (204): the workflow's first transition into Done.
      const listed = (await call('GET', `${issue}/transitions`)) as
        { transitions?: { id: string; name?: string; to?: JiraStatus }[] } | undefined;
      // The workflow's false-positive transition when there is one and the alert was one; else its first into Done.
      const intoDone = (listed?.transitions ?? []).filter((x) => x.to?.statusCategory?.key === 'done');
      const done = (r.falsePositive && intoDone.find((x) => /false positive/i.test(x.name ?? ''))) || intoDone[0];
      if (!done) throw new TicketError(`jira: issue ${t.key} has no transition into a Done status (check the project's workflow)`, false);
      await call('POST', `${issue}/transitions`, { transition: { id: done.id } });
      return true;
    },
    async closedSince(since, limit) {
      // JQL dates have minute precision, in the API user's time zone: that user's zone must be UTC
      // (README). The minute is read again next time; the caller dedupes by ticket.
      const jql = `labels = "autosoc" AND statusCategory = Done AND updated >= "${jqlDate(since)}" ORDER BY updated ASC`;
      const found = await call('POST', '/rest/api/3/search/jql', {
        jql,
        fields: ['status', 'resolution', 'updated'],
        expand: 'changelog',
        maxResults: limit,
      });
      return ((found?.issues ?? []) as JiraIssue[]).map((i): ClosedTicket => {
        const resolution = i.fields?.resolution?.name ?? 'Done';
        return {
          externalId: String(i.id),
          by: lastStatusChangeBy(i),
          text: resolution,
          falsePositive: /false positive/i.test(resolution),
          updatedAt: isoFromJira(i.fields?.updated),
        };
      });
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
      const issue = p?.issue as
        | { id?: string; key?: string; fields?: { status?: { statusCategory?: { key?: string } }; resolution?: { name?: string } | null } }
        | undefined;
      if (!p || !eventId || !issue?.id) return undefined;
      const user = (p.user ?? {}) as { displayName?: string; accountId?: string };
      if (p.webhookEvent === 'jira:issue_updated') {
        const items = (p.changelog as { items?: { field?: string }[] } | undefined)?.items ?? [];
        if (!items.some((i) => i.field === 'status') || issue.fields?.status?.statusCategory?.key !== 'done') return undefined;
        const resolution = issue.fields?.resolution?.name ?? 'Done';
        return {
          eventId,
          externalId: issue.id,
          kind: 'closed',
          by: user.displayName ?? user.accountId ?? 'unknown',
          text: resolution,
          falsePositive: /false positive/i.test(resolution),
        };
      }
      if (p.webhookEvent === 'comment_created') {
        const comment = p.comment as { body?: unknown; author?: { displayName?: string; accountId?: string } } | undefined;
        const text = fromAdf(comment?.body);
        if (!text || text.startsWith(AUTOSOC_MARK)) return undefined;
        return {
          eventId,
          externalId: issue.id,
          kind: 'comment',
          by: comment?.author?.displayName ?? comment?.author?.accountId ?? 'unknown',
          text,
        };
      }
      return undefined;
    },
  };
}
