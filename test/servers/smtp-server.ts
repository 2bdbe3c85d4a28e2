// A local SMTP relay on loopback: the real SMTP protocol (npm smtp-server: RFC 5321 commands,
// AUTH PLAIN/LOGIN per RFC 4954) with the answers a relay gives (RFC 5321 §4.2: 2xx taken,
// 4xx try later, 5xx refused). It keeps every message it took, raw, for the tests to parse, and
// injects the failures delivery must survive:
// - rejectRecipients: RCPT TO answered 550 (mailbox unavailable);
// - failNextData: the message body answered 451 (local error, try again later): not taken;
// - dropAfterDataNext: the message is taken, then the connection drops before the 250 answer
//   (the client cannot tell whether it was delivered).
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  user?: string;
  raw: Buffer;
}

const smtpError = (message: string, responseCode: number) => Object.assign(new Error(message), { responseCode });

export class LocalSmtpServer {
  readonly user = 'autosoc-reports';
  readonly password = `pw-${randomBytes(9).toString('hex')}`;
  readonly received: ReceivedMail[] = [];
  readonly rejectRecipients = new Set<string>();
  failNextData = 0;
  dropAfterDataNext = 0;
  /** Transactions that reached the body (MAIL FROM, RCPT TO, DATA), taken or not. */
  dataAttempts = 0;
  private server?: SMTPServer;
  private port = 0;

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const options: SMTPServerOptions = {
      // Loopback only, so no TLS: autosoc is told so (AUTOSOC_SMTP_TLS=none).
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      logger: false,
      banner: 'autosoc test relay',
      onAuth: (auth, _session, cb) => {
        if (auth.username === this.user && auth.password === this.password) return cb(null, { user: auth.username });
        cb(smtpError('Authentication credentials invalid', 535));
      },
      onRcptTo: (address, _session, cb) => {
        if (this.rejectRecipients.has(address.address.toLowerCase())) return cb(smtpError('Mailbox unavailable', 550));
        cb();
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.dataAttempts += 1;
          if (this.failNextData > 0) {
            this.failNextData -= 1;
            return cb(smtpError('Local error in processing, try again later', 451));
          }
          this.received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            user: session.user as string | undefined,
            raw: Buffer.concat(chunks),
          });
          if (this.dropAfterDataNext > 0) {
            this.dropAfterDataNext -= 1;
            return this.socketOf(session.id)?.destroy();
          }
          cb();
        });
      },
    };
    this.server = new SMTPServer(options);
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** The session's socket (smtp-server keeps its connections in a set), to drop it mid-transaction. */
  private socketOf(sessionId: string): Socket | undefined {
    const connections = (this.server as unknown as { connections: Set<{ id: string; _socket: Socket }> }).connections;
    return [...connections].find((c) => c.id === sessionId)?._socket;
  }
}
