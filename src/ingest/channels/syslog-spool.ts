// A durable FIFO for syslog messages received but not yet ingested. Syslog senders cannot be
// asked to resend, so a message is written here before anything else happens to it; it leaves
// only once ingest has answered for it. While Temporal or PostgreSQL is down the spool grows
// (on disk, never in memory) up to its bound; after a restart it is drained from where it was.
//
// Layout in `dir`: `spool.log` holds records (4-byte big-endian length, then the message bytes)
// appended in arrival order; `spool.offset` holds the byte offset of the first record not yet
// delivered. Once everything is delivered both are reset to empty. A record may be delivered
// twice after a crash between ingest and the offset write: ingest deduplicates by alert id.
import {
  closeSync,
  existsSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export interface SpoolBatch {
  messages: Uint8Array[];
  /** Pass to commit() once every message of the batch has been handled. */
  end: number;
}

export class SyslogSpool {
  private readonly logPath: string;
  private readonly offsetPath: string;
  private readonly fd: number;
  private size: number;
  private offset: number;

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {
    mkdirSync(dir, { recursive: true });
    this.logPath = join(dir, 'spool.log');
    this.offsetPath = join(dir, 'spool.offset');
    this.fd = openSync(this.logPath, 'a+');
    this.size = fstatSync(this.fd).size;
    const saved = existsSync(this.offsetPath) ? Number(readFileSync(this.offsetPath, 'utf8')) : 0;
    this.offset = Number.isSafeInteger(saved) && saved >= 0 && saved <= this.size ? saved : 0;
    this.dropTornTail();
  }

  /** A crash mid-append leaves a partial last record: cut it, so later appends stay aligned. */
  private dropTornTail(): void {
    const header = Buffer.alloc(4);
    let at = this.offset;
    while (at + 4 <= this.size) {
      readSync(this.fd, header, 0, 4, at);
      const next = at + 4 + header.readUInt32BE(0);
      if (next > this.size) break;
      at = next;
    }
    if (at < this.size) {
      ftruncateSync(this.fd, at);
      this.size = at;
    }
  }

  /** Bytes spooled and not yet delivered. */
  get backlogBytes(): number {
    return this.size - this.offset;
  }
  get full(): boolean {
    return this.backlogBytes >= this.maxBytes;
  }

  /** Appends one message at the end of the queue (the caller checks `full` first). */
  append(message: Uint8Array): void {
    const header = Buffer.alloc(4);
    header.writeUInt32BE(message.byteLength);
    const record = Buffer.concat([header, message]);
    writeSync(this.fd, record);
    this.size += record.byteLength;
  }

  /** Up to `max` messages from the head of the queue, without removing them. */
  peek(max: number): SpoolBatch {
    const messages: Uint8Array[] = [];
    let at = this.offset;
    const header = Buffer.alloc(4);
    while (messages.length < max && at + 4 <= this.size) {
      readSync(this.fd, header, 0, 4, at);
      const length = header.readUInt32BE(0);
      if (at + 4 + length > this.size) break; // a record cut short by a crash mid-append
      const body = Buffer.alloc(length);
      readSync(this.fd, body, 0, length, at + 4);
      messages.push(body);
      at += 4 + length;
    }
    return { messages, end: at };
  }

  /** Marks everything before `end` delivered; empties the files once nothing is left. */
  commit(end: number): void {
    this.offset = end;
    if (this.offset >= this.size) {
      ftruncateSync(this.fd, 0);
      this.size = 0;
      this.offset = 0;
    }
    const tmp = `${this.offsetPath}.tmp`;
    writeFileSync(tmp, String(this.offset));
    renameSync(tmp, this.offsetPath);
  }

  close(): void {
    closeSync(this.fd);
  }
}
