import type { ObservableSet } from '../../src/domain/observables';
import { describeAction, proposeResponse } from '../../src/domain/response';
import { isPublicIpv4 } from '../../src/domain/observables';

const set = (patch: Partial<ObservableSet> = {}): ObservableSet => ({
  hosts: [],
  users: [],
  hashes: [],
  domains: [],
  ips: [],
  urls: [],
  emails: [],
  commandLines: [],
  ...patch,
});

const observed = set({
  hosts: ['fin-ws-042'],
  users: ['corp\\j.doe'],
  hashes: ['a'.repeat(64)],
  domains: ['mailbox-quota-check.top'],
  ips: ['10.20.4.42', '203.0.113.77'],
  urls: ['http://203.0.113.77/x'],
  emails: ['it-support@mailbox-quota-check.top'],
});

describe('proposeResponse', () => {
  it('proposes nothing for a benign verdict', () => {
    expect(proposeResponse(observed, 'benign')).toEqual([]);
  });

  it('proposes nothing when there is nothing to act on', () => {
    expect(proposeResponse(set(), 'malicious')).toEqual([]);
  });

  it('contains the host and blocks the hashes for a suspicious verdict, but blocks no network indicator', () => {
    expect(proposeResponse(observed, 'suspicious')).toEqual([
      { kind: 'isolate_host', target: 'fin-ws-042' },
      { kind: 'block_hash', target: 'a'.repeat(64) },
    ]);
  });

  it('also blocks domains and public IPs for a malicious verdict', () => {
    expect(proposeResponse(observed, 'malicious')).toEqual([
      { kind: 'isolate_host', target: 'fin-ws-042' },
      { kind: 'block_hash', target: 'a'.repeat(64) },
      { kind: 'block_domain', target: 'mailbox-quota-check.top' },
      { kind: 'block_ip', target: '203.0.113.77' },
    ]);
  });

  it.each(['10.0.0.1', '127.0.0.1', '169.254.1.1', '192.168.1.20', '172.16.0.1', '172.31.255.254'])(
    'never blocks the private address %s',
    (ip) => {
      expect(proposeResponse(set({ ips: [ip] }), 'malicious')).toEqual([]);
    },
  );

  it.each(['172.15.0.1', '172.32.0.1', '8.8.8.8', '198.51.100.7'])('blocks the public address %s', (ip) => {
    expect(proposeResponse(set({ ips: [ip] }), 'malicious')).toEqual([{ kind: 'block_ip', target: ip }]);
  });

  it.each(['0.0.0.0', '100.64.0.1', '224.0.0.251', '255.255.255.255'])('never blocks %s, which is not a public address either', (ip) => {
    // isPublicIpv4 and the response proposal agree on what is public.
    expect(isPublicIpv4(ip)).toBe(false);
    expect(proposeResponse(set({ ips: [ip] }), 'malicious')).toEqual([]);
  });

  it('never disables users on its own', () => {
    for (const v of ['suspicious', 'inconclusive', 'malicious'] as const) {
      expect(proposeResponse(observed, v).some((a) => a.kind === 'disable_user')).toBe(false);
    }
  });
});

describe('describeAction', () => {
  it('renders kind:target', () => {
    expect(describeAction({ kind: 'block_ip', target: '203.0.113.77' })).toBe('block_ip:203.0.113.77');
    expect(proposeResponse(observed, 'malicious').map(describeAction)).toContain('block_domain:mailbox-quota-check.top');
  });
});
