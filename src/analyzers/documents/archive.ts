// Archives (ZIP, gzip, tar) opened with hard limits, so a caller can run file analyzers on
// what is inside: nesting depth, entry count, bytes per entry and in total, and a
// compression-ratio guard against zip bombs. Sizes declared in headers are never trusted:
// every byte is counted as it streams out, and extraction stops at the first limit.
// Encrypted zip entries are tried with known passwords ("infected" is the convention for
// shared malware samples); whether one was needed is reported, since password-protected
// attachments are a way to get malware past mail scanners.
import { createHash, type Hash } from 'node:crypto';
import { Uint8ArrayReader, Writer, ZipReader, type Entry } from '@zip.js/zip.js';
import { asBytes, errorMessage, failedFinding, sha256Hex, startsWith, uniqueSorted, type Analysis } from './common';
import { assessMember, extensionOf, type RiskFlag } from './member-risk';
import { isTar, readTar } from './tar';
import { boundedInflateRaw, recoverZipEntries } from './zip-recovery';
import type { Finding } from '../../domain/finding';

export const ARCHIVE_ANALYZER = 'archive';
export const ANALYZER_VERSION = '1';

export interface ArchiveLimits {
  /** Archives nested deeper than this are listed but not opened (the top archive's members are depth 1). */
  maxDepth: number;
  /** Entries looked at across all nesting levels. */
  maxEntries: number;
  /** Decompressed bytes across all entries. */
  maxTotalBytes: number;
  /** Decompressed bytes of one entry. */
  maxEntryBytes: number;
  /** Bytes of one member kept in memory for the caller; larger members keep this much of their start. */
  maxKeptBytes: number;
  /** Output/input ratio above which a large entry counts as a bomb. */
  maxRatio: number;
  /** Entries smaller than this are never called bombs, whatever their ratio. */
  bombMinBytes: number;
  /** Passwords tried on encrypted zip entries, in order. */
  passwords: string[];
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxDepth: 3,
  maxEntries: 1000,
  maxTotalBytes: 200 * 1024 * 1024,
  maxEntryBytes: 100 * 1024 * 1024,
  maxKeptBytes: 32 * 1024 * 1024,
  maxRatio: 100,
  bombMinBytes: 8 * 1024 * 1024,
  passwords: ['infected'],
};

export type ContainerFormat = 'zip' | 'gzip' | 'tar';

export interface ArchiveMember {
  /** Path through the containers: 'outer-member.zip/inner/file.exe'. */
  path: string;
  name: string;
  depth: number;
  container: ContainerFormat;
  /** Decompressed bytes seen (the full size when `complete`). */
  size: number;
  /** Over the whole content; absent when extraction stopped before the end. */
  sha256?: string;
  /** The content, or its first maxKeptBytes when `truncated`. */
  bytes?: Uint8Array;
  complete: boolean;
  truncated: boolean;
  encrypted: boolean;
  passwordUsed?: string;
  error?: string;
  flags: RiskFlag[];
}

export interface ArchiveFacts {
  format?: ContainerFormat;
  members: ArchiveMember[];
  entriesSeen: number;
  totalBytes: number;
  /** True when some entry was encrypted (whether or not a password opened it). */
  encryptedEntries: boolean;
  passwordUsed?: string;
  /** Encrypted entries no known password opened. */
  unopened: string[];
  bombs: string[];
  /** Archives not opened because they sat deeper than maxDepth. */
  tooDeep: string[];
  limitsHit: string[];
  /** True when entries were read from local headers because the central directory was unusable. */
  recovered: boolean;
  errors: string[];
  comment?: string;
}

