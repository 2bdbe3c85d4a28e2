// CEF over syslog: TCP (RFC 6587 octet counting or newline framing) and UDP (one message
// per datagram). Every message goes through the same ingest service as HTTP. A malformed
// message is counted and logged; nothing a sender does can stop the listener.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SyslogStreamDeframer } from '../formats/syslog';
import type { IngestItemResult } from '../ingest-service';
import { BodyError } from '../normalize';

export interface SyslogStats {
  received: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  failed: number;
  droppedOversize: number;
}

export interface SyslogListenerOptions {
  host: string;
  /** TCP and UDP share the port number (0: any free port, TCP and UDP chosen separately). */
  port: number;
  ingest: (message: Uint8Array) => Promise<IngestItemResult[]>;
  log?: (msg: string, detail?: Record<string, unknown>) => void;
  maxMessageSize?: number;
  /** Attempts per message while the pipeline is unavailable (default 10, backing off to 30 s). */
  maxAttempts?: number;
}

export class SyslogListener {
  readonly stats: SyslogStats = { received: 0, accepted: 0, duplicates: 0, rejected: 0, failed: 0, droppedOversize: 0 };
  private tcp?: Server;
  private udp?: UdpSocket;
  private readonly connections = new Set<Socket>();
  private inflight = new Set<Promise<void>>();
  private stopping = false;

  constructor(private readonly opts: SyslogListenerOptions) {}

  get tcpPort(): number { return (this.tcp?.address() as AddressInfo).port; }
  get udpPort(): number { return this.udp!.address().port; }

  async start(): Promise<void> {
    this.tcp = createServer((socket) => this.serveTcp(socket));
    this.tcp.on('error', (err) => this.log('syslog tcp server error', { error: err.message }));
    await new Promise<void>((resolve, reject) => {
      this.tcp!.once('error', reject).listen(this.opts.port, this.opts.host, () => resolve());
    });
    this.udp = createSocket(this.opts.host.includes(':') ? 'udp6' : 'udp4');
    this.udp.on('message', (msg) => this.handle(msg.toString('utf8')));
    this.udp.on('error', (err) => this.log('syslog udp socket error', { error: err.message }));
    await new Promise<void>((resolve, reject) => {
      this.udp!.once('error', reject).bind(this.opts.port, this.opts.host, () => resolve());
    });
  }

  /** Stops accepting, then waits for messages already received to be ingested. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const s of this.connections) s.destroy();
    await Promise.all([
      new Promise<void>((r) => (this.tcp ? this.tcp.close(() => r()) : r())),
      new Promise<void>((r) => (this.udp ? this.udp.close(() => r()) : r())),
    ]);
    await Promise.all(this.inflight);
  }

  /** Resolves once every message received so far has been ingested (for callers and tests). */
  async drained(): Promise<void> {
    while (this.inflight.size) await Promise.all(this.inflight);
  }

  private serveTcp(socket: Socket): void {
    this.connections.add(socket);
    const deframer = new SyslogStreamDeframer({ maxMessageSize: this.opts.maxMessageSize });
    const dropped = () => {
      this.stats.droppedOversize += deframer.droppedOversize;
      deframer.droppedOversize = 0;
    };
    socket.on('data', (chunk) => {
      for (const message of deframer.push(chunk)) this.handle(message);
      dropped();
    });
    socket.on('end', () => {
      for (const message of deframer.flush()) this.handle(message);
      dropped();
    });
    socket.on('error', (err) => this.log('syslog connection error', { error: err.message }));
    socket.on('close', () => this.connections.delete(socket));
  }

  private handle(message: string): void {
    if (!message.trim()) return;
    this.stats.received += 1;
    const done = this.ingestWithRetry(new TextEncoder().encode(message)).then((results) => {
      for (const r of results) {
        if (r.status === 'rejected') {
          this.stats.rejected += 1;
          this.log('syslog message rejected', { error: r.error, sample: message.slice(0, 200) });
        } else if (r.status === 'duplicate') this.stats.duplicates += 1;
        else this.stats.accepted += 1;
      }
    }, (err: unknown) => {
      this.stats.failed += 1;
      this.log('syslog message could not be ingested', { error: (err as Error).message, sample: message.slice(0, 200) });
    });
    this.inflight.add(done);
    void done.finally(() => this.inflight.delete(done));
  }

  /**
   * Syslog senders cannot be told to retry, so a message we received is retried here while
   * the pipeline behind us (Temporal, PostgreSQL) is unavailable. Unreadable input is not retried.
   */
  private async ingestWithRetry(body: Uint8Array): Promise<IngestItemResult[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.opts.ingest(body);
      } catch (err) {
        if (err instanceof BodyError || attempt >= (this.opts.maxAttempts ?? 10) || this.stopping) throw err;
        this.log('syslog ingest failed, retrying', { attempt, error: (err as Error).message });
        await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** attempt)));
      }
    }
  }

  private log(msg: string, detail?: Record<string, unknown>): void {
    this.opts.log?.(msg, detail);
  }
}
