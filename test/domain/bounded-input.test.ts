// The checks workflow code runs on what callers send it: shape and size only, capped work.
import {
  BoundedInputError,
  capObservables,
  checkAlertEnvelope,
  checkObservableSet,
  compareSeverity,
  OBSERVABLE_VALUE_CHARS,
  OBSERVABLES_PER_KIND,
} from '../../src/domain/bounded-input';
import { mergeObservables, type ObservableSet } from '../../src/domain/observables';

const empty: ObservableSet = { hosts: [], users: [], hashes: [], domains: [], ips: [], urls: [], emails: [], commandLines: [] };

describe('checkAlertEnvelope', () => {
  test('accepts the routed fields and names the bad one', () => {
    expect(checkAlertEnvelope({ source: 'edr', sourceId: 'a-1', severity: 'high', raw: { any: 'thing' } })).toEqual({
      source: 'edr',
      sourceId: 'a-1',
      severity: 'high',
    });
    expect(() => checkAlertEnvelope(null)).toThrow(BoundedInputError);
    expect(() => checkAlertEnvelope({ source: 'x'.repeat(65), sourceId: 'a', severity: 'low' })).toThrow(/alert\.source/);
    expect(() => checkAlertEnvelope({ source: 'edr', sourceId: 'x'.repeat(257), severity: 'low' })).toThrow(/alert\.sourceId/);
    expect(() => checkAlertEnvelope({ source: 'edr', sourceId: 'a', severity: 'urgent' })).toThrow(/alert\.severity/);
  });
});

describe('checkObservableSet and capObservables', () => {
  test('caps count per kind and value length', () => {
    const big = {
      ...empty,
      commandLines: Array.from({ length: OBSERVABLES_PER_KIND + 50 }, (_, i) => `${i}`.padEnd(OBSERVABLE_VALUE_CHARS + 10, 'a')),
    };
    const capped = checkObservableSet(big);
    expect(capped.commandLines).toHaveLength(OBSERVABLES_PER_KIND);
    expect(Math.max(...capped.commandLines.map((c) => c.length))).toBe(OBSERVABLE_VALUE_CHARS);
    expect(capObservables(big)).toEqual(capped);
  });
  test('refuses what is not an observable set, naming the field', () => {
    expect(() => checkObservableSet({ ...empty, ips: 'not-an-array' })).toThrow(/observables\.ips/);
    expect(() => checkObservableSet({ ...empty, urls: [42] })).toThrow(/observables\.urls\[0\]/);
    const missing: Partial<ObservableSet> = { ...empty };
    delete missing.emails;
    expect(() => checkObservableSet(missing)).toThrow(/observables\.emails/);
  });
});

test('mergeObservables stops growing a kind at its limit', () => {
  const others = [{ ...empty, ips: Array.from({ length: 30 }, (_, i) => `198.51.100.${i}`) }];
  const { merged, fresh } = mergeObservables({ ...empty, ips: ['203.0.113.1'] }, others, 10);
  expect(merged.ips).toHaveLength(10);
  expect(fresh!.ips).toHaveLength(9);
  expect(mergeObservables(merged, others, 10).fresh).toBeUndefined(); // full: nothing new to re-triage on
});

test('compareSeverity orders informational < … < critical', () => {
  expect(compareSeverity('critical', 'high')).toBeGreaterThan(0);
  expect(compareSeverity('low', 'low')).toBe(0);
  expect(compareSeverity('informational', 'medium')).toBeLessThan(0);
});
