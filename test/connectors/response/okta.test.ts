// Okta suspend and clear sessions against a local server speaking the documented Management API.
import { OktaResponseConnector } from '../../../src/connectors/response/okta';
import type { ResponseAction } from '../../../src/domain/response';
import { OktaUsersServer } from '../../servers/okta-users-server';
import { describeConnector } from './connector-suite';

const users = Array.from({ length: 14 }, (_, i) => `user${i}@corp.example`);
let next = 0;

describeConnector('Okta response connector', () => ({
  server: new OktaUsersServer({ apiToken: 'ssws-token', users }),
  connector: (url) => new OktaResponseConnector({ orgUrl: url, apiToken: 'ssws-token', timeoutMs: 30_000 }),
  actions: [
    { kind: 'disable_user', target: '' },
    { kind: 'revoke_sessions', target: '' },
  ],
  fresh: (a): ResponseAction => ({ kind: a.kind, target: users[next++] }),
  inEffect: (s, a) =>
    a.kind === 'disable_user' ? s.users.find((u) => u.login === a.target)!.status === 'SUSPENDED' : s.did('clear sessions', a.target) > 0,
  executeCalls: (s, a) => s.did(a.kind === 'disable_user' ? 'suspend' : 'clear sessions', a.target),
  undoCalls: (s, a) =>
    a.kind === 'disable_user'
      ? s.did('unsuspend', a.target)
      : s.log.filter((l) => l.target === a.target && l.verb !== 'clear sessions').length,
  irreversible: ['revoke_sessions'],
  repeatedAfterCrash: ['revoke_sessions'],
  staticToken: {
    connector: (url) => new OktaResponseConnector({ orgUrl: url, apiToken: 'wrong', timeoutMs: 30_000 }),
    error: /E0000011: Invalid token provided/,
  },
  refused: { action: { kind: 'disable_user', target: 'nobody@corp.example' }, error: /E0000007: Not found/ },
}));