/** Formats a caller should open as archives (zip-based office documents are left whole). */
const ZIP_DOCUMENT_EXT = new Set([
  'docx',
  'docm',
  'dotx',
  'dotm',
  'xlsx',
  'xlsm',
  'xltx',
  'xltm',
  'xlam',
  'pptx',
  'pptm',
  'ppsx',
  'ppsm',
  'potx',
  'potm',
  'odt',
  'ods',
  'odp',
  'jar',
  'apk',
  'xpi',
  'vsdx',
  'epub',
  'appx',
  'msix',
  'nupkg',
  'whl',
]);

export function sniffArchive(bytes: Uint8Array): ContainerFormat | undefined {
  if (
    startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) ||
    startsWith(bytes, [0x50, 0x4b, 0x05, 0x06]) ||
    startsWith(bytes, [0x50, 0x4b, 0x07, 0x08])
  )
    return 'zip';
  if (startsWith(bytes, [0x1f, 0x8b])) return 'gzip';
  if (isTar(bytes)) return 'tar';
  return undefined;
}

class LimitReached extends Error {
  constructor(
    readonly kind: 'bomb' | 'entry' | 'total',
    message: string,
  ) {
    super(message);
  }
}

interface Context {
  limits: ArchiveLimits;
  facts: ArchiveFacts;
  stopped: boolean;
}

