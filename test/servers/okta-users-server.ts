// A local server speaking the Okta Management API user calls autosoc makes, as
// developer.okta.com documents them (User lifecycle, User sessions, Get user):
//   GET /api/v1/users/{id|login} → {id, status, profile}; POST /api/v1/users/{id}/lifecycle/suspend
//   → 200 {} for an ACTIVE user, else 400 E0000001; POST …/lifecycle/unsuspend → 200 {} for a
//   SUSPENDED user, else 400 E0000001; DELETE /api/v1/users/{id}/sessions → 204.
//   Unknown user: 404 E0000007. API token in `Authorization: SSWS …`; a wrong one is 401 E0000011.
// Errors as {errorCode, errorSummary, errorLink, errorId, errorCauses}; 429 with
// X-Rate-Limit-Limit, X-Rate-Limit-Remaining and X-Rate-Limit-Reset (the epoch second).
import { randomUUID } from 'node:crypto';
import { VendorApiServer, type Route } from './vendor-api-server';

export interface OktaUser {
  id: string;
  login: string;
  status: 'ACTIVE' | 'SUSPENDED';
}

const CODES: Record<number, string> = { 400: 'E0000001', 401: 'E0000011', 404: 'E0000007', 429: 'E0000047', 503: 'E0000009' };

export class OktaUsersServer extends VendorApiServer {
  readonly users: OktaUser[];

  constructor(opts: { apiToken: string; users: string[] }) {
    super({ kind: 'ssws', token: opts.apiToken });
    this.users = opts.users.map((login) => ({ id: `00u${randomUUID().replace(/-/g, '').slice(0, 17)}`, login, status: 'ACTIVE' }));
  }

  protected error(status: number, _code: string, message: string): unknown {
    return {
      errorCode: CODES[status] ?? 'E0000001',
      errorSummary: status === 401 ? 'Invalid token provided' : message,
      errorLink: CODES[status],
      errorId: randomUUID(),
      errorCauses: [],
    };
  }
  protected throttleHeaders(): Record<string, string> {
    return { 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 1) };
  }

  private find(key: string): OktaUser | undefined {
    const k = decodeURIComponent(key);
    return this.users.find((u) => u.id === k || u.login === k);
  }

  private lifecycle(m: RegExpExecArray, from: OktaUser['status'], to: OktaUser['status'], verb: string): [number, unknown] {
    const u = this.users.find((x) => x.id === m[1]);
    if (!u) return [404, this.error(404, '', `Not found: Resource not found: ${m[1]} (User)`)];
    if (u.status !== from)
      return [400, this.error(400, '', `Api validation failed: Cannot ${verb} a user that is not ${from.toLowerCase()}`)];
    u.status = to;
    this.record(verb, u.login);
    return [200, {}];
  }

  protected routes(): Route[] {
    return [
      {
        method: 'GET',
        path: /^\/api\/v1\/users\/([^/]+)$/,
        handle: (_r, m) => {
          const u = this.find(m[1]);
          return u
            ? [200, { id: u.id, status: u.status, profile: { login: u.login } }]
            : [404, this.error(404, '', `Not found: Resource not found: ${m[1]} (User)`)];
        },
      },
      {
        method: 'POST',
        path: /^\/api\/v1\/users\/([^/]+)\/lifecycle\/suspend$/,
        handle: (_r, m) => this.lifecycle(m, 'ACTIVE', 'SUSPENDED', 'suspend'),
      },
      {
        method: 'POST',
        path: /^\/api\/v1\/users\/([^/]+)\/lifecycle\/unsuspend$/,
        handle: (_r, m) => this.lifecycle(m, 'SUSPENDED', 'ACTIVE', 'unsuspend'),
      },
      {
        method: 'DELETE',
        path: /^\/api\/v1\/users\/([^/]+)\/sessions$/,
        handle: (_r, m) => {
          const u = this.users.find((x) => x.id === m[1]);
          if (!u) return [404, this.error(404, '', `Not found: Resource not found: ${m[1]} (User)`)];
          this.record('clear sessions', u.login);
          return [204];
        },
      },
    ];
  }
}
