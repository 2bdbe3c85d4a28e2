// The polling loop every EDR connector runs while a remote command works on a host: check,
// wait (an interval growing by half up to the maximum), check again, until the check has an
// answer or maxWaitMs has passed.
import { abortableSleep, nextInterval } from '../connector-http';
import type { EdrCallOptions, PollSettings } from './types';

/**
 * Resolves with the first answer `check` gives (undefined: not yet). Past `timing.maxWaitMs`,
 * throws what `onTimeout` returns (it may first clean up, e.g. cancel the remote action).
 * Waits with the caller's sleep (an activity's cancellable one) or a timer on its signal.
 */
export async function pollUntil<T>(
  timing: PollSettings,
  o: EdrCallOptions,
  check: () => Promise<T | undefined>,
  onTimeout: () => Promise<Error> | Error,
): Promise<T> {
  const sleep = o.sleep ?? ((ms: number) => abortableSleep(ms, o.signal));
  const started = Date.now();
  for (let interval = timing.pollIntervalMs; ; interval = nextInterval(interval, timing.maxPollIntervalMs)) {
    const answer = await check();
    if (answer !== undefined) return answer;
    if (Date.now() - started > timing.maxWaitMs) throw await onTimeout();
    await sleep(interval);
  }
}
