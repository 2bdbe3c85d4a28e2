// A local Jira Cloud, REST API v3 (developer.atlassian.com/cloud/jira/platform/rest/v3):
// - "Issues > Create issue": POST /rest/api/3/issue → 201 { id, key, self }; 400 { errorMessages, errors } when fields are missing.
// - "Issue search > Search for issues using JQL enhanced search": POST /rest/api/3/search/jql { jql } → { issues: [{ id, key }] }
//   (only `labels = "<label>"` is understood here).
//   Also `labels = "autosoc" AND statusCategory = Done AND updated >= "yyyy/MM/dd HH:mm" ORDER BY updated ASC`
//   (the poller's; dates in UTC, the integration user's zone) with expand=changelog → issues with fields and changelog.histories.
// - "Issue comments > Add comment": POST /rest/api/3/issue/{idOrKey}/comment { body: ADF } → 201;
//   "Get comments": GET /rest/api/3/issue/{idOrKey}/comment → { comments: [{ id, body, author }], total }.
// - "Issues > Get issue": GET /rest/api/3/issue/{idOrKey}?fields=status → { id, key, fields: { status } }.
// - "Issues > Get transitions": GET .../transitions → { transitions: [{ id, name, to: { statusCategory } }] };
//   "Transition issue": POST .../transitions { transition: { id } } → 204; 400 for a transition the issue does not have.
// - Basic auth with e-mail and API token ("Basic auth for REST APIs"); 401 otherwise.
// - Webhooks ("Webhooks"): the delivery this server would send, signed with the admin webhook's
//   secret (X-Hub-Signature: sha256=<HMAC-SHA256 of the body>), X-Atlassian-Webhook-Identifier per delivery;
//   bodies as "Webhooks > Example callback for an issue-related event": { timestamp, webhookEvent, user, issue, changelog }
//   and for comments { timestamp, webhookEvent: 'comment_created', comment, issue }.
import { createHmac, randomUUID } from 'node:crypto';
import { type Answer, type StoredTicket, TicketServer } from './ticket-server';

// A SOC project's workflow: reopen, resolve, or resolve as a false positive (both into the Done category).
const TRANSITIONS = [
  { id: '11', name: 'To Do', to: { name: 'To Do', statusCategory: { key: 'new' } } },
  { id: '31', name: 'Done', to: { name: 'Done', statusCategory: { key: 'done' } } },
  { id: '41', name: 'False Positive', to: { name: 'False Positive', statusCategory: { key: 'done' } } },
];
const ADF = (text: string) => ({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] });
/** Jira's date-time format: 2024-05-01T10:00:00.000+0000. */
const jiraTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');
const POLL_JQL =
  /^labels = "autosoc" AND statusCategory = Done AND updated >= "(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d)" ORDER BY updated ASC$/;

export class JiraServer extends TicketServer {
  readonly email = 'autosoc@example.com';
  readonly apiToken = `jira-${randomUUID()}`;
  readonly webhookSecret = `whsec-${randomUUID()}`;

  protected authorized(a: string | undefined) {
    return a === `Basic ${Buffer.from(`${this.email}:${this.apiToken}`).toString('base64')}`;
  }
  protected isCreate(method: string, path: string) {
    return method === 'POST' && path === '/rest/api/3/issue';
  }
  protected isComment(method: string, path: string) {
    return method === 'POST' && path.endsWith('/comment');
  }
  /** Who changed each issue's status, oldest first (the changelog's histories). */
  private readonly histories = new Map<
    string,
    { author: { displayName: string }; created: string; items: { field: string; toString: string }[] }[]
  >();

  private status(t: StoredTicket) {
    return t.closed ? { name: 'Done', statusCategory: { key: 'done' } } : { name: 'To Do', statusCategory: { key: 'new' } };
  }

  private close(t: StoredTicket, by: string, resolution: string) {
    this.closeTicket(t, by, resolution);
    this.histories.set(t.id, [
      ...(this.histories.get(t.id) ?? []),
      { author: { displayName: by }, created: jiraTime(t.updatedAt), items: [{ field: 'status', toString: 'Done' }] },
    ]);
  }

  /** A human resolves the issue in Jira (no webhook: what the poller must find). */
  resolveAsHuman(id: string, by: string, resolution: string): StoredTicket {
    const t = this.byId(id)!;
    this.close(t, by, resolution);
    return t;
  }

