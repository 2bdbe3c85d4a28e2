// Format 'eml': a user-reported suspicious email (RFC 5322 / MIME) becomes one
// 'phishing-report' alert. The whole message and each attachment are kept as evidence;
// observables are the sender/recipients, URLs in the bodies, sender domains, relay IPs
// from Received headers and attachment hashes. Triage decides whether it is phishing.
import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import PostalMime from 'postal-mime';
import type { AlertInput } from '../../domain/alert';
import { keepOriginal, NormalizeError, type MapContext, type Normalized, type PendingEvidence } from './types';
import { trimEndChars } from '../../domain/text-scan';

/** Larger messages are refused before parsing: postal-mime bounds depth, not breadth. */
export const EML_MAX_BYTES = 25 * 1024 * 1024;
const PARSE_LIMITS = { maxNestingDepth: 32, maxHeadersSize: 512 * 1024, maxRfc822NestingDepth: 3 } as const;
/** Bodies are scanned for URLs up to this many characters each (keeps regex work bounded). */
const SCAN_CHARS = 2 * 1024 * 1024;
const SNIFF_BYTES = 4096;
const KNOWN_HEADERS = /^(from|received|return-path|message-id|mime-version|subject|date|delivered-to|reply-to|to|sender):/i;
const HEADER_LINE = /^[A-Za-z0-9][A-Za-z0-9_-]*:/;

/** Cheap sniff of the first few KB: header lines (after an optional mbox "From " line), one of them a known mail header. */
export function looksLikeEml(bytes: Uint8Array): boolean {
  if (!ArrayBuffer.isView(bytes)) return false;
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, SNIFF_BYTES)).toString('latin1');
  if (head.includes('\0')) return false;
  const lines = head.split(/\r?\n/);
  const complete = lines.length > 1 ? lines.slice(0, -1) : lines; // the last line may be cut off
  let i = complete[0]?.startsWith('From ') ? 1 : 0;
  if (!HEADER_LINE.test(complete[i] ?? '')) return false;
  let known = false;
  for (; i < complete.length && complete[i] !== ''; i++) {
    const line = complete[i];
    if (/^[ \t]/.test(line)) continue; // folded continuation
    if (!HEADER_LINE.test(line)) return false;
    known ||= KNOWN_HEADERS.test(line);
  }
  return known;
}

