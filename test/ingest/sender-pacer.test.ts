import { SenderPacer } from '../../src/ingest/channels/sender-pacer';

const clockAt = (t = 0) => ({
  t,
  now() {
    return this.t;
  },
});

describe('SenderPacer', () => {
  it('lets a UDP sender send one second of burst, then its rate, and drops the rest', () => {
    const clock = clockAt();
    const pacer = new SenderPacer(10, clock);
    const taken = Array.from({ length: 30 }, () => pacer.tryTake('10.0.0.1')).filter(Boolean).length;
    expect(taken).toBe(11); // the burst (1 s = 10) plus the message due now
    expect(pacer.tryTake('10.0.0.2')).toBe(true); // another sender has its own allowance
    clock.t += 500;
    expect(Array.from({ length: 30 }, () => pacer.tryTake('10.0.0.1')).filter(Boolean).length).toBe(5);
  });

  it('charges a TCP sender for what it read and says how long to stop reading', () => {
    const clock = clockAt();
    const pacer = new SenderPacer(100, clock);
    expect(pacer.charge('10.0.0.1', 50)).toBe(0); // within the burst
    expect(pacer.charge('10.0.0.1', 250)).toBe(2000); // 3 s of messages, 1 s of burst
    clock.t += 2000;
    expect(pacer.charge('10.0.0.1', 1)).toBe(10);
  });

  it('keeps its table bounded: new addresses share one entry while the table is full of senders in debt', () => {
    const clock = clockAt();
    const pacer = new SenderPacer(1, clock, 100);
    for (let i = 0; i < 100; i++) pacer.charge(`10.0.${i >> 8}.${i & 255}`, 5); // all in debt
    const spoofed = Array.from({ length: 1000 }, (_, i) => pacer.tryTake(`192.0.2.${i % 250}-${i}`)).filter(Boolean).length;
    expect(spoofed).toBe(2); // they share the overflow entry's burst, not 1000 fresh allowances
    expect(pacer.senders).toBe(101);
    clock.t += 10_000; // debts paid: the table makes room for new senders again
    expect(pacer.tryTake('198.51.100.1')).toBe(true);
    expect(pacer.senders).toBeLessThanOrEqual(3);
  });
});
