// Await a condition by polling it: for state that another process changes (workflow state,
// visibility). Fails with the last value seen when the condition never holds.
export async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (done(last)) return last;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 50)); // poll interval, not a wait for an outcome
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}; last error: ${String(lastError)}`);
}
