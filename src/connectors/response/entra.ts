// Microsoft Entra ID through Microsoft Graph v1.0: disable a user and revoke their sign-in
// sessions, as learn.microsoft.com documents (graph/api/…) and msgraph-sdk-javascript calls it:
//   user-update   PATCH /v1.0/users/{id | userPrincipalName} {accountEnabled:false} → 204 (undo: true)
//   user-get      GET   /v1.0/users/{id}?$select=accountEnabled,signInSessionsValidFromDateTime
//   user-revokesigninsessions  POST /v1.0/users/{id}/revokeSignInSessions → 200 {value:true};
//                 it moves signInSessionsValidFromDateTime to now, which is how check sees an
//                 earlier attempt's revocation. Revoked sessions cannot be restored: undo has
//                 nothing to call (the user signs in again once enabled).
// Application permission User.ReadWrite.All (User.RevokeSessions.All for revoke), token from
// login.microsoftonline.com/{tenant}/oauth2/v2.0/token with scope https://graph.microsoft.com/.default.
import type { ResponseAction } from '../../domain/response';
import type { ResponseConnector, ResponseContext, ResponseOutcome, VendorState } from '../response-connector';
import { executed, OAuthVendor, undone, type OAuthVendorSettings } from './vendor';

interface GraphUser {
  accountEnabled?: boolean;
  signInSessionsValidFromDateTime?: string | null;
}

export class EntraResponseConnector implements ResponseConnector {
  readonly name = 'entra';
  private readonly api: OAuthVendor;

  constructor(settings: OAuthVendorSettings) {
    this.api = new OAuthVendor('entra', settings, true);
  }

  supports(a: ResponseAction): boolean {
    return a.kind === 'disable_user' || a.kind === 'revoke_sessions';
  }

  private user = (target: string) => `/v1.0/users/${encodeURIComponent(target)}`;

  private setEnabled(target: string, enabled: boolean, signal?: AbortSignal): Promise<unknown> {
    return this.api.call(enabled ? 'enable user' : 'disable user', 'PATCH', this.user(target), signal, { accountEnabled: enabled });
  }

  async execute(action: ResponseAction, ctx: ResponseContext): Promise<ResponseOutcome> {
    if (action.kind === 'disable_user') {
      await this.setEnabled(action.target, false, ctx.signal);
      return executed('entra', `user ${action.target} disabled (accountEnabled=false)`);
    }
    await this.api.call('revoke sessions', 'POST', `${this.user(action.target)}/revokeSignInSessions`, ctx.signal);
    return executed('entra', `sign-in sessions of ${action.target} revoked`);
  }

  async check(action: ResponseAction, ctx: ResponseContext): Promise<VendorState> {
    const u = (await this.api.call(
      'user',
      'GET',
      `${this.user(action.target)}?$select=accountEnabled,signInSessionsValidFromDateTime`,
      ctx.signal,
    )) as GraphUser;
    if (action.kind === 'disable_user') return u?.accountEnabled === false ? 'in-effect' : 'not-in-effect';
    const validFrom = Date.parse(u?.signInSessionsValidFromDateTime ?? '');
    return ctx.intentSince && validFrom >= Date.parse(ctx.intentSince) ? 'in-effect' : 'not-in-effect';
  }

  async undo(action: ResponseAction, ctx: ResponseContext): Promise<ResponseOutcome> {
    if (action.kind === 'revoke_sessions')
      return undone('entra', 'nothing to reverse: revoked sessions stay revoked; the user signs in again');
    await this.setEnabled(action.target, true, ctx.signal);
    return undone('entra', `user ${action.target} enabled again`);
  }
}
