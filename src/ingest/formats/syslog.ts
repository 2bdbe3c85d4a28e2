// Syslog for the CEF receiver: header parsing of one line (RFC 5424, RFC 3164) and deframing of
// a TCP stream (RFC 6587). Pure: no I/O. Input comes from the network, so nothing here throws on
// any string or byte sequence, and no regular expression can backtrack badly.

export interface SyslogLine {
  priority?: number;
  facility?: number;
  severity?: number;
  /** As sent: RFC 3339 for RFC 5424, `Mmm dd hh:mm:ss` (optionally with a year) for RFC 3164. */
  timestamp?: string;
  hostname?: string;
  appName?: string;
  procId?: string;
  msgId?: string;
  /** RFC 5424 structured data: SD-ID → param name → value (unescaped). */
  structuredData?: Record<string, Record<string, string>>;
  message: string;
  framing: 'rfc5424' | 'rfc3164' | 'none';
}

const PRI = /^<(\d{1,3})>/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/i;
const MONTHS = 'Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec';
// RFC 3164 TIMESTAMP, plus two common deviations: a year after the day (ArcSight loggers) and an
// RFC 3339 timestamp in its place (rsyslog's high-precision template).
const BSD_TIMESTAMP = new RegExp(
  `^(?:(?:${MONTHS}) {1,2}\\d{1,2}(?: \\d{4})? \\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,6})?` +
    '|\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?(?:Z|[+-]\\d{2}:\\d{2}))(?= |$)',
  'i',
);
// RFC 3164 TAG: "app:" or "app[pid]:". Anything else after the hostname is plain content.
const TAG = /^([^\s:[\]]{1,48})(?:\[([^\]\s]{0,32})\])?: ?/;
const BOM = '\uFEFF';

/** Split a syslog line into its header fields and message; framing 'none' when it has no header. */
export function parseSyslogLine(line: string): SyslogLine {
  let end = line.length;
  while (end > 0 && (line[end - 1] === '\n' || line[end - 1] === '\r')) end--;
  const text = line.slice(0, end);

  const pri = PRI.exec(text);
  const priVal = pri ? Number(pri[1]) : NaN;
  if (pri && priVal <= 191) {
    const head = { priority: priVal, facility: priVal >> 3, severity: priVal & 7 };
    const rest = text.slice(pri[0].length);
    // After a PRI, a line that is neither RFC 5424 nor has a 3164 timestamp is still a (sloppy)
    // 3164 message: RFC 3164 section 4.3.2 tells relays to keep it as content.
    return { ...head, ...(parse5424(rest, true) ?? parse3164(rest) ?? { message: rest, framing: 'rfc3164' }) };
  }
  // Files written by syslog servers usually drop the PRI; accept both header forms without it.
  return parse5424(text, false) ?? parse3164(text) ?? { message: text, framing: 'none' };
}

type Header = Omit<SyslogLine, 'priority' | 'facility' | 'severity'>;

function parse5424(s: string, hasPri: boolean): Header | undefined {
  if (!s.startsWith('1 ')) return undefined;
  let pos = 2;
  const token = (): string | undefined => {
    const stop = s.indexOf(' ', pos);
    const tok = s.slice(pos, stop < 0 ? s.length : stop);
    pos = stop < 0 ? s.length : stop + 1;
    return tok === '-' || tok === '' ? undefined : tok;
  };
  const timestamp = token();
  // Without a PRI, "1 " could just start a message: demand a real timestamp (or nil) too.
  if (!hasPri && !(timestamp === undefined ? s.startsWith('1 - ') : RFC3339.test(timestamp))) return undefined;
  const header: Header = {
    timestamp,
    hostname: token(),
    appName: token(),
    procId: token(),
    msgId: token(),
    message: '',
    framing: 'rfc5424',
  };

  let structuredData: SyslogLine['structuredData'];
  if (s[pos] === '-') pos++;
  else if (s[pos] === '[') {
    const sd = parseStructuredData(s, pos);
    // Malformed structured data is kept as message text rather than lost.
    if (sd) ({ data: structuredData, pos } = sd);
  }
  if (s[pos] === ' ') pos++;
  let message = s.slice(pos);
  if (message.startsWith(BOM)) message = message.slice(1);
  return { ...header, ...(structuredData ? { structuredData } : {}), message };
}

