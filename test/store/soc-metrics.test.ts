// The SOC report's figures from SQL against a week of history whose every figure is known
// (test/fixtures/soc-history.ts): counts, medians and 90th percentiles asserted to the value.
import { socMetrics, type SocMetrics } from '../../src/store/soc-metrics';
import { insertSocHistory, type SocHistory } from '../fixtures/soc-history';
import { openTestDatabase, type TestDatabase } from '../helpers/database';

let db: TestDatabase;
let h: SocHistory;
let m: SocMetrics;

beforeAll(async () => {
  db = await openTestDatabase();
  h = await insertSocHistory(db.pool);
  m = await socMetrics(db.pool, { from: h.from, to: h.to });
});
afterAll(() => db?.close());

test('volume: the 14 alerts received in [from, to), by source, ingest format and severity; the ones a millisecond outside are not counted', () => {
  expect(m.period).toEqual({ from: h.from.toISOString(), to: h.to.toISOString() });
  expect(m.volume.total).toBe(14);
  expect(m.volume.suppressed).toBe(2);
  expect(m.volume.bySource).toEqual([
    { key: 'edr', count: 9 },
    { key: 'siem', count: 3 },
    { key: 'mail', count: 2 },
  ]);
  // By the format ingest read them in; u1 was started without ingest.
  expect(m.volume.byFormat).toEqual([
    { key: 'ocsf', count: 4 },
    { key: 'ecs', count: 3 },
    { key: 'wazuh', count: 3 },
    { key: 'cef', count: 2 },
    { key: 'eml', count: 1 },
    { key: 'unknown', count: 1 },
  ]);
  expect(m.volume.bySourceAndFormat).toEqual([
    { source: 'edr', format: 'ocsf', count: 4 },
    { source: 'edr', format: 'ecs', count: 3 },
    { source: 'siem', format: 'wazuh', count: 3 },
    { source: 'edr', format: 'cef', count: 2 },
    { source: 'mail', format: 'eml', count: 1 },
    { source: 'mail', format: 'unknown', count: 1 },
  ]);
  expect(m.volume.bySeverity).toEqual([
    { key: 'critical', count: 2 },
    { key: 'high', count: 4 },
    { key: 'medium', count: 1 },
    { key: 'low', count: 6 },
    { key: 'informational', count: 1 },
  ]);
});

test('dispositions and the auto-close rate: 4 auto-closed of the 11 triage decided (suppressed and untriaged apart)', () => {
  expect(m.dispositions).toEqual([
    { key: 'escalate', count: 6 },
    { key: 'auto_close', count: 4 },
    { key: 'suppressed', count: 2 },
    { key: 'auto_respond', count: 1 },
    { key: 'pending', count: 1 },
  ]);
  expect(m.autoClose).toEqual({ closed: 4, triaged: 11, rate: 4 / 11 });
});

test('MTTA and MTTR per severity: median and p90 (linear interpolation) in seconds', () => {
  expect(m.times).toEqual([
    // c1: bob's comment 60 s after the case opened; c2 never acknowledged by a person (the SLA fallback acted).
    // MTTR over 900 and 7200: median 4050, p90 900 + 0.9 x 6300 = 6570.
    { severity: 'critical', cases: 2, acknowledged: 1, mttaMedianS: 60, mttaP90S: 60, resolved: 2, mttrMedianS: 4050, mttrP90S: 6570 },
    // First acts at 120, 300, 600 s: p90 at rank 1.8 = 300 + 0.8 x 300 = 540. Closes at 600, 1800, 3600 s: p90 = 1800 + 0.8 x 1800 = 3240.
    { severity: 'high', cases: 3, acknowledged: 3, mttaMedianS: 300, mttaP90S: 540, resolved: 3, mttrMedianS: 1800, mttrP90S: 3240 },
    // m1: alice's assignment at 30 s; still open, so no MTTR.
    { severity: 'medium', cases: 1, acknowledged: 1, mttaMedianS: 30, mttaP90S: 30, resolved: 0, mttrMedianS: null, mttrP90S: null },
  ]);
});

