// Look-alikes coalesce per incident key in the ingest tier: while one update is on its way to
// a key's incident, the alerts that arrive for that key wait, and go in the next update
// together. A storm of thousands of alerts over a few keys becomes a few updates per key and
// round trip instead of one per alert, with no timer: a lone alert is sent at once (after the
// current turn of the event loop, so a request's items for one key share its first update).
// Each batch is stored before its update is sent, and each alert's promise settles only with
// the incident's answer: the caller acknowledges nothing that is not stored and recorded.
import type { Alert } from '../domain/alert';
import type { ObservableSet } from '../domain/observables';
import { type AlertRef, REF_BATCH_CHARS, REF_BATCH_LIMIT } from '../domain/alert-ref';
import type { AddAlertResult } from '../domain/incident-state';

/** `alert` and `observables` are stored; only `ref` goes to the incident. */
export interface IncidentDelivery {
  key: string;
  storm: boolean;
  ref: AlertRef;
  alert: Alert;
  observables: ObservableSet;
}
/** Stores the batch and sends it to the key's incident: one result per delivery, in order. */
export type DeliverBatch = (key: string, batch: IncidentDelivery[]) => Promise<AddAlertResult[]>;

interface Waiting extends IncidentDelivery {
  size: number;
  resolve(r: AddAlertResult): void;
  reject(err: unknown): void;
}

export class IncidentBatcher {
  private readonly queues = new Map<string, Waiting[]>();
  /** Updates sent so far (for the bench and tests: how far coalescing went). */
  batchesSent = 0;

  constructor(private readonly deliver: DeliverBatch) {}

  add(delivery: IncidentDelivery): Promise<AddAlertResult> {
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(delivery.key);
      const waiting = { ...delivery, size: JSON.stringify(delivery.ref).length, resolve, reject };
      if (queue) {
        queue.push(waiting);
        return;
      }
      this.queues.set(delivery.key, [waiting]);
      setImmediate(() => void this.drain(delivery.key));
    });
  }

  /** Sends the key's waiting alerts, a batch at a time, until none wait; then the key is idle. */
  private async drain(key: string): Promise<void> {
    const queue = this.queues.get(key)!;
    while (queue.length > 0) {
      const batch = takeBatch(queue);
      this.batchesSent += 1;
      try {
        const results = await this.deliver(key, batch);
        batch.forEach((w, i) => w.resolve(results[i]));
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    this.queues.delete(key);
  }
}

/** The head of the queue, at most REF_BATCH_LIMIT references and REF_BATCH_CHARS of JSON (at least one). */
function takeBatch(queue: Waiting[]): Waiting[] {
  let n = 0;
  let size = 0;
  while (n < queue.length && n < REF_BATCH_LIMIT && (n === 0 || size + queue[n].size <= REF_BATCH_CHARS)) size += queue[n++].size;
  return queue.splice(0, n);
}