/** Streams one entry out: counts, hashes and keeps bytes, and throws at the first limit. */
class CappedSink extends Writer<Uint8Array> {
  written = 0;
  private readonly hash: Hash = createHash('sha256');
  private readonly kept: Uint8Array[] = [];
  private keptBytes = 0;
  constructor(
    private readonly ctx: Context,
    private readonly compressedSize: number,
  ) {
    super();
  }
  override async writeUint8Array(chunk: Uint8Array): Promise<void> {
    const { limits, facts } = this.ctx;
    this.written += chunk.length;
    facts.totalBytes += chunk.length;
    if (this.written >= limits.bombMinBytes && this.written > this.compressedSize * limits.maxRatio) {
      throw new LimitReached('bomb', `ratio over ${limits.maxRatio}:1 after ${this.written} bytes from ${this.compressedSize} compressed`);
    }
    if (this.written > limits.maxEntryBytes) throw new LimitReached('entry', `entry over ${limits.maxEntryBytes} bytes`);
    if (facts.totalBytes > limits.maxTotalBytes) throw new LimitReached('total', `archive total over ${limits.maxTotalBytes} bytes`);
    this.hash.update(chunk);
    if (this.keptBytes < limits.maxKeptBytes) {
      const take = chunk.subarray(0, limits.maxKeptBytes - this.keptBytes);
      this.kept.push(take.slice());
      this.keptBytes += take.length;
    }
  }
  override async getData(): Promise<Uint8Array> {
    return this.content();
  }
  content(): Uint8Array {
    const out = new Uint8Array(this.keptBytes);
    let at = 0;
    for (const c of this.kept) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
  digest(): string {
    return this.hash.digest('hex');
  }
}

function joinPath(prefix: string, name: string): string {
  return prefix ? `${prefix}/${name}` : name;
}

function recordLimit(ctx: Context, err: LimitReached, path: string): void {
  if (err.kind === 'bomb') ctx.facts.bombs.push(`${path}: ${err.message}`);
  else ctx.facts.limitsHit.push(`${path}: ${err.message}`);
  // A bomb or an exhausted budget ends the whole extraction; one oversize entry does not.
  if (err.kind !== 'entry') ctx.stopped = true;
}

function addMember(ctx: Context, m: Omit<ArchiveMember, 'flags'>): ArchiveMember {
  const member: ArchiveMember = { ...m, flags: assessMember(m.name, m.bytes?.subarray(0, 0x8010)) };
  ctx.facts.members.push(member);
  return member;
}

/** Open nested archives found among members, within the depth limit. */
async function descend(ctx: Context, member: ArchiveMember): Promise<void> {
  if (!member.bytes || !member.complete || member.truncated || ctx.stopped) return;
  const format = sniffArchive(member.bytes);
  if (!format || ZIP_DOCUMENT_EXT.has(extensionOf(member.name))) return;
  if (member.depth >= ctx.limits.maxDepth) {
    ctx.facts.tooDeep.push(member.path);
    return;
  }
  await extractInto(ctx, member.bytes, member.path, member.depth + 1, member.name);
}

function outputBound(ctx: Context, compressedSize: number): { max: number; ratioBound: boolean } {
  const { limits, facts } = ctx;
  const ratioMax = Math.max(limits.bombMinBytes, compressedSize * limits.maxRatio);
  const sizeMax = Math.min(limits.maxEntryBytes, Math.max(0, limits.maxTotalBytes - facts.totalBytes));
  return { max: Math.min(ratioMax, sizeMax), ratioBound: ratioMax < sizeMax };
}

async function extractZipEntry(ctx: Context, entry: Entry, prefix: string, depth: number, archiveLength: number): Promise<void> {
  const path = joinPath(prefix, entry.filename);
  const base = {
    path,
    name: entry.filename.split('/').pop() || entry.filename,
    depth,
    container: 'zip' as const,
    encrypted: entry.encrypted,
  };
  if (entry.directory) return;
  // A declared compressed size can lie; the file holds at most its own length.
  const compressed = Math.max(1, Math.min(entry.compressedSize, archiveLength));
  const candidates: (string | undefined)[] = entry.encrypted ? ctx.limits.passwords : [undefined];
  if (entry.encrypted) ctx.facts.encryptedEntries = true;
  let lastError = entry.encrypted && candidates.length === 0 ? 'encrypted, no password to try' : 'not extracted';
  for (const password of candidates) {
    const sink = new CappedSink(ctx, compressed);
    try {
      await entry.getData(sink, { password, checkSignature: true, useWebWorkers: false });
      const bytes = sink.content();
      const member = addMember(ctx, {
        ...base,
        size: sink.written,
        sha256: sink.digest(),
        bytes,
        complete: true,
        truncated: bytes.length < sink.written,
        passwordUsed: password,
      });
      if (password) ctx.facts.passwordUsed = password;
      await descend(ctx, member);
      return;
    } catch (err) {
      if (err instanceof LimitReached) {
        recordLimit(ctx, err, path);
        addMember(ctx, {
          ...base,
          size: sink.written,
          bytes: sink.content(),
          complete: false,
          truncated: true,
          passwordUsed: password,
          error: err.message,
        });
        return;
      }
      // A wrong ZipCrypto password passes its 1-byte check 1 time in 256 and then fails the CRC.
      ctx.facts.totalBytes -= sink.written;
      lastError = errorMessage(err);
      if (!password) break;
    }
  }
  if (entry.encrypted) ctx.facts.unopened.push(path);
  else ctx.facts.errors.push(`${path}: ${lastError}`);
  addMember(ctx, { ...base, size: 0, complete: false, truncated: false, error: lastError });
}

async function extractZip(ctx: Context, bytes: Uint8Array, prefix: string, depth: number): Promise<void> {
  const reader = new ZipReader(new Uint8ArrayReader(bytes), { useWebWorkers: false });
  let listed = 0;
  try {
    for await (const entry of reader.getEntriesGenerator()) {
      if (ctx.stopped) break;
      if (ctx.facts.entriesSeen >= ctx.limits.maxEntries) {
        ctx.facts.limitsHit.push(`${prefix || '(top)'}: more than ${ctx.limits.maxEntries} entries`);
        ctx.stopped = true;
        break;
      }
      ctx.facts.entriesSeen++;
      listed++;
      await extractZipEntry(ctx, entry, prefix, depth, bytes.length);
    }
    // The archive comment sometimes carries the password for the victim (read once entries are listed).
    if (depth === 1 && reader.comment?.length) ctx.facts.comment = Buffer.from(reader.comment).toString('latin1').slice(0, 1000);
  } catch (err) {
    ctx.facts.errors.push(`${prefix || '(top)'}: ${errorMessage(err)}`);
    if (listed === 0) await recoverZip(ctx, bytes, prefix, depth);
  } finally {
    await reader.close().catch(() => undefined);
  }
}

/** No usable central directory: read entries from their local headers. */
async function recoverZip(ctx: Context, bytes: Uint8Array, prefix: string, depth: number): Promise<void> {
  const remaining = Math.max(0, ctx.limits.maxEntries - ctx.facts.entriesSeen);
  let ratioBound = false;
  const entries = recoverZipEntries(bytes, remaining, (compressedSize) => {
    const b = outputBound(ctx, compressedSize);
    ratioBound = b.ratioBound;
    return b.max;
  });
  for (const e of entries) {
    if (ctx.stopped) break;
    ctx.facts.recovered = true;
    ctx.facts.entriesSeen++;
    const path = joinPath(prefix, e.name);
    const name = e.name.split('/').pop() || e.name;
    if (e.name.endsWith('/')) continue;
    if (e.encrypted) {
      ctx.facts.encryptedEntries = true;
      ctx.facts.unopened.push(path);
    }
    if (e.overLimit) {
      const bomb = ratioBound;
      recordLimit(
        ctx,
        new LimitReached(
          bomb ? 'bomb' : 'entry',
          bomb ? `ratio over ${ctx.limits.maxRatio}:1 from ${e.compressedSize} compressed bytes` : `entry over the size limit`,
        ),
        path,
      );
    }
    const data = e.overLimit ? undefined : e.data;
    if (data) ctx.facts.totalBytes += data.length;
    const kept = data?.subarray(0, ctx.limits.maxKeptBytes);
    const member = addMember(ctx, {
      path,
      name,
      depth,
      container: 'zip',
      encrypted: e.encrypted,
      size: data?.length ?? 0,
      sha256: data && !e.cut ? sha256Hex(data) : undefined,
      bytes: kept ? asBytes(kept) : undefined,
      complete: !!data && !e.cut,
      truncated: !!data && (e.cut || kept!.length < data.length),
      error: e.error,
    });
    await descend(ctx, member);
  }
}

/** gzip: header parsed here so trailing junk or a cut trailer still yields the content. */
async function extractGzip(ctx: Context, bytes: Uint8Array, prefix: string, depth: number, outerName?: string): Promise<void> {
  const flags = bytes[3];
  let pos = 10;
  let name: string | undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[2] !== 8) {
    ctx.facts.errors.push(`${prefix || '(top)'}: gzip compression method ${bytes[2]} unknown`);
    return;
  }
  if (flags & 0x04 && pos + 2 <= bytes.length) pos += 2 + dv.getUint16(pos, true);
  if (flags & 0x08) {
    const end = bytes.indexOf(0, pos);
    if (end < 0) pos = bytes.length;
    else {
      name = Buffer.from(bytes.subarray(pos, Math.min(end, pos + 1024))).toString('latin1');
      pos = end + 1;
    }
  }
  if (flags & 0x10) {
    const end = bytes.indexOf(0, pos);
    pos = end < 0 ? bytes.length : end + 1;
  }
  if (flags & 0x02) pos += 2;
  ctx.facts.entriesSeen++;
  const inner =
    name?.split(/[\\/]/).pop() ||
    (outerName ? outerName.replace(/\.t?gz$/i, (m) => (m.toLowerCase() === '.tgz' ? '.tar' : '')) : '') ||
    'content';
  const path = joinPath(prefix, inner);
  const bound = outputBound(ctx, Math.max(1, bytes.length - pos));
  const out = boundedInflateRaw(bytes.subarray(Math.min(pos, bytes.length)), bound.max);
  if (out.overLimit) {
    recordLimit(
      ctx,
      new LimitReached(
        bound.ratioBound ? 'bomb' : 'entry',
        bound.ratioBound ? `ratio over ${ctx.limits.maxRatio}:1` : `content over ${bound.max} bytes`,
      ),
      path,
    );
    addMember(ctx, {
      path,
      name: inner,
      depth,
      container: 'gzip',
      size: 0,
      complete: false,
      truncated: true,
      encrypted: false,
      error: out.error,
    });
    return;
  }
  if (!out.data) {
    ctx.facts.errors.push(`${path}: ${out.error}`);
    addMember(ctx, {
      path,
      name: inner,
      depth,
      container: 'gzip',
      size: 0,
      complete: false,
      truncated: false,
      encrypted: false,
      error: out.error,
    });
    return;
  }
  ctx.facts.totalBytes += out.data.length;
  const data = asBytes(out.data);
  const kept = data.subarray(0, ctx.limits.maxKeptBytes);
  const member = addMember(ctx, {
    path,
    name: inner,
    depth,
    container: 'gzip',
    size: data.length,
    encrypted: false,
    sha256: out.cut ? undefined : sha256Hex(data),
    bytes: kept,
    complete: !out.cut,
    truncated: out.cut || kept.length < data.length,
    error: out.error,
  });
  await descend(ctx, member);
}