test('SLA breaches per tier', () => {
  expect(m.slaBreaches).toEqual([
    { tier: 'tier1', breaches: 2, alerts: 2 },
    { tier: 'tier2', breaches: 1, alerts: 1 },
  ]);
});

test("analysts' workload and decisions: people only, never system actors", () => {
  expect(m.analysts).toEqual([
    { actor: 'alice', alerts: 3, decisions: 3, approve: 0, close: 2, escalate: 0, assign: 1, comment: 0, falsePositives: 2 },
    { actor: 'bob', alerts: 2, decisions: 3, approve: 2, close: 0, escalate: 0, assign: 0, comment: 1, falsePositives: 0 },
  ]);
});

test('noisiest rules with their false-positive rate and the tuning suggestions that would cut them, with the expected reduction', async () => {
  expect(m.noisyRules.map(({ suggestions: _s, ...r }) => r)).toEqual([
    // R1: 9 alerts; people decided h1, h2 (false positives) and h3 (approved): 2 of 3.
    { ruleId: h.rule1, ruleName: h.ruleName, alerts: 9, analystDecided: 3, falsePositives: 2, falsePositiveRate: 2 / 3 },
    // R2: c1 approved by bob; c2's approval was the SLA fallback's, not a person's.
    { ruleId: h.rule2, ruleName: 'Impossible travel', alerts: 3, analystDecided: 1, falsePositives: 0, falsePositiveRate: 0 },
  ]);
  // host WS-01 matches ws-01 on h1 and a1-a4 (5 of 9); user jdoe matches CORP\jdoe on h2 (1 of 9). The retired one and R9's are not offered.
  expect(
    m.noisyRules[0].suggestions.map((s) => ({ match: s.match, wouldSuppress: s.wouldSuppress, expectedReduction: s.expectedReduction })),
  ).toEqual([
    { match: { source: 'edr', ruleId: h.rule1, host: 'WS-01' }, wouldSuppress: 5, expectedReduction: 5 / 9 },
    { match: { source: 'EDR', ruleId: h.rule1.toLowerCase(), user: 'jdoe' }, wouldSuppress: 1, expectedReduction: 1 / 9 },
  ]);
  expect(m.noisyRules[1].suggestions).toEqual([]);
  expect((await socMetrics(db.pool, { from: h.from, to: h.to }, 1)).noisyRules.map((r) => r.ruleId)).toEqual([h.rule1]);
});

test('containment actions and undos, automatic ones apart; incidents and storms; pipeline health', () => {
  expect(m.containment).toEqual([
    { kind: 'block_ip', actions: 2, automatic: 1, failed: 1, undone: 0 },
    { kind: 'isolate_host', actions: 2, automatic: 1, failed: 0, undone: 1 },
  ]);
  expect(m.incidents).toBe(2);
  const hour = (n: number) => new Date(h.from.getTime() + (4 * 24 + n) * 3600_000).toISOString().replace('.000Z', 'Z');
  expect(m.storms).toEqual([
    { incidentId: h.stormIncident, correlationKey: `key:${h.stormIncident}`, alerts: 3, first: hour(1), last: hour(3) },
  ]);
  expect(m.health).toEqual({
    untriaged: 1,
    analyzerErrors: [
      { key: 'yara', count: 2 },
      { key: 'sandbox', count: 1 },
    ],
    notificationFailures: [
      { key: 'slack failed', count: 1 },
      { key: 'webhook unknown', count: 1 },
    ],
  });
});

test('an empty period has zero counts and no rates, not errors', async () => {
  const empty = await socMetrics(db.pool, { from: h.to, to: h.to });
  expect(empty.volume).toEqual({ total: 0, suppressed: 0, bySource: [], byFormat: [], bySourceAndFormat: [], bySeverity: [] });
  expect(empty.autoClose).toEqual({ closed: 0, triaged: 0, rate: null });
  expect(empty.times).toEqual([]);
  expect(empty.noisyRules).toEqual([]);
});
