// SIEM write-back against local servers speaking Kibana's and Splunk ES's documented APIs:
// closed / acknowledged with the note, 401 refused (not retried), 429 waited out in place and
// sent once, 5xx thrown as unavailable (the activity's retry sends it once more).
import { ElasticWriteback } from '../../src/connectors/siem/elastic';
import { SplunkWriteback } from '../../src/connectors/siem/splunk';
import { siemStatusFor } from '../../src/connectors/siem/writeback';
import { KibanaServer, SplunkEsServer } from '../servers/siem-writeback-servers';

const kibana = new KibanaServer('kibana-key', ['a1', 'a2', 'a3']);
const splunk = new SplunkEsServer('splunk-token', ['n1', 'n2', 'n3']);
let elastic: ElasticWriteback;
let es: SplunkWriteback;
beforeAll(async () => {
  elastic = new ElasticWriteback({ kibanaUrl: await kibana.start(), apiKey: 'kibana-key', timeoutMs: 5_000 });
  es = new SplunkWriteback({ url: await splunk.start(), token: 'splunk-token', timeoutMs: 5_000 });
});
afterAll(async () => {
  await kibana.stop();
  await splunk.stop();
});

test('an auto-closed alert is closed at the source with its reasons; an escalated one acknowledged', async () => {
  expect([siemStatusFor('auto_closed'), siemStatusFor('released_as_false_positive'), siemStatusFor('approved_and_responded')]).toEqual([
    'closed',
    'closed',
    'acknowledged',
  ]);
  await elastic.write({ sourceId: 'a1', status: 'closed', note: 'autosoc auto-closed: score 12, benign: signed updater' });
  expect(kibana.alerts.get('a1')).toEqual({ status: 'closed', notes: ['autosoc auto-closed: score 12, benign: signed updater'] });
  await es.write({ sourceId: 'n1', status: 'acknowledged', note: 'autosoc escalated to tier1' });
  expect(splunk.notables.get('n1')).toEqual({ status: '2', comments: ['autosoc escalated to tier1'] });
  await es.write({ sourceId: 'n2', status: 'closed', note: 'closed' });
  expect(splunk.notables.get('n2')?.status).toBe('5');
});

test('a bad credential is refused as auth (401), not retried', async () => {
  const wrongKibana = new ElasticWriteback({ kibanaUrl: (elastic as unknown as { base: string }).base, apiKey: 'wrong', timeoutMs: 5_000 });
  await expect(wrongKibana.write({ sourceId: 'a2', status: 'closed', note: 'x' })).rejects.toMatchObject({
    kind: 'auth',
    message: expect.stringMatching(/401/),
  });
  const wrongSplunk = new SplunkWriteback({ url: (es as unknown as { base: string }).base, token: 'wrong', timeoutMs: 5_000 });
  await expect(wrongSplunk.write({ sourceId: 'n3', status: 'closed', note: 'x' })).rejects.toMatchObject({
    kind: 'auth',
    message: expect.stringMatching(/not properly authenticated/),
  });
  expect([kibana.alerts.get('a2')?.status, splunk.notables.get('n3')?.status]).toEqual(['open', '1']);
});

test('429 is waited out as the server asks and the write lands once; 5xx is unavailable, the retry lands once', async () => {
  kibana.throttleNext = 1;
  await elastic.write({ sourceId: 'a2', status: 'acknowledged', note: 'escalated' });
  expect(kibana.faults).toContain(429);
  expect(kibana.statusWrites.filter((id) => id === 'a2')).toHaveLength(1);

  splunk.failNext = 1;
  await expect(es.write({ sourceId: 'n3', status: 'closed', note: 'closed' })).rejects.toMatchObject({ kind: 'unavailable' });
  await es.write({ sourceId: 'n3', status: 'closed', note: 'closed' });
  expect(splunk.updates.filter((id) => id === 'n3')).toHaveLength(1);
  kibana.failNext = 1;
  await expect(elastic.write({ sourceId: 'a3', status: 'closed', note: 'x' })).rejects.toMatchObject({ kind: 'unavailable', status: 500 });
});

test("an unknown notable is refused with Splunk's own message", async () => {
  await expect(es.write({ sourceId: 'nope', status: 'closed', note: 'x' })).rejects.toMatchObject({
    kind: 'rejected',
    message: expect.stringMatching(/No valid notable events/),
  });
});