export async function mapEml(bytes: Uint8Array, ctx: MapContext & { reporter?: string }): Promise<Normalized> {
  if (!ArrayBuffer.isView(bytes)) throw new NormalizeError('eml', 'expected the message as bytes');
  if (bytes.byteLength === 0) throw new NormalizeError('eml', 'empty message');
  if (bytes.byteLength > EML_MAX_BYTES) {
    throw new NormalizeError('eml', `message is ${bytes.byteLength} bytes, the limit is ${EML_MAX_BYTES}`);
  }
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let email: PostalMime.Email;
  try {
    email = await PostalMime.parse(stripMboxLine(input), { ...PARSE_LIMITS, attachmentEncoding: 'arraybuffer' });
  } catch (err) {
    throw new NormalizeError('eml', `cannot parse message: ${err instanceof Error ? err.message : String(err)}`);
  }
  const header = (key: string) => email.headers.filter((h) => h.key === key).map((h) => h.value);
  if (!email.headers.some((h) => KNOWN_HEADERS.test(`${h.key}:`))) {
    throw new NormalizeError('eml', 'no email headers (From, Subject, Date, Message-ID, Received …) found');
  }

  const sha256 = hash('sha256', input);
  const messageId = line(email.messageId?.trim().replace(/^<|>$/g, ''), 1024);
  const subject = line(email.subject, 2048);
  // postal-mime keeps only the first From entry; spoofs like `Brand, x <a@b.c>` hide the address in a later one.
  // A stray "(" opens an address comment that swallows the rest, hence the <…> fallback.
  const rawFrom = header('from')[0] ?? '';
  const from =
    addresses(PostalMime.addressParser(rawFrom, { flatten: true }))[0] ?? line(/<([^<>\s@]+@[^<>\s@]+)>/.exec(rawFrom)?.[1], 512);
  const replyTo = addresses(email.replyTo ?? []);
  const returnPath = line(email.returnPath?.replace(/^<|>$/g, ''), 512);
  const recipients = unique(addresses([...(email.to ?? []), ...(email.cc ?? [])])).slice(0, 100);
  // Headers as the user saw them (display names included), for the description.
  const shown = (key: string) => line(PostalMime.decodeWords(header(key).join(', ')), 1024);
  const authResults = header('authentication-results')
    .map((v) => line(v, 2048))
    .filter(isSet);
  // One evidence slot is the message itself (the alert holds at most 100).
  const attachments = email.attachments.slice(0, 99).map((a) => ({
    name: line(a.filename ?? undefined, 1024),
    mimeType: line(a.mimeType, 255) ?? 'application/octet-stream',
    content: toBytes(a.content),
  }));
  const reporter = line(ctx.reporter, 256);

  const summary = {
    messageId,
    date: line(email.date, 256),
    subject,
    from: shown('from'),
    replyTo: shown('reply-to'),
    returnPath,
    to: recipients.slice(0, 20),
    authenticationResults: authResults.slice(0, 5),
    receivedHops: header('received').length,
    attachments: attachments.slice(0, 20).map((a) => ({ name: a.name, mimeType: a.mimeType, size: a.content.byteLength })),
  };
  const original = keepOriginal(summary);
  const description = [
    reporter && `Reported by: ${reporter}`,
    `From: ${shown('from') ?? '(none)'}`,
    shown('reply-to') && `Reply-To: ${shown('reply-to')}`,
    returnPath && `Return-Path: ${returnPath}`,
    ...authResults.map((v) => `Authentication-Results: ${v}`),
    attachments.length > 0 && `Attachments: ${attachments.map((a) => a.name ?? `(unnamed ${a.mimeType})`).join(', ')}`,
  ]
    .filter(isSet)
    .join('\n');

  const alert: AlertInput = {
    source: 'phishing-report',
    sourceId: messageId && messageId.length <= 256 ? messageId : sha256,
    time: isoTime(header('date')[0], ctx.receivedAt),
    title: clip(`Reported email: ${subject ?? '(no subject)'}`, 512),
    description: clip(description, 16_384),
    severity: 'low', // a report is a suspicion; the evidence raises it, triage decides
    product: { name: 'email', vendor: 'user report' },
    attackTechniques: ['T1566'],
    observables: {
      emails: [
        {
          from,
          to: recipients,
          subject,
          messageId,
          headerNames: unique(email.headers.map((h) => h.key.toLowerCase()).filter((k) => /^x-[a-z0-9-]{1,74}$/.test(k))).slice(0, 64),
        },
      ],
      users: reporter ? [{ name: reporter }] : [],
      urls: extractUrls([email.text, email.html]).slice(0, 200),
      domains: unique([from, ...replyTo, returnPath].map(domainOf).filter(isSet)).slice(0, 200),
      ips: receivedIps(header('received')).slice(0, 200),
      files: attachments.map((a) => ({
        name: a.name,
        size: a.content.byteLength,
        hashes: { md5: hash('md5', a.content), sha1: hash('sha1', a.content), sha256: hash('sha256', a.content) },
      })),
    },
    // A reported mail reached the mailbox: the mail system let it through.
    semantics: { outcome: 'allowed' },
    raw: original.raw,
  };
  const evidence: PendingEvidence[] = [
    { kind: 'email', mediaType: 'message/rfc822', name: `${fileSafe(messageId ?? sha256)}.eml`, content: bytes },
    ...original.evidence,
    ...attachments.map((a) => ({ kind: 'attachment', mediaType: a.mimeType, name: a.name, content: a.content })),
  ];
  return { alert, evidence };
}

// postal-mime would read an mbox "From sender date" separator as a broken header; skip it.
function stripMboxLine(buf: Buffer): Buffer {
  if (buf.subarray(0, 5).toString('latin1') !== 'From ') return buf;
  const nl = buf.indexOf(0x0a);
  return nl < 0 ? buf : buf.subarray(nl + 1);
}

function toBytes(content: ArrayBuffer | Uint8Array | string): Uint8Array {
  if (typeof content === 'string') return Buffer.from(content, 'utf8');
  return ArrayBuffer.isView(content) ? new Uint8Array(content.buffer, content.byteOffset, content.byteLength) : new Uint8Array(content);
}

const hash = (algorithm: string, data: Uint8Array) => createHash(algorithm).update(data).digest('hex');
const isSet = <T>(v: T | undefined | null | false | ''): v is T => v !== undefined && v !== null && v !== false && v !== '';
const unique = <T>(values: T[]) => [...new Set(values)];

/** Cut to at most max UTF-16 units without leaving half a surrogate pair. */
function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/**
 * One display line: control characters and lone surrogates (which Postgres jsonb rejects)
 * become spaces, whitespace collapses; undefined when nothing is left.
 */