async function extractTar(ctx: Context, bytes: Uint8Array, prefix: string, depth: number): Promise<void> {
  const { entries, error } = readTar(bytes, Math.max(0, ctx.limits.maxEntries - ctx.facts.entriesSeen));
  if (error) ctx.facts.errors.push(`${prefix || '(top)'}: ${error}`);
  for (const e of entries) {
    if (ctx.stopped) break;
    ctx.facts.entriesSeen++;
    const path = joinPath(prefix, e.name);
    const name = e.name.split('/').pop() || e.name;
    const cut = e.data.length < e.declaredSize;
    const kept = e.data.subarray(0, ctx.limits.maxKeptBytes);
    const member = addMember(ctx, {
      path,
      name,
      depth,
      container: 'tar',
      size: e.data.length,
      encrypted: false,
      sha256: cut ? undefined : sha256Hex(e.data),
      bytes: kept,
      complete: !cut,
      truncated: cut || kept.length < e.data.length,
    });
    // Tar stores without compression: the bytes are already in memory, only the count matters.
    ctx.facts.totalBytes += e.data.length;
    if (ctx.facts.totalBytes > ctx.limits.maxTotalBytes) {
      recordLimit(ctx, new LimitReached('total', `archive total over ${ctx.limits.maxTotalBytes} bytes`), path);
      break;
    }
    await descend(ctx, member);
  }
}

