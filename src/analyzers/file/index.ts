// Static file analysis: what a file is (type, hashes, structure) and what its structure says
// about intent, without running it. describeFile gives the facts to other analyzers and reports;
// analyzeFileStatic turns them into one Finding.
import type { Finding } from '../../domain/finding';
import { asBuffer } from './bytes';
import { parseElf, type ElfInfo } from './elf';
import { roundEntropy, shannonEntropy } from './entropy';
import { detectFileType, type FileType } from './file-type';
import { sha256Hex } from './hashes';
import { masqueradeSignals } from './masquerade';
import { parsePe, type PeInfo } from './pe';
import { elfAnomalySignals, elfPackingSignals, importSignals, pePackingSignals, stringSignals, type Signal } from './signals';
import { extractStringIndicators, type Indicators } from './strings';

export const FILE_STATIC_ANALYZER = 'file-static';
export const ANALYZER_VERSION = '1';

export interface FileFacts {
  name?: string;
  size: number;
  type: FileType;
  /** Only the sha256: md5 and sha1 (fileHashes) identify nothing the finding reports. */
  sha256: string;
  /** Whole-file Shannon entropy, bits per byte. */
  entropy: number;
  imphash?: string;
  pe?: PeInfo;
  elf?: ElfInfo;
  strings: { ascii: number; utf16: number; truncated: boolean } & Indicators;
  /** The EICAR anti-malware test string is present (offset 0 is the standard test file). */
  eicar?: { offset: number };
  signals: Signal[];
  /** Structure the type promised but the parser could not read (truncated or corrupt headers). */
  parseErrors: string[];
}

// Built from parts so this source file is not itself an EICAR test file to scanners.
const EICAR = Buffer.from(['X5O!P%@AP[4\\PZX54(P^)7CC)7}$', 'EICAR-STANDARD-ANTIVIRUS-', 'TEST-FILE!$H+H*'].join(''), 'latin1');

function findEicar(bytes: Uint8Array): { offset: number } | undefined {
  const offset = asBuffer(bytes).indexOf(EICAR);
  return offset >= 0 ? { offset } : undefined;
}

/** The sha256 the caller already holds for these bytes (the evidence store's key): not computed again. */
export interface KnownDigests {
  sha256?: string;
}

export function describeFile(bytes: Uint8Array, name?: string, known: KnownDigests = {}): FileFacts {
  const type = detectFileType(bytes);
  const parseErrors: string[] = [];
  const signals: Signal[] = [...masqueradeSignals(type, name)];

  let pe: PeInfo | undefined;
  let elf: ElfInfo | undefined;
  if (type.id === 'pe') {
    try {
      pe = parsePe(bytes);
      signals.push(...importSignals(pe.imports.flatMap((i) => i.functions)), ...pePackingSignals(pe, bytes));
    } catch (e) {
      parseErrors.push(`PE structure unreadable: ${(e as Error).message}`);
    }
  } else if (type.id === 'elf') {
    try {
      elf = parseElf(bytes);
      signals.push(...elfPackingSignals(elf, bytes), ...elfAnomalySignals(elf));
    } catch (e) {
      parseErrors.push(`ELF structure unreadable: ${(e as Error).message}`);
    }
  }

  const { ascii, utf16, truncated, ...indicators } = extractStringIndicators(bytes);
  signals.push(...stringSignals(indicators));

  return {
    ...(name === undefined ? {} : { name }),
    size: bytes.length,
    type: pe?.isDll ? { ...type, description: 'Windows PE DLL' } : type,
    sha256: known.sha256 ?? sha256Hex(bytes),
    entropy: roundEntropy(shannonEntropy(bytes)),
    ...(pe?.imphash ? { imphash: pe.imphash } : {}),
    ...(pe ? { pe } : {}),
    ...(elf ? { elf } : {}),
    strings: { ascii, utf16, truncated, ...indicators },
    eicar: findEicar(bytes),
    signals,
    parseErrors,
  };
}

const MALICIOUS_AT = 75;
const SUSPICIOUS_AT = 30;