/** `[id name="value" ...][id2 ...]` from `pos`; undefined when malformed. */
function parseStructuredData(s: string, pos: number): { data: Record<string, Record<string, string>>; pos: number } | undefined {
  const data: Record<string, Record<string, string>> = Object.create(null);
  while (s[pos] === '[') {
    let idEnd = ++pos;
    while (idEnd < s.length && s[idEnd] !== ' ' && s[idEnd] !== ']') idEnd++;
    const id = s.slice(pos, idEnd);
    if (!id) return undefined;
    const params: Record<string, string> = (data[id] ??= Object.create(null));
    pos = idEnd;
    while (s[pos] === ' ') {
      const eq = s.indexOf('="', ++pos);
      if (eq <= pos) return undefined;
      const name = s.slice(pos, eq);
      if (/[\s\]"]/.test(name)) return undefined;
      let value = '';
      for (pos = eq + 2; pos < s.length && s[pos] !== '"'; pos++) {
        // PARAM-VALUE escapes: \" \\ \] ; any other backslash is literal (RFC 5424 6.3.3).
        if (s[pos] === '\\' && '"\\]'.includes(s[pos + 1] ?? '')) pos++;
        value += s[pos];
      }
      if (pos >= s.length) return undefined;
      params[name] = value;
      pos++;
    }
    if (s[pos] !== ']') return undefined;
    pos++;
  }
  return { data, pos };
}

function parse3164(s: string): Header | undefined {
  const ts = BSD_TIMESTAMP.exec(s);
  if (!ts) return undefined;
  let rest = s.slice(ts[0].length + 1);
  let hostname: string | undefined;
  // HOSTNAME comes next, unless the sender omitted it and the next token is already the TAG.
  const space = rest.indexOf(' ');
  const first = space < 0 ? rest : rest.slice(0, space);
  const firstAsTag = TAG.exec(first);
  // Whole-token match only, so an IPv6 hostname ("fe80::1") is not mistaken for "fe80:".
  if (first && firstAsTag?.[0].length !== first.length) {
    hostname = first;
    rest = space < 0 ? '' : rest.slice(space + 1);
  }
  const tag = TAG.exec(rest);
  if (tag) rest = rest.slice(tag[0].length);
  return { timestamp: ts[0], hostname, appName: tag?.[1], procId: tag?.[2] || undefined, message: rest, framing: 'rfc3164' };
}

export interface DeframerOptions {
  /** Messages longer than this many bytes are dropped and counted (default 64 KiB). */
  maxMessageSize?: number;
}

const LF = 0x0a,
  CR = 0x0d,
  NUL = 0x00,
  SP = 0x20;
const isDelimiter = (b: number) => b === LF || b === CR || b === NUL;

/**
 * Splits a syslog TCP stream into messages (RFC 6587). Each message's framing is detected on its
 * own: `LEN SP MSG` (octet counting) when it starts with a non-zero digit run and a space, else
 * newline framing ended by LF, CRLF or NUL. A newline-framed message that itself starts with
 * "digits space" is indistinguishable from octet counting; like rsyslog, we read it as the latter.
 */
export class SyslogStreamDeframer {
  /** Messages dropped for exceeding maxMessageSize. */
  droppedOversize = 0;
  /** Octet-counted messages cut short by the end of the stream (seen by flush). */
  droppedTruncated = 0;
  private readonly max: number;
  /** Received bytes not yet consumed are pending[0, length). Capacity doubles as it fills, so a
   *  sender trickling a large message byte by byte costs linear, not quadratic, time. */
  private pending: Buffer = Buffer.alloc(0);
  private length = 0;
  /** How far the pending newline-framed message was already searched for its delimiter. */
  private scanned = 0;
  /** Bytes of an oversize octet-counted message still to skip. */
  private skip = 0;
  /** Inside an oversize newline-framed message: discard up to its delimiter. */
  private discarding = false;

  constructor(options: DeframerOptions = {}) {
    this.max = options.maxMessageSize ?? 64 * 1024;
  }

  push(chunk: Buffer): string[] {
    const buf = this.append(chunk);
    const scanned = this.scanned;
    this.scanned = 0;
    const out: string[] = [];
    let pos = 0;
    while (pos < buf.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, buf.length - pos);
        this.skip -= n;
        pos += n;
        continue;
      }
      if (this.discarding) {
        const d = nextDelimiter(buf, pos);
        if (d < 0) {
          pos = buf.length;
          break;
        }
        this.discarding = false;
        pos = d + 1;
        continue;
      }
      if (isDelimiter(buf[pos])) {
        pos++;
        continue;
      } // blank lines, or a LF after an octet-counted frame

      const frame = octetFrame(buf, pos);
      if (frame === 'incomplete') break;
      if (frame) {
        if (frame.length > this.max) {
          // Skipping exactly the announced length keeps the framing of the messages after it.
          this.droppedOversize++;
          this.skip = frame.length;
          pos = frame.start;
          continue;
        }
        if (buf.length - frame.start < frame.length) break;
        out.push(buf.toString('utf8', frame.start, frame.start + frame.length));
        pos = frame.start + frame.length;
        continue;
      }

      const d = nextDelimiter(buf, pos === 0 ? scanned : pos);
      if (d < 0) {
        // +1: a CR waiting for its LF is not part of the message.
        if (buf.length - pos > this.max + 1) {
          this.droppedOversize++;
          this.discarding = true;
          pos = buf.length;
        } else {
          this.scanned = buf.length - pos;
        }
        break;
      }
      const end = d > pos && buf[d] === LF && buf[d - 1] === CR ? d - 1 : d;
      if (end - pos > this.max) this.droppedOversize++;
      else out.push(buf.toString('utf8', pos, end));
      pos = d + 1;
    }
    this.consume(pos);
    return out;
  }

  /** At end of stream: the last message if it lacked a trailing newline. Resets the deframer. */
  flush(): string[] {
    const rest = Buffer.from(this.pending.subarray(0, this.length));
    const partial = this.skip > 0 || this.discarding;
    this.consume(this.length);
    this.skip = 0;
    this.scanned = 0;
    this.discarding = false;
    if (partial) return [];
    let pos = 0;
    while (pos < rest.length && isDelimiter(rest[pos])) pos++;
    if (pos >= rest.length) return [];
    if (typeof octetFrame(rest, pos) === 'object') {
      this.droppedTruncated++;
      return [];
    }
    let end = rest.length;
    while (end > pos && isDelimiter(rest[end - 1])) end--;
    return [rest.toString('utf8', pos, end)];
  }

  /** Copies the chunk in (the caller may reuse its buffer) and returns all pending bytes. */
  private append(chunk: Buffer): Buffer {
    const need = this.length + chunk.length;
    if (need > this.pending.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, 2 * this.pending.length));
      this.pending.copy(grown, 0, 0, this.length);
      this.pending = grown;
    }
    chunk.copy(this.pending, this.length);
    this.length = need;
    return this.pending.subarray(0, need);
  }

  /** Drops the first n pending bytes; releases the buffer once a burst has passed. */
  private consume(n: number): void {
    if (n > 0) this.pending.copyWithin(0, n, this.length);
    this.length -= n;
    if (this.length === 0 && this.pending.length > 2 * this.max) this.pending = Buffer.alloc(0);
  }
}

/**
 * An octet-counting header at `pos`: the message length and where the message starts;
 * 'incomplete' while the digits run to the end of the buffer; undefined if this is not one.
 */
function octetFrame(buf: Buffer, pos: number): { length: number; start: number } | 'incomplete' | undefined {
  if (buf[pos] < 0x31 || buf[pos] > 0x39) return undefined; // MSG-LEN starts with a non-zero digit
  let i = pos;
  while (i < buf.length && buf[i] >= 0x30 && buf[i] <= 0x39) {
    // Nine digits is far beyond any sane maximum; longer runs are content, not a length.
    if (++i - pos > 9) return undefined;
  }
  if (i === buf.length) return 'incomplete';
  if (buf[i] !== SP) return undefined;
  return { length: Number(buf.toString('latin1', pos, i)), start: i + 1 };
}

function nextDelimiter(buf: Buffer, pos: number): number {
  const lf = buf.indexOf(LF, pos);
  const nul = buf.indexOf(NUL, pos);
  return lf < 0 ? nul : nul < 0 ? lf : Math.min(lf, nul);
}
