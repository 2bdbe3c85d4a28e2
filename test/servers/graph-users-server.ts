// A local server speaking the Microsoft Graph v1.0 user calls autosoc makes, as
// learn.microsoft.com documents them (graph/api/user-update, user-get,
// user-revokesigninsessions), with the Azure AD v2.0 token endpoint:
//   PATCH /v1.0/users/{id|upn} {accountEnabled} → 204; GET /v1.0/users/{id|upn}?$select= → the
//   selected properties; POST /v1.0/users/{id|upn}/revokeSignInSessions → 200 {value: true},
//   signInSessionsValidFromDateTime set to now. Unknown user: 404 Request_ResourceNotFound.
// Errors as {"error": {"code", "message", "innerError"}}; 429 with Retry-After (seconds).
import { randomUUID } from 'node:crypto';
import { retryAfterOneSecond, VendorApiServer, type Route } from './vendor-api-server';

export interface GraphUser {
  id: string;
  userPrincipalName: string;
  accountEnabled: boolean;
  signInSessionsValidFromDateTime: string;
}

export class GraphUsersServer extends VendorApiServer {
  readonly users: GraphUser[];

  constructor(opts: { tenant: string; clientId: string; clientSecret: string; users: string[] }) {
    super({ kind: 'oauth', tokenPath: `/${opts.tenant}/oauth2/v2.0/token`, clientId: opts.clientId, clientSecret: opts.clientSecret });
    this.users = opts.users.map((upn) => ({
      id: randomUUID(),
      userPrincipalName: upn,
      accountEnabled: true,
      signInSessionsValidFromDateTime: '2026-01-01T00:00:00Z',
    }));
  }

  protected error(_status: number, code: string, message: string): unknown {
    return { error: { code, message, innerError: { 'request-id': randomUUID(), date: new Date().toISOString() } } };
  }
  protected throttleHeaders(): Record<string, string> {
    return retryAfterOneSecond();
  }

  private find(key: string): GraphUser | undefined {
    const k = decodeURIComponent(key).toLowerCase();
    return this.users.find((u) => u.id === k || u.userPrincipalName.toLowerCase() === k);
  }

  private missing(key: string): [number, unknown] {
    return [
      404,
      this.error(
        404,
        'Request_ResourceNotFound',
        `Resource '${decodeURIComponent(key)}' does not exist or one of its queried reference-property objects are not present.`,
      ),
    ];
  }

  protected routes(): Route[] {
    return [
      {
        method: 'GET',
        path: /^\/v1\.0\/users\/([^/]+)$/,
        handle: ({ query }, m) => {
          const u = this.find(m[1]);
          if (!u) return this.missing(m[1]);
          const select = (query.get('$select') ?? 'id,userPrincipalName,accountEnabled').split(',');
          return [200, Object.fromEntries(Object.entries(u).filter(([k]) => select.includes(k)))];
        },
      },
      {
        method: 'PATCH',
        path: /^\/v1\.0\/users\/([^/]+)$/,
        handle: ({ body }, m) => {
          const u = this.find(m[1]);
          if (!u) return this.missing(m[1]);
          if (typeof body.accountEnabled !== 'boolean')
            return [400, this.error(400, 'Request_BadRequest', 'Invalid value for accountEnabled')];
          u.accountEnabled = body.accountEnabled;
          this.record(body.accountEnabled ? 'enable' : 'disable', u.userPrincipalName);
          return [204];
        },
      },
      {
        method: 'POST',
        path: /^\/v1\.0\/users\/([^/]+)\/revokeSignInSessions$/,
        handle: (_r, m) => {
          const u = this.find(m[1]);
          if (!u) return this.missing(m[1]);
          u.signInSessionsValidFromDateTime = new Date().toISOString();
          this.record('revoke', u.userPrincipalName);
          return [200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean', value: true }];
        },
      },
    ];
  }
}
