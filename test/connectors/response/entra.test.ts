// Entra ID (Microsoft Graph) disable user and revoke sessions against a local server speaking the documented API.
import { EntraResponseConnector } from '../../../src/connectors/response/entra';
import type { ResponseAction } from '../../../src/domain/response';
import { GraphUsersServer } from '../../servers/graph-users-server';
import { describeConnector, fastPolling } from './connector-suite';

const users = Array.from({ length: 14 }, (_, i) => `user${i}@corp.example`);
let next = 0;

describeConnector('Entra ID (Graph) response connector', () => ({
  server: new GraphUsersServer({ tenant: 'tenant-1', clientId: 'app', clientSecret: 'secret', users }),
  connector: (url) =>
    new EntraResponseConnector({
      baseUrl: url,
      tokenUrl: `${url}/tenant-1/oauth2/v2.0/token`,
      clientId: 'app',
      clientSecret: 'secret',
      scope: 'https://graph.microsoft.com/.default',
      timeoutMs: 30_000,
      poll: fastPolling,
    }),
  actions: [
    { kind: 'disable_user', target: '' },
    { kind: 'revoke_sessions', target: '' },
  ],
  fresh: (a): ResponseAction => ({ kind: a.kind, target: users[next++] }),
  inEffect: (s, a) =>
    a.kind === 'disable_user' ? !s.users.find((u) => u.userPrincipalName === a.target)!.accountEnabled : s.did('revoke', a.target) > 0,
  executeCalls: (s, a) => s.did(a.kind === 'disable_user' ? 'disable' : 'revoke', a.target),
  undoCalls: (s, a) =>
    a.kind === 'disable_user' ? s.did('enable', a.target) : s.log.filter((l) => l.target === a.target && l.verb !== 'revoke').length,
  irreversible: ['revoke_sessions'],
  refused: {
    action: { kind: 'disable_user', target: 'nobody@corp.example' },
    error: /Request_ResourceNotFound: Resource 'nobody@corp.example' does not exist/,
  },
}));