function line(s: string | undefined, max: number): string | undefined {
  const cleaned = s?.replace(/[\p{Cc}\p{Cs}\s]+/gu, ' ').trim();
  return cleaned ? clip(cleaned, max).trim() : undefined;
}

/** Flatten groups, keep plausible addresses (no spaces, clipped to the schema). */
function addresses(list: PostalMime.Address[]): string[] {
  return list
    .flatMap((a) => (a.group ? a.group : [a]))
    .flatMap((m) => {
      const address = line(m.address, 512);
      return address && !address.includes(' ') ? [address] : [];
    });
}

function domainOf(address: string | undefined): string | undefined {
  const domain = address
    ?.slice(address.lastIndexOf('@') + 1)
    .toLowerCase()
    .replace(/\.$/, '');
  // Host names only: address literals like [192.0.2.1] are not domains.
  return domain && domain.length <= 253 && domain.includes('.') && /^[\p{L}\p{N}_.-]+$/u.test(domain) ? domain : undefined;
}

/** The Date header as ISO 8601; missing, unparseable or implausible (far future) dates fall back to receivedAt. */
function isoTime(date: string | undefined, receivedAt: string): string {
  // Date.parse is lenient ("Mon, 1" is 2001-01-01): an RFC 5322 date always has a time of day.
  const t = date && /\d:\d\d/.test(date) ? Date.parse(date) : NaN;
  const year = new Date(t).getUTCFullYear();
  if (!Number.isFinite(t) || year < 1970 || year > 9999 || t > Date.parse(receivedAt) + 86_400_000) return receivedAt;
  return new Date(t).toISOString();
}

/** Relay IPs as written in Received headers, in header order (public and private alike). */
function receivedIps(received: string[]): string[] {
  const ips: string[] = [];
  for (const value of received.map((v) => v.replace(/IPv6:/gi, ' '))) {
    // Not followed by ".": helo=11.112.189.185.in-addr.arpa is a reversed name, not an address.
    for (const m of value.matchAll(/(?<![\w.:])\d{1,3}(?:\.\d{1,3}){3}(?![\w.])/g)) if (isIPv4(m[0])) ips.push(m[0]);
    // Candidates are colon groups (IPv4-mapped tails included); isIPv6 rejects times like 10:56:39.
    for (const m of value.matchAll(/(?<![\w:])[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:(?<=:)\d{1,3}(?:\.\d{1,3}){3})?(?![\w:]|\.\d)/gi)) {
      if (m[0] !== '::' && isIPv6(m[0])) ips.push(m[0]);
    }
  }
  return unique(ips);
}

/** Undo common defanging (hxxp, [.], [:]) so reported IOCs are usable. */
const refang = (s: string) =>
  s
    .replace(/\bhxxp(s?):/gi, 'http$1:')
    .replace(/\[\.\]|\(\.\)|\{\.\}/g, '.')
    .replace(/\[:\]/g, ':');

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|amp|quot|apos|lt|gt);/gi, (all, e: string) => {
    const lower = e.toLowerCase();
    if (lower[0] !== '#') return ({ amp: '&', quot: '"', apos: "'", lt: '<', gt: '>' } as Record<string, string>)[lower] ?? all;
    const code = lower[1] === 'x' ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
  });
}

/** http(s) URLs from href targets and visible text of each body, in order of appearance. */
function extractUrls(bodies: (string | undefined)[]): string[] {
  const found: string[] = [];
  for (const body of bodies) {
    if (!body) continue;
    const text = refang(body.slice(0, SCAN_CHARS));
    // [^"<>] keeps every scan bounded by the next quote or tag, so hostile HTML stays linear.
    for (const m of text.matchAll(/\bhref\s*=\s*(?:"([^"<>]*)"|'([^'<>]*)'|([^\s"'<>]+))/gi)) {
      // Browsers drop line breaks inside href values; we drop all whitespace so the IOC is one token.
      found.push(decodeEntities(m[1] ?? m[2] ?? m[3] ?? '').replace(/\s+/g, ''));
    }
    const visible = decodeEntities(text.replace(/<[^<>]*>/g, ' '));
    for (const m of visible.matchAll(/\bhttps?:\/\/[^\s<>"'`]+/gi)) found.push(trimEndChars(m[0], '.,;:!?)]}'));
  }
  return unique(found.filter((u) => /^https?:\/\/./i.test(u) && u.length <= 8192 && isUrl(u)));
}

function isUrl(s: string): boolean {
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

const fileSafe = (s: string) => clip(s.replace(/[^A-Za-z0-9._@+-]+/g, '_'), 200);