  protected route(method: string, path: string, _q: URLSearchParams, body: Record<string, unknown>): Answer {
    if (method === 'POST' && path === '/rest/api/3/issue') {
      const fields = body.fields as
        { summary?: string; project?: { key?: string }; labels?: string[]; description?: { type?: string } } | undefined;
      if (!fields?.summary || !fields.project?.key)
        return [400, { errorMessages: [], errors: { summary: 'You must specify a summary of the issue.' } }];
      if (fields.description && fields.description.type !== 'doc')
        return [400, { errorMessages: [], errors: { description: 'Operation value must be an Atlassian Document' } }];
      const label = (fields.labels ?? []).find((l) => l.startsWith('autosoc-')) ?? '';
      const t = this.store(
        label,
        fields,
        (n) => `${fields.project!.key}-${n}`,
        (n) => String(10_000 + n),
      );
      return [201, { id: t.id, key: t.key, self: `${this.url}/rest/api/3/issue/${t.id}` }];
    }
    if (method === 'POST' && path === '/rest/api/3/search/jql') {
      const jql = String(body.jql ?? '');
      const label = /^labels = "([^"]+)"$/.exec(jql)?.[1];
      if (label)
        return [
          200,
          { issues: this.tickets.filter((t) => t.correlationId === label).map((t) => ({ id: t.id, key: t.key })), isLast: true },
        ];
      const since = POLL_JQL.exec(jql);
      if (!since) return [400, { errorMessages: ['Error in the JQL Query'], errors: {} }];
      const from = Date.UTC(+since[1], +since[2] - 1, +since[3], +since[4], +since[5]);
      const found = this.tickets
        .filter((t) => t.closed && t.updatedAt >= from)
        .sort((a, b) => a.updatedAt - b.updatedAt)
        .slice(0, Number(body.maxResults ?? 50));
      return [
        200,
        {
          isLast: true,
          issues: found.map((t) => ({
            id: t.id,
            key: t.key,
            fields: { status: this.status(t), resolution: { name: t.closed!.resolution }, updated: jiraTime(t.updatedAt) },
            ...(body.expand === 'changelog' ? { changelog: { histories: this.histories.get(t.id) ?? [] } } : {}),
          })),
        },
      ];
    }
    const one = /^\/rest\/api\/3\/issue\/([^/]+)(\/comment|\/transitions)?$/.exec(path);
    const t = one && this.byId(decodeURIComponent(one[1]));
    if (one && !t) return [404, { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} }];
    if (t && one[2] === '/comment' && method === 'POST') {
      t.comments.push(JSON.stringify(body.body));
      return [201, { id: String(t.comments.length) }];
    }
    if (t && one[2] === '/comment' && method === 'GET') {
      const comments = t.comments
        .map((c, i) => ({ id: String(i + 1), body: JSON.parse(c) as unknown, author: { displayName: this.email } }))
        .reverse();
      return [200, { startAt: 0, maxResults: 100, total: comments.length, comments: comments.slice(0, 100) }];
    }
    if (t && one[2] === '/transitions' && method === 'GET')
      return [200, { transitions: TRANSITIONS.filter((x) => x.to.statusCategory.key !== this.status(t).statusCategory.key) }];
    if (t && one[2] === '/transitions' && method === 'POST') {
      t.closeRequests += 1;
      const to = TRANSITIONS.find((x) => x.id === (body.transition as { id?: string } | undefined)?.id);
      if (!to || to.to.statusCategory.key === this.status(t).statusCategory.key)
        return [
          400,
          {
            errorMessages: [`Transition id '${String((body.transition as { id?: string } | undefined)?.id)}' is not valid for this issue.`],
            errors: {},
          },
        ];
      if (to.to.statusCategory.key === 'done') this.close(t, this.email, to.name);
      else t.closed = undefined;
      return [204];
    }
    if (t && !one[2] && method === 'GET') return [200, { id: t.id, key: t.key, fields: { status: this.status(t) } }];
    return [404, { errorMessages: ['not found'] }];
  }

  /** What Jira posts when the issue is resolved: jira:issue_updated with the status change in its changelog. */
  resolvedWebhook(t: StoredTicket, opts: { id?: string } = {}) {
    return this.webhook(
      {
        webhookEvent: 'jira:issue_updated',
        issue_event_type_name: 'issue_generic',
        user: { displayName: t.closed!.by, accountId: `acc-${t.closed!.by.length}` },
        issue: {
          id: t.id,
          key: t.key,
          self: `${this.url}/rest/api/3/issue/${t.id}`,
          fields: { status: this.status(t), resolution: { name: t.closed!.resolution }, updated: jiraTime(t.updatedAt) },
        },
        changelog: { id: String(t.updatedAt), items: [{ field: 'status', fieldtype: 'jira', fromString: 'To Do', toString: 'Done' }] },
      },
      opts,
    );
  }

  /** What Jira posts when a human comments on the issue. */
  commentWebhook(t: StoredTicket, by: string, text: string, opts: { id?: string } = {}) {
    return this.webhook(
      {
        webhookEvent: 'comment_created',
        comment: { id: String(t.comments.length + 1), body: ADF(text), author: { displayName: by }, created: jiraTime(Date.now()) },
        issue: { id: t.id, key: t.key, self: `${this.url}/rest/api/3/issue/${t.id}`, fields: { status: this.status(t) } },
      },
      opts,
    );
  }

  /** A webhook delivery as Jira sends it, signed. */
  webhook(payload: Record<string, unknown>, opts: { id?: string; secret?: string } = {}) {
    const body = JSON.stringify({ timestamp: 1_700_000_000_000, ...payload });
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-atlassian-webhook-identifier': opts.id ?? randomUUID(),
        'x-hub-signature': `sha256=${createHmac('sha256', opts.secret ?? this.webhookSecret)
          .update(body)
          .digest('hex')}`,
      },
    };
  }
}
