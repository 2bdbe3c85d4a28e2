// Quarantine of a reported e-mail through Microsoft Graph against a local server speaking the documented API.
import { GraphMailConnector, parseMailTarget, QUARANTINE_FOLDER } from '../../../src/connectors/response/graph-mail';
import type { ResponseAction } from '../../../src/domain/response';
import { GraphMailServer } from '../../servers/graph-mail-server';
import { describeConnector, fastPolling } from './connector-suite';

const server = new GraphMailServer({ tenant: 'tenant-1', clientId: 'app', clientSecret: 'secret' });
let next = 0;

describeConnector('Graph mail quarantine connector', () => ({
  server,
  connector: (url) =>
    new GraphMailConnector({
      baseUrl: url,
      tokenUrl: `${url}/tenant-1/oauth2/v2.0/token`,
      clientId: 'app',
      clientSecret: 'secret',
      scope: 'https://graph.microsoft.com/.default',
      timeoutMs: 30_000,
      poll: fastPolling,
    }),
  actions: [{ kind: 'quarantine_email', target: '' }],
  fresh: (a): ResponseAction => {
    const n = next++;
    const mailbox = `user${n % 3}@corp.example`;
    const messageId = `<phish-${n}@evil.example>`;
    server.deliver(mailbox, messageId);
    server.deliver(mailbox, `<other-${n}@corp.example>`); // a neighbour that must stay where it is
    return { kind: a.kind, target: `${mailbox}:${messageId}` };
  },
  inEffect: (s, a) => {
    const { mailbox, messageId } = parseMailTarget(a.target);
    const n = /phish-(\d+)/.exec(messageId)![1];
    expect(s.folderOf(mailbox, `<other-${n}@corp.example>`)).toBe('Inbox');
    return s.folderOf(mailbox, messageId) === QUARANTINE_FOLDER;
  },
  executeCalls: (s, a) => s.did(`move to ${QUARANTINE_FOLDER}`, a.target),
  undoCalls: (s, a) => s.did('move to Inbox', a.target),
  refused: {
    action: { kind: 'quarantine_email', target: 'nobody@corp.example:<x@y>' },
    error: /ErrorInvalidUser: The requested user is invalid/,
  },
}));

test('a target that is not mailbox:<message-id> is refused before any call', () => {
  expect(() => parseMailTarget('user@corp.example')).toThrow(/mailbox:<message-id>/);
  expect(parseMailTarget('u@c.example:<a@b>')).toEqual({ mailbox: 'u@c.example', messageId: '<a@b>' });
});
