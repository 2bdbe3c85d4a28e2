// A local Jira Cloud, REST API v3 (developer.atlassian.com/cloud/jira/platform/rest/v3):
// - "Issues > Create issue": POST /rest/api/3/issue → 201 { id, key, self }; 400 { errorMessages, errors } when fields are missing.
// - "Issue search > Search for issues using JQL enhanced search": POST /rest/api/3/search/jql { jql } → { issues: [{ id, key }] }
//   (only `labels = "<label>"` is understood here).
// - "Issue comments > Add comment": POST /rest/api/3/issue/{idOrKey}/comment { body: ADF } → 201.
// - Basic auth with e-mail and API token ("Basic auth for REST APIs"); 401 otherwise.
// - Webhooks ("Webhooks"): the delivery this server would send, signed with the admin webhook's
//   secret (X-Hub-Signature: sha256=<HMAC-SHA256 of the body>), X-Atlassian-Webhook-Identifier per delivery.
import { createHmac, randomUUID } from 'node:crypto';
import { type Answer, TicketServer } from './ticket-server';

export class JiraServer extends TicketServer {
  readonly email = 'autosoc@example.com';
  readonly apiToken = `jira-${randomUUID()}`;
  readonly webhookSecret = `whsec-${randomUUID()}`;

  protected authorized(a: string | undefined) { return a === `Basic ${Buffer.from(`${this.email}:${this.apiToken}`).toString('base64')}`; }
  protected isCreate(method: string, path: string) { return method === 'POST' && path === '/rest/api/3/issue'; }

  protected route(method: string, path: string, _q: URLSearchParams, body: Record<string, unknown>): Answer {
    if (method === 'POST' && path === '/rest/api/3/issue') {
      const fields = body.fields as { summary?: string; project?: { key?: string }; labels?: string[]; description?: { type?: string } } | undefined;
      if (!fields?.summary || !fields.project?.key) return [400, { errorMessages: [], errors: { summary: 'You must specify a summary of the issue.' } }];
      if (fields.description && fields.description.type !== 'doc') return [400, { errorMessages: [], errors: { description: 'Operation value must be an Atlassian Document' } }];
      const label = (fields.labels ?? []).find((l) => l.startsWith('autosoc-')) ?? '';
      const t = this.store(label, fields, (n) => `${fields.project!.key}-${n}`, (n) => String(10_000 + n));
      return [201, { id: t.id, key: t.key, self: `${this.url}/rest/api/3/issue/${t.id}` }];
    }
    if (method === 'POST' && path === '/rest/api/3/search/jql') {
      const label = /^labels = "([^"]+)"$/.exec(String(body.jql ?? ''))?.[1];
      if (!label) return [400, { errorMessages: ['Error in the JQL Query'], errors: {} }];
      return [200, { issues: this.tickets.filter((t) => t.correlationId === label).map((t) => ({ id: t.id, key: t.key })), isLast: true }];
    }
    const comment = /^\/rest\/api\/3\/issue\/([^/]+)\/comment$/.exec(path);
    if (method === 'POST' && comment) {
      const t = this.tickets.find((x) => x.id === comment[1] || x.key === comment[1]);
      if (!t) return [404, { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} }];
      t.comments.push(JSON.stringify(body.body));
      return [201, { id: String(t.comments.length) }];
    }
    return [404, { errorMessages: ['not found'] }];
  }

  /** A webhook delivery as Jira sends it, signed. */
  webhook(payload: Record<string, unknown>, opts: { id?: string; secret?: string } = {}) {
    const body = JSON.stringify({ timestamp: 1_700_000_000_000, ...payload });
    return {
      body,
      headers: {
        'content-type': 'application/json', 'x-atlassian-webhook-identifier': opts.id ?? randomUUID(),
        'x-hub-signature': `sha256=${createHmac('sha256', opts.secret ?? this.webhookSecret).update(body).digest('hex')}`,
      },
    };
  }
}
