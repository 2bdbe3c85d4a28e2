// CEF over syslog: TCP (RFC 6587 octet counting or newline framing) and UDP (one message
// per datagram). Every message goes through the same ingest service as HTTP. A malformed
// message is counted and logged; nothing a sender does can stop the listener.
// Messages are spooled to disk on arrival (syslog-spool.ts) and delivered from the spool in
// order, retried until the pipeline behind us (Temporal, PostgreSQL) takes them: an outage or a
// restart loses nothing. Memory stays bounded: over the spool's bound, TCP connections stop
// being read (the sender's TCP window fills: backpressure) and UDP datagrams are dropped and
// counted, as UDP syslog allows. Each sender address is paced to `itemsPerSecond`
// (sender-pacer.ts): a TCP sender over its rate is read no faster, a UDP sender's excess is
// dropped and counted.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SyslogStreamDeframer } from '../formats/syslog';
import { systemClock, type Clock } from '../../intel/online/types';
import { SenderPacer } from './sender-pacer';
import { SyslogSpool } from './syslog-spool';
import type { IngestItemResult } from '../intake';
import { BodyError } from '../normalize';

export interface SyslogStats {
  received: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  failed: number;
  droppedOversize: number;
  /** UDP datagrams dropped because the spool was at its bound. */
  droppedSpoolFull: number;
  /** UDP datagrams dropped because their sender was over its rate. */
  droppedRateLimited: number;
  /** Times a TCP sender over its rate was left unread for a while. */
  throttledTcp: number;
}

/** Messages delivered at once from the head of the spool. */
const DELIVERY_BATCH = 32;
const RETRY_MAX_MS = 30_000;

export interface SyslogListenerOptions {
  host: string;
  /** TCP and UDP share the port number (0: any free port, TCP and UDP chosen separately). */
  port: number;
  ingest: (message: Uint8Array) => Promise<IngestItemResult[]>;
  log?: (msg: string, detail?: Record<string, unknown>) => void;
  maxMessageSize?: number;
  /** Where undelivered messages wait (a directory of its own, e.g. <data dir>/syslog-spool). */
  spoolDir: string;
  /** Spool bound in bytes: past it TCP reading pauses and UDP datagrams are dropped (default 256 MiB). */
  spoolMaxBytes?: number;
  /** Messages per second one sender address may send (default 1000, AUTOSOC_INGEST_ITEMS_PER_SECOND). */
  itemsPerSecond?: number;
  /** For tests: the pacer's clock and the timer that resumes a throttled TCP sender. */
  clock?: Clock;
  setTimer?: (resume: () => void, ms: number) => void;
}

export class SyslogListener {
  readonly stats: SyslogStats = {
    received: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    failed: 0,
    droppedOversize: 0,
    droppedSpoolFull: 0,
    droppedRateLimited: 0,
    throttledTcp: 0,
  };
  private tcp?: Server;
  private udp?: UdpSocket;
  private readonly connections = new Set<Socket>();
  /** TCP sockets not read: `paused` until the spool has room, `throttled` until the sender is within its rate. */
  private readonly paused = new Set<Socket>();
  private readonly throttled = new Set<Socket>();
  private readonly pacer: SenderPacer;
  private spool?: SyslogSpool;
  private delivering?: Promise<void>;
  private stopping = false;
  /** Cut short the retry waits when stopping. */
  private readonly retryWakers = new Set<() => void>();

  constructor(private readonly opts: SyslogListenerOptions) {
    this.pacer = new SenderPacer(opts.itemsPerSecond ?? 1000, opts.clock ?? systemClock);
  }

  /** TCP connections currently left unread because their sender is over its rate. */
  get throttledConnections(): number {
    return this.throttled.size;
  }

  /** Bytes received and not yet delivered (on disk). */
  get backlogBytes(): number {
    return this.spool?.backlogBytes ?? 0;
  }

  get tcpPort(): number {
    return (this.tcp?.address() as AddressInfo).port;
  }
  get udpPort(): number {
    return this.udp!.address().port;
  }

  async start(): Promise<void> {
    this.spool = new SyslogSpool(this.opts.spoolDir, this.opts.spoolMaxBytes ?? 256 * 1024 * 1024);
    this.deliver(); // what an earlier process left undelivered goes first
    this.tcp = createServer((socket) => this.serveTcp(socket));
    this.tcp.on('error', (err) => this.log('syslog tcp server error', { error: err.message }));
    await new Promise<void>((resolve, reject) => {
      this.tcp!.once('error', reject).listen(this.opts.port, this.opts.host, () => resolve());
    });
    this.udp = createSocket(this.opts.host.includes(':') ? 'udp6' : 'udp4');
    this.udp.on('message', (msg, from) => {
      if (this.pacer.tryTake(from.address)) return this.handle(msg.toString('utf8'), 'udp');
      this.stats.droppedRateLimited += 1;
      if (this.stats.droppedRateLimited % 1000 === 1) {
        this.log('syslog sender over its rate: dropping UDP datagrams', { sender: from.address, dropped: this.stats.droppedRateLimited });
      }
    });
    this.udp.on('error', (err) => this.log('syslog udp socket error', { error: err.message }));
    await new Promise<void>((resolve, reject) => {
      this.udp!.once('error', reject).bind(this.opts.port, this.opts.host, () => resolve());
    });
  }