export function analyzeFileStatic(bytes: Uint8Array, name?: string, known: KnownDigests = {}): Finding {
  if (bytes.length === 0) return failed('empty input: nothing to analyze');
  let facts: FileFacts;
  try {
    facts = describeFile(bytes, name, known);
  } catch (e) {
    return failed(`file analysis failed: ${(e as Error).message}`);
  }
  return verdictFrom(facts);
}

function failed(error: string): Finding {
  return { analyzer: FILE_STATIC_ANALYZER, verdict: 'unknown', score: 0, confidence: 0, summary: error, evidence: [], attack: [], error };
}

function verdictFrom(f: FileFacts): Finding {
  const evidence = [structureLine(f), `sha256 ${f.sha256}`];
  if (f.imphash) evidence.push(`imphash ${f.imphash}`);

  if (f.eicar) {
    const where =
      f.eicar.offset === 0
        ? 'is the EICAR anti-malware test file'
        : `contains the EICAR anti-malware test string at offset ${f.eicar.offset}`;
    return {
      analyzer: FILE_STATIC_ANALYZER,
      verdict: 'malicious',
      score: 100,
      confidence: 1,
      summary: `${f.name ?? 'file'} ${where} (a harmless test signature, not real malware)`,
      evidence: [...evidence, `EICAR test string at offset ${f.eicar.offset}`],
      attack: [],
    };
  }

  const signals = [...f.signals].sort((a, b) => b.score - a.score);
  const score = Math.min(
    100,
    signals.reduce((s, x) => s + x.score, 0),
  );
  evidence.push(...signals.map((s) => s.line));
  const anomalies = [...(f.pe?.anomalies ?? []), ...(f.elf?.anomalies ?? [])];
  if (anomalies.length)
    evidence.push(`header anomalies: ${anomalies.slice(0, 5).join('; ')}${anomalies.length > 5 ? ` (+${anomalies.length - 5} more)` : ''}`);
  evidence.push(...f.parseErrors);
  if (f.strings.urls.length) evidence.push(`URLs in strings: ${f.strings.urls.slice(0, 5).join(', ')}`);
  if (f.strings.ipv4.length) evidence.push(`IPv4 addresses in strings: ${f.strings.ipv4.slice(0, 5).join(', ')}`);

  const verdict = score >= MALICIOUS_AT ? 'malicious' : score >= SUSPICIOUS_AT ? 'suspicious' : 'unknown';
  const degraded = f.parseErrors.length > 0;
  const base = verdict === 'malicious' ? 0.7 : verdict === 'suspicious' ? 0.55 : f.type.category === 'data' ? 0.1 : 0.3;
  const scored = signals.filter((s) => s.score > 0);
  const summary = scored.length
    ? `${f.type.description}: ${scored
        .slice(0, 4)
        .map((s) => s.what)
        .join('; ')}`
    : degraded
      ? `${f.type.description} with unreadable structure; no static indicators found in what could be read`
      : `${f.type.description}: no static indicators of malice`;
  return {
    analyzer: FILE_STATIC_ANALYZER,
    verdict,
    score,
    confidence: Math.round((degraded ? base * 0.7 : base) * 100) / 100,
    summary,
    evidence,
    attack: [...new Set(signals.flatMap((s) => s.attack))].sort(),
  };
}

function structureLine(f: FileFacts): string {
  const parts = [`${f.type.description}, ${f.size} bytes, entropy ${f.entropy}`];
  if (f.pe) {
    parts.push(`${f.pe.format} ${f.pe.machine} ${f.pe.subsystem}`, `${f.pe.sections.length} sections`, `${f.pe.importCount} imports`);
    if (f.pe.timestampIso) parts.push(`built ${f.pe.timestampIso}`);
    parts.push(f.pe.signed ? 'Authenticode signature present (not verified)' : 'unsigned');
    if (f.pe.dotnet) parts.push('.NET assembly');
  }
  if (f.elf) {
    parts.push(
      `${f.elf.class} ${f.elf.machine} ${f.elf.type}`,
      `${f.elf.sections.length} sections`,
      f.elf.stripped ? 'stripped' : `${f.elf.symbolCount} symbols`,
    );
    if (f.elf.needed.length) parts.push(`needs ${f.elf.needed.slice(0, 8).join(', ')}`);
  }
  return parts.join('; ');
}
