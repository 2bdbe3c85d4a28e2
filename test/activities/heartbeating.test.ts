// whileHeartbeating in Temporal's activity harness: it beats while the work runs (so a dead
// worker is noticed within the heartbeat timeout) and stops when the work settles.
import { DefaultLogger } from '@temporalio/worker';
import { MockActivityEnvironment } from '@temporalio/testing';
import { whileHeartbeating } from '../../src/activities/heartbeating';

function harness() {
  const env = new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') });
  const beats: unknown[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  env.on('heartbeat', (d: unknown) => {
    beats.push(d);
    for (const w of waiters.filter((x) => beats.length >= x.n)) w.resolve();
  });
  const untilBeats = (n: number) => new Promise<void>((resolve) => (beats.length >= n ? resolve() : waiters.push({ n, resolve })));
  return { env, beats, untilBeats };
}

test('beats with its details while the work runs, and not after it returns', async () => {
  const { env, beats, untilBeats } = harness();
  let finish!: (v: string) => void;
  const work = new Promise<string>((r) => {
    finish = r;
  });
  const running = env.run(() =>
    whileHeartbeating(
      5,
      () => work,
      () => 'investigating',
    ),
  );
  await untilBeats(3);
  finish('done');
  await expect(running).resolves.toBe('done');
  const after = beats.length;
  // Another 3 intervals' worth of timers, awaited: a leaked interval would beat again.
  await new Promise((r) => setTimeout(r, 20));
  expect(beats.length).toBe(after);
  expect(beats.every((d) => d === 'investigating')).toBe(true);
});

test('stops beating when the work fails, and passes the error on', async () => {
  const { env, beats, untilBeats } = harness();
  let fail!: (e: Error) => void;
  const work = new Promise<string>((_, reject) => {
    fail = reject;
  });
  const running = env.run(() => whileHeartbeating(5, () => work));
  await untilBeats(1);
  fail(new Error('analyzer blew up'));
  await expect(running).rejects.toThrow('analyzer blew up');
  const after = beats.length;
  await new Promise((r) => setTimeout(r, 20));
  expect(beats.length).toBe(after);
});
