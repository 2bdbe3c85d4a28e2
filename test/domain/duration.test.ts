import { formatDuration, parseDuration } from '../../src/domain/duration';

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['90s', 90_000],
    ['15m', 900_000],
    ['4h', 14_400_000],
    ['2d', 172_800_000],
    ['1.5s', 1_500],
    ['0.5h', 1_800_000],
    [' 10 m ', 600_000],
    ['1.0004s', 1_000],
  ])('%j → %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '15', 'm', '15 minutes', '15M', '-5m', '1e3s', '1,5s', '5 m s', '5w', '.5s', '5.s'])(
    'rejects %j, quoting it and showing examples',
    (text) => {
      expect(() => parseDuration(text)).toThrow(`"${text}" is not a duration (use e.g. 90s, 15m, 4h, 2d)`);
    },
  );

  it.each(['0s', '0ms', '0.0h'])('rejects zero (%j)', (text) => {
    expect(() => parseDuration(text)).toThrow(`"${text}" must be longer than zero`);
  });

  it.each(['0.4ms', '0.0001s'])('rejects %j, which rounds to zero milliseconds', (text) => {
    expect(() => parseDuration(text)).toThrow(/must be longer than zero/);
  });

  it('always returns a whole number of milliseconds', () => {
    expect(Number.isInteger(parseDuration('1.2345s'))).toBe(true);
    expect(parseDuration('1.2345s')).toBe(1_235);
  });
});

describe('formatDuration', () => {
  it.each([
    [172_800_000, '2d'],
    [14_400_000, '4h'],
    [900_000, '15m'],
    [90_000, '90s'],
    [5_400_000, '90m'],
    [1_500, '1500ms'],
    [999, '999ms'],
    [0, '0ms'],
  ])('%i ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('picks the largest unit that divides evenly', () => {
    expect(formatDuration(86_400_000 + 3_600_000)).toBe('25h');
    expect(formatDuration(86_400_000 + 1)).toBe('86400001ms');
  });

  it('round-trips with parseDuration', () => {
    for (const ms of [1, 999, 1_000, 61_000, 3_600_000, 86_400_000, 90 * 60_000, 123_456_789, 7 * 86_400_000]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
    for (const text of ['90s', '15m', '4h', '2d', '250ms']) expect(formatDuration(parseDuration(text))).toBe(text);
  });
});
