// pollUntil, the loop every EDR connector runs while a host works: growing waits, the first
// answer wins, and past maxWaitMs the connector's own error (after its clean-up).
import { pollUntil } from '../../../src/connectors/edr/poll';

const timing = { pollIntervalMs: 100, maxPollIntervalMs: 300, maxWaitMs: 60_000 };

test('waits between checks, growing by half up to the maximum, and returns the first answer', async () => {
  const waits: number[] = [];
  let checks = 0;
  const answer = await pollUntil(
    timing,
    {
      sleep: async (ms) => {
        waits.push(ms);
      },
    },
    async () => (++checks === 6 ? 'done' : undefined),
    () => new Error('unused'),
  );
  expect(answer).toBe('done');
  expect(waits).toEqual([100, 150, 225, 300, 300]);
});

test('past maxWaitMs it cleans up and throws the error onTimeout gives', async () => {
  const cleanedUp: string[] = [];
  let checks = 0;
  const sleep = async () => {
    await new Promise((r) => setImmediate(r));
  };
  const polling = pollUntil(
    { ...timing, maxWaitMs: 0 },
    { sleep },
    async () => {
      checks += 1;
      return undefined;
    },
    async () => {
      cleanedUp.push('cancelled the remote action');
      return new Error('not finished within 0 ms');
    },
  );
  await expect(polling).rejects.toThrow('not finished within 0 ms');
  expect(cleanedUp).toEqual(['cancelled the remote action']);
  expect(checks).toBeGreaterThanOrEqual(1);
});

test('an error from a check ends the polling at once', async () => {
  let checks = 0;
  await expect(
    pollUntil(
      timing,
      { sleep: async () => undefined },
      async () => {
        checks += 1;
        if (checks === 2) throw new Error('host said: no such file');
        return undefined;
      },
      () => new Error('unused'),
    ),
  ).rejects.toThrow('no such file');
  expect(checks).toBe(2);
});

test('without a sleep of its own it waits on a timer that the caller can cancel', async () => {
  const controller = new AbortController();
  const reason = new Error('cancelled by the workflow');
  const polling = pollUntil(
    { ...timing, pollIntervalMs: 60_000 },
    { signal: controller.signal },
    async () => {
      queueMicrotask(() => controller.abort(reason)); // abort during the first wait
      return undefined;
    },
    () => new Error('unused'),
  );
  await expect(polling).rejects.toBe(reason);
});