  /**
   * Stops accepting and delivering. A batch being ingested is finished if the pipeline answers;
   * whatever is undelivered stays in the spool for the next start.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const wake of this.retryWakers) wake();
    for (const s of this.connections) s.destroy();
    await Promise.all([
      new Promise<void>((r) => (this.tcp ? this.tcp.close(() => r()) : r())),
      new Promise<void>((r) => (this.udp ? this.udp.close(() => r()) : r())),
    ]);
    await this.delivering;
    this.spool?.close();
  }

  /** Resolves once every message received so far has been delivered (for callers and tests). */
  async drained(): Promise<void> {
    while (this.delivering) await this.delivering;
  }

  private serveTcp(socket: Socket): void {
    this.connections.add(socket);
    const deframer = new SyslogStreamDeframer({ maxMessageSize: this.opts.maxMessageSize });
    const dropped = () => {
      this.stats.droppedOversize += deframer.droppedOversize;
      deframer.droppedOversize = 0;
    };
    const sender = socket.remoteAddress ?? 'unknown';
    socket.on('data', (chunk) => {
      const messages = deframer.push(chunk);
      for (const message of messages) this.handle(message, 'tcp');
      dropped();
      if (this.spool!.full) {
        // Backpressure: stop reading until delivery has made room (see deliver()).
        socket.pause();
        this.paused.add(socket);
      }
      const waitMs = messages.length > 0 ? this.pacer.charge(sender, messages.length) : 0;
      if (waitMs > 0 && !this.throttled.has(socket)) this.throttle(socket, waitMs);
    });
    socket.on('end', () => {
      for (const message of deframer.flush()) this.handle(message, 'tcp');
      dropped();
    });
    socket.on('error', (err) => this.log('syslog connection error', { error: err.message }));
    socket.on('close', () => {
      this.connections.delete(socket);
      this.paused.delete(socket);
      this.throttled.delete(socket);
    });
  }

  /** Leaves a TCP sender over its rate unread for `ms`: what it sent meanwhile waits in its TCP window. */
  private throttle(socket: Socket, ms: number): void {
    this.stats.throttledTcp += 1;
    socket.pause();
    this.throttled.add(socket);
    (this.opts.setTimer ?? ((fn, t) => setTimeout(fn, t).unref()))(() => {
      this.throttled.delete(socket);
      if (!this.paused.has(socket) && !socket.destroyed) socket.resume();
    }, ms);
  }

  /** Spools one message and makes sure delivery runs. */
  private handle(message: string, via: 'tcp' | 'udp'): void {
    if (!message.trim() || this.stopping) return;
    this.stats.received += 1;
    // TCP stops reading at the bound, so only the rest of one chunk lands past it.
    if (via === 'udp' && this.spool!.full) {
      this.stats.droppedSpoolFull += 1;
      if (this.stats.droppedSpoolFull % 1000 === 1) {
        this.log('syslog spool full: dropping UDP datagrams', { dropped: this.stats.droppedSpoolFull, backlogBytes: this.backlogBytes });
      }
      return;
    }
    this.spool!.append(new TextEncoder().encode(message));
    this.deliver();
  }

  /** Starts the one delivery loop unless it runs already. */
  private deliver(): void {
    if (this.delivering || this.stopping || this.spool!.backlogBytes === 0) return;
    this.delivering = this.deliverSpooled().finally(() => {
      this.delivering = undefined;
      // Appended after the loop's last look (a torn record, which peek skips, is not work).
      if (!this.stopping && this.spool!.peek(1).messages.length > 0) this.deliver();
    });
  }

  /** Delivers the spool from its head, a batch at a time, until it is empty or we stop. */
  private async deliverSpooled(): Promise<void> {
    const spool = this.spool!;
    while (!this.stopping && spool.backlogBytes > 0) {
      const batch = spool.peek(DELIVERY_BATCH);
      if (batch.messages.length === 0) return;
      const delivered = await Promise.all(batch.messages.map((m) => this.deliverOne(m)));
      if (delivered.includes(false)) return; // stopped mid-batch: the batch stays spooled
      spool.commit(batch.end);
      if (spool.backlogBytes < spool.maxBytes / 2) {
        for (const s of this.paused) if (!this.throttled.has(s)) s.resume();
        this.paused.clear();
      }
    }
  }

  /**
   * Ingests one message, retrying while the pipeline is unavailable. Unreadable input is
   * counted and dropped; false only when the listener stops first.
   */
  private async deliverOne(body: Uint8Array): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        this.count(await this.opts.ingest(body), body);
        return true;
      } catch (err) {
        if (err instanceof BodyError) {
          this.stats.failed += 1;
          this.log('syslog message could not be read', { error: err.message, sample: sample(body) });
          return true;
        }
        if (this.stopping) return false;
        this.log('syslog ingest failed, retrying', { attempt, error: (err as Error).message, backlogBytes: this.backlogBytes });
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            this.retryWakers.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, Math.min(RETRY_MAX_MS, 250 * 2 ** attempt));
          this.retryWakers.add(wake);
        });
      }
    }
  }

  private count(results: IngestItemResult[], body: Uint8Array): void {
    for (const r of results) {
      if (r.status === 'rejected') {
        this.stats.rejected += 1;
        this.log('syslog message rejected', { error: r.error, sample: sample(body) });
      } else if (r.status === 'duplicate') this.stats.duplicates += 1;
      else this.stats.accepted += 1;
    }
  }

  private log(msg: string, detail?: Record<string, unknown>): void {
    this.opts.log?.(msg, detail);
  }
}

const sample = (body: Uint8Array) => new TextDecoder().decode(body.subarray(0, 200));
