// Okta: suspend a user and clear their sessions, as developer.okta.com documents the
// Management API (and okta-sdk-nodejs's UserApi calls it):
//   User lifecycle  POST /api/v1/users/{id}/lifecycle/suspend → 200 (only an ACTIVE user; else
//                   400 E0000001); undo: POST …/lifecycle/unsuspend (only a SUSPENDED user)
//   Get user        GET  /api/v1/users/{id | login} → {id, status}: SUSPENDED is in effect
//   User sessions   DELETE /api/v1/users/{id}/sessions → 204. Okta keeps no trace of a clear
//                   the API can read, and clearing again is harmless: after a crash it is repeated.
// Authentication: an API token (`Authorization: SSWS <token>`), a service account with the
// Group or Help Desk administrator role. Rate limits: 429 with X-Rate-Limit-Reset (epoch second).
import { oktaCaller } from './okta-http';
import type { ResponseAction } from '../../domain/response';
import type { ResponseConnector, ResponseContext, ResponseOutcome, VendorState } from '../response-connector';
import { executed, undone } from './vendor';

export interface OktaSettings {
  orgUrl: string;
  apiToken: string;
  timeoutMs: number;
  fetchImpl?: typeof fetch;
}

interface OktaUser {
  id: string;
  status: string;
}

export class OktaResponseConnector implements ResponseConnector {
  readonly name = 'okta';
  readonly #call: ReturnType<typeof oktaCaller>;

  constructor(settings: OktaSettings) {
    this.#call = oktaCaller(settings);
  }

  supports(a: ResponseAction): boolean {
    return a.kind === 'disable_user' || a.kind === 'revoke_sessions';
  }

  private async user(target: string, signal?: AbortSignal): Promise<OktaUser> {
    return (await this.#call('get user', 'GET', `/api/v1/users/${encodeURIComponent(target)}`, signal)) as OktaUser;
  }

  async execute(action: ResponseAction, ctx: ResponseContext): Promise<ResponseOutcome> {
    const { id } = await this.user(action.target, ctx.signal);
    if (action.kind === 'disable_user') {
      await this.#call('suspend', 'POST', `/api/v1/users/${encodeURIComponent(id)}/lifecycle/suspend`, ctx.signal);
      return executed('okta', `user ${action.target} (${id}) suspended`);
    }
    await this.#call('clear sessions', 'DELETE', `/api/v1/users/${encodeURIComponent(id)}/sessions`, ctx.signal);
    return executed('okta', `sessions of ${action.target} (${id}) cleared`);
  }

  async check(action: ResponseAction, ctx: ResponseContext): Promise<VendorState> {
    const u = await this.user(action.target, ctx.signal);
    if (action.kind === 'disable_user') return u.status === 'SUSPENDED' ? 'in-effect' : 'not-in-effect';
    return 'not-in-effect'; // unknowable, and harmless to clear again
  }

  async undo(action: ResponseAction, ctx: ResponseContext): Promise<ResponseOutcome> {
    if (action.kind === 'revoke_sessions')
      return undone('okta', 'nothing to reverse: cleared sessions stay cleared; the user signs in again');
    const { id } = await this.user(action.target, ctx.signal);
    await this.#call('unsuspend', 'POST', `/api/v1/users/${encodeURIComponent(id)}/lifecycle/unsuspend`, ctx.signal);
    return undone('okta', `user ${action.target} (${id}) unsuspended`);
  }
}
