// Falcon containment and custom IOCs against a local server speaking the documented API.
import { FalconResponseConnector } from '../../../src/connectors/response/falcon';
import type { ResponseAction } from '../../../src/domain/response';
import { FalconResponseServer } from '../../servers/falcon-response-server';
import { describeConnector, fastPolling } from './connector-suite';

const hosts = Array.from({ length: 12 }, (_, i) => ({
  id: `${i.toString(16).padStart(2, '0')}${'a'.repeat(30)}`,
  hostname: `fin-ws-${i}`,
}));
let nextHost = 0;
let nextHash = 0;

describeConnector('Falcon response connector', () => ({
  server: new FalconResponseServer({ clientId: 'cid', clientSecret: 'secret', devices: hosts }),
  connector: (url) =>
    new FalconResponseConnector({
      baseUrl: url,
      tokenUrl: `${url}/oauth2/token`,
      clientId: 'cid',
      clientSecret: 'secret',
      timeoutMs: 30_000,
      poll: fastPolling,
    }),
  actions: [
    { kind: 'isolate_host', target: '' },
    { kind: 'block_hash', target: '' },
  ],
  fresh: (a): ResponseAction =>
    a.kind === 'isolate_host'
      ? { kind: a.kind, target: hosts[nextHost++].hostname }
      : { kind: a.kind, target: (nextHash++).toString(16).padStart(64, 'e') },
  inEffect: (s, a) =>
    a.kind === 'isolate_host'
      ? s.devices.find((d) => d.hostname === a.target)!.status === 'contained'
      : [...s.iocs.values()].some((i) => i.value === a.target && i.action === 'prevent'),
  executeCalls: (s, a) => s.did(a.kind === 'isolate_host' ? 'contain' : 'ioc_create', a.target),
  undoCalls: (s, a) => s.did(a.kind === 'isolate_host' ? 'lift_containment' : 'ioc_delete', a.target),
  statusReads: (s, a) => (a.kind === 'isolate_host' ? s.did('details', a.target) : 2),
  refused: { action: { kind: 'isolate_host', target: 'f'.repeat(32) }, error: /Device not found/ },
}));
