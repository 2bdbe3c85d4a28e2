// Reports by e-mail through an SMTP relay (nodemailer's composer and SMTP client): one message
// per delivery, HTML body and the report attached. The relay and its credentials come from
// configuration (config.smtp) and never appear in an error or a log. A failure says whether
// the relay can have taken the message: before the envelope (no connection, failed login) or
// on a 4xx/5xx answer it cannot, so a retry may send; a connection lost once the envelope went
// out may have delivered it, so the caller must not send again blindly. (nodemailer's
// transport reports a connection lost before the greeting and one lost after the body alike,
// so the steps are driven here.)
import { createHash } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { SmtpSettings } from '../../config';

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}
export interface MailMessage {
  to: string[];
  subject: string;
  html: string;
  text: string;
  attachments: MailAttachment[];
  /** The delivery's idempotency key: the Message-ID is made from it, so a copy is recognisable as one. */
  key: string;
}
export interface MailSent {
  messageId: string;
  accepted: string[];
  rejected: string[];
}

export interface Mailer {
  send(message: MailMessage): Promise<MailSent>;
}

export class MailError extends Error {
  /** handedOver: the relay may have the message (the answer to the body was lost). */
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly handedOver: boolean,
  ) {
    super(message);
    this.name = 'MailError';
  }
}

export const messageIdFor = (key: string) => `<${createHash('sha256').update(key).digest('hex').slice(0, 40)}@autosoc>`;

type Stage = 'connect' | 'login' | 'send';

export function smtpMailer(s: SmtpSettings): Mailer {
  const url = new URL(s.url);
  const implicitTls = url.protocol === 'smtps:';
  const options: SMTPConnection.Options = {
    host: url.hostname,
    port: url.port ? Number(url.port) : implicitTls ? 465 : 587,
    secure: implicitTls,
    // STARTTLS is required unless the settings say this relay offers none (a loopback relay).
    requireTLS: !implicitTls && s.tls === 'starttls',
    ignoreTLS: s.tls === 'none',
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
    logger: false,
    debug: false,
  };
  return {
    async send(m) {
      const raw = await new MailComposer({
        from: s.from,
        to: m.to,
        subject: m.subject,
        html: m.html,
        text: m.text,
        messageId: messageIdFor(m.key),
        attachments: m.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
      })
        .compile()
        .build();
      // One connection per message, driven step by step so a failure is known to come before
      // the envelope (nothing can have been delivered) or after (the relay may have it).
      const connection = new SMTPConnection(options);
      let stage: Stage = 'connect';
      const failed = new Promise<never>((_, reject) => connection.once('error', reject));
      failed.catch(() => undefined);
      const step = <T>(run: (done: (err: Error | null | undefined, value?: T) => void) => void) =>
        Promise.race([new Promise<T>((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value as T)))), failed]);
      try {
        await step<void>((done) => connection.connect((err) => done(err)));
        if (s.user) {
          stage = 'login';
          await step<void>((done) => connection.login({ user: s.user!, pass: s.password! }, (err) => done(err)));
        }
        stage = 'send';
        const info = await step<SMTPConnection.SentMessageInfo>((done) => connection.send({ from: s.from, to: m.to }, raw, done));
        connection.quit();
        return { messageId: messageIdFor(m.key), accepted: info.accepted.map(String), rejected: info.rejected.map(String) };
      } catch (err) {
        connection.close();
        throw mailErrorOf(err, stage);
      }
    },
  };
}

function mailErrorOf(err: unknown, stage: Stage): MailError {
  const e = err as { responseCode?: number; command?: string; response?: string; message?: string };
  // The relay's own answer (code and text) says what happened; nodemailer's messages carry no credentials.
  const said = e.responseCode ? `${e.responseCode} ${String(e.response ?? '').slice(0, 200)}` : String(e.message ?? err).slice(0, 200);
  const message = `smtp ${stage}${e.command ? ` (${e.command.split(' ')[0]})` : ''}: ${said}`;
  // An answer from the relay is a refusal of this transaction (4xx: try later; 5xx: never).
  if (e.responseCode) return new MailError(message, e.responseCode < 500, false);
  // No answer: before the envelope nothing was sent; from the envelope on the relay may have it.
  return new MailError(message, true, stage === 'send');
}