async function extractInto(ctx: Context, bytes: Uint8Array, prefix: string, depth: number, name?: string): Promise<void> {
  const format = sniffArchive(bytes);
  if (depth === 1) ctx.facts.format = format;
  if (format === 'zip') await extractZip(ctx, bytes, prefix, depth);
  else if (format === 'gzip') await extractGzip(ctx, bytes, prefix, depth, name);
  else if (format === 'tar') await extractTar(ctx, bytes, prefix, depth);
  else ctx.facts.errors.push(`${prefix || '(top)'}: not a zip, gzip or tar archive`);
}

/** Extract an archive's members within the limits. Never throws. */
export async function extractArchive(input: Uint8Array, name?: string, limits: Partial<ArchiveLimits> = {}): Promise<ArchiveFacts> {
  const facts: ArchiveFacts = {
    members: [],
    entriesSeen: 0,
    totalBytes: 0,
    encryptedEntries: false,
    unopened: [],
    bombs: [],
    tooDeep: [],
    limitsHit: [],
    recovered: false,
    errors: [],
  };
  const ctx: Context = { limits: { ...DEFAULT_ARCHIVE_LIMITS, ...limits }, facts, stopped: false };
  try {
    await extractInto(ctx, asBytes(input), '', 1, name);
  } catch (err) {
    facts.errors.push(`unexpected: ${errorMessage(err)}`);
  }
  return facts;
}

