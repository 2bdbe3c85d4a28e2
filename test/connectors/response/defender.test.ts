// Defender for Endpoint isolation and indicators against a local server speaking the documented API.
import { DefenderResponseConnector } from '../../../src/connectors/response/defender';
import type { ResponseAction } from '../../../src/domain/response';
import { DefenderResponseServer } from '../../servers/defender-response-server';
import { describeConnector, fastPolling } from './connector-suite';

const machines = Array.from({ length: 12 }, (_, i) => ({
  id: `${i.toString(16).padStart(2, '0')}${'b'.repeat(38)}`,
  computerDnsName: `fin-ws-${i}.corp.example`,
}));
let nextHost = 0;
let nextHash = 0;

describeConnector('Defender for Endpoint response connector', () => ({
  server: new DefenderResponseServer({ tenant: 'tenant-1', clientId: 'app', clientSecret: 'secret', machines }),
  connector: (url) =>
    new DefenderResponseConnector({
      baseUrl: url,
      tokenUrl: `${url}/tenant-1/oauth2/v2.0/token`,
      clientId: 'app',
      clientSecret: 'secret',
      scope: 'https://api.securitycenter.microsoft.com/.default',
      timeoutMs: 30_000,
      poll: fastPolling,
    }),
  actions: [
    { kind: 'isolate_host', target: '' },
    { kind: 'block_hash', target: '' },
  ],
  fresh: (a): ResponseAction =>
    a.kind === 'isolate_host'
      ? { kind: a.kind, target: machines[nextHost++].computerDnsName }
      : { kind: a.kind, target: (nextHash++).toString(16).padStart(64, 'd') },
  inEffect: (s, a) =>
    a.kind === 'isolate_host'
      ? s.machines.find((m) => m.computerDnsName === a.target)!.isolated
      : [...s.indicators.values()].some((i) => i.indicatorValue === a.target && i.action === 'BlockAndRemediate'),
  executeCalls: (s, a) => s.did(a.kind === 'isolate_host' ? 'isolate' : 'indicator submit', a.target),
  undoCalls: (s, a) => s.did(a.kind === 'isolate_host' ? 'unisolate' : 'indicator delete', a.target),
  statusReads: (s, a) => (a.kind === 'isolate_host' ? s.did('action status', a.target) : 2),
  refused: { action: { kind: 'isolate_host', target: 'f'.repeat(40) }, error: /ResourceNotFound: Machine f+ was not found/ },
}));
