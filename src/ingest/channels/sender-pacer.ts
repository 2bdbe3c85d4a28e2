// How fast one syslog sender may feed the pipeline: `itemsPerSecond` messages per sender
// address, with a burst of one second's worth, by the generic cell rate algorithm (one
// "theoretical arrival time" per sender; no timers, no token refill loop).
// TCP senders are paced by backpressure (charge what was read, stop reading while in debt:
// nothing read is ever dropped); UDP datagrams over the rate are dropped and counted, as UDP
// syslog allows. The table of senders is bounded: when it is full of senders still in debt,
// new addresses share one "overflow" entry, so spoofed source addresses cannot buy a fresh
// allowance each or grow memory.
import type { Clock } from '../../intel/online/types';

const OVERFLOW = 'overflow';

export class SenderPacer {
  /** Sender → theoretical arrival time (ms) of its next message. */
  private readonly tat = new Map<string, number>();
  private readonly intervalMs: number;
  private readonly burstMs = 1000;
  private lastSweep = -Infinity;

  constructor(
    readonly itemsPerSecond: number,
    private readonly clock: Clock,
    private readonly maxSenders = 10_000,
  ) {
    this.intervalMs = 1000 / itemsPerSecond;
  }

  /** UDP: charges one message if the sender is within its rate; false means drop it. */
  tryTake(sender: string): boolean {
    const now = this.clock.now();
    const key = this.keyFor(sender, now);
    const next = Math.max(this.tat.get(key) ?? now, now) + this.intervalMs;
    if (next - now > this.burstMs + this.intervalMs) return false;
    this.tat.set(key, next);
    return true;
  }

  /**
   * TCP: charges `n` messages already read and returns how long to stop reading this sender
   * (0: keep reading).
   */
  charge(sender: string, n: number): number {
    const now = this.clock.now();
    const key = this.keyFor(sender, now);
    const next = Math.max(this.tat.get(key) ?? now, now) + n * this.intervalMs;
    this.tat.set(key, next);
    return Math.max(0, Math.ceil(next - now - this.burstMs));
  }

  get senders(): number {
    return this.tat.size;
  }

  private keyFor(sender: string, now: number): string {
    if (this.tat.has(sender) || this.tat.size < this.maxSenders) return sender;
    // Senders out of debt carry no state worth keeping. One sweep per burst at most, so a
    // flood of new addresses costs no more than one pass over the table per second.
    if (now - this.lastSweep >= this.burstMs) {
      this.lastSweep = now;
      for (const [key, at] of this.tat) if (at <= now && key !== OVERFLOW) this.tat.delete(key);
    }
    return this.tat.size < this.maxSenders ? sender : OVERFLOW;
  }
}