function judge(facts: ArchiveFacts): Finding {
  const evidence: string[] = [];
  const attack: string[] = [];
  const reasons: { score: number; what: string }[] = [];
  const risky = facts.members.filter((m) => m.flags.some((f) => f.score >= 50));
  for (const m of facts.members) {
    for (const f of m.flags) {
      reasons.push({ score: f.score, what: f.what });
      attack.push(...f.attack);
    }
  }
  if (facts.encryptedEntries) {
    evidence.push(
      facts.passwordUsed ? `encrypted entries opened with the password ${JSON.stringify(facts.passwordUsed)}` : 'encrypted entries',
    );
    attack.push('T1027.013');
    // A password keeps mail gateways from scanning what is inside: with an executable inside, that is deliberate.
    if (risky.length)
      reasons.push({
        score: Math.min(95, Math.max(...risky.flatMap((m) => m.flags.map((f) => f.score))) + 15),
        what: 'password-protected archive hiding executable content',
      });
  }
  if (facts.unopened.length) {
    reasons.push({
      score: 45,
      what: `${facts.unopened.length} encrypted entr${facts.unopened.length === 1 ? 'y' : 'ies'} no known password opened`,
    });
    evidence.push(`not opened (password unknown): ${facts.unopened.slice(0, 10).join(', ')}`);
  }
  if (facts.bombs.length) {
    reasons.push({ score: 60, what: 'decompression bomb (extreme compression ratio); extraction stopped' });
    evidence.push(...facts.bombs.slice(0, 5).map((b) => `bomb: ${b}`));
  }
  if (facts.tooDeep.length) {
    reasons.push({ score: 40, what: 'archives nested deeper than the limit' });
    evidence.push(`not opened (too deep): ${facts.tooDeep.slice(0, 10).join(', ')}`);
    attack.push('T1027');
  }
  evidence.push(...facts.limitsHit.slice(0, 5).map((l) => `limit: ${l}`));
  if (facts.recovered) evidence.push('central directory unusable; entries recovered from local headers');
  evidence.push(...facts.errors.slice(0, 5).map((e) => `error: ${e}`));
  for (const m of risky.slice(0, 20))
    evidence.push(`${m.path}: ${m.flags.map((f) => f.id).join(', ')}${m.sha256 ? ` sha256 ${m.sha256}` : ''}`);

  const score = Math.max(0, ...reasons.map((r) => r.score));
  const verdict = score >= 80 ? 'malicious' : score >= 30 ? 'suspicious' : 'benign';
  const incomplete = facts.limitsHit.length > 0 || facts.bombs.length > 0 || facts.unopened.length > 0 || facts.errors.length > 0;
  const top = [...new Set(reasons.sort((a, b) => b.score - a.score).map((r) => r.what))].slice(0, 4);
  return {
    analyzer: ARCHIVE_ANALYZER,
    verdict,
    score,
    confidence: incomplete ? 0.5 : 0.75,
    summary: top.length
      ? top.join('; ')
      : `${facts.format ?? 'archive'} with ${facts.members.length} member(s), none risky by name or type`,
    evidence,
    attack: uniqueSorted(attack),
  };
}

/** Extract and judge an archive: the finding plus every member for further analysis. Never throws. */
export async function analyzeArchive(
  input: Uint8Array,
  name?: string,
  limits: Partial<ArchiveLimits> = {},
): Promise<Analysis<ArchiveFacts>> {
  const facts = await extractArchive(input, name, limits);
  if (facts.members.length === 0 && (facts.errors.length > 0 || !facts.format)) {
    return { finding: failedFinding(ARCHIVE_ANALYZER, facts.errors[0] ?? 'not an archive', facts.errors.slice(1, 5)), facts };
  }
  return { finding: judge(facts), facts };
}
