// One entry point for document-like evidence: the first bytes choose the analyzer (compound
// file → VBA/OLE objects, %PDF → PDF scan, PK → archive and, for Office packages, OOXML,
// gzip/tar → archive). Archive members come back so the caller can analyze each in turn.
import { analyzeArchive, sniffArchive, type ArchiveFacts, type ArchiveLimits, type ArchiveMember } from './archive';
import { asBytes, failedFinding } from './common';
import { isCfb } from './cfb-reader';
import { sniffKind } from './member-risk';
import { analyzeOleVba, type OleVbaFacts } from './ole-vba';
import { analyzeOoxmlMembers, isOoxml, type OoxmlFacts } from './ooxml';
import { analyzePdf, type PdfFacts, type PdfLimits } from './pdf';
import type { Finding } from '../../domain/finding';

export const DOCUMENT_ANALYZER = 'document';
export const ANALYZER_VERSION = '2'; // 2: PDF strings read linearly; names inside strings are no longer counted

export type DocumentKind = 'ole' | 'pdf' | 'zip' | 'gzip' | 'tar' | 'iso' | 'unknown';

export interface DocumentOptions {
  archive?: Partial<ArchiveLimits>;
  pdf?: Partial<PdfLimits>;
}

export interface DocumentReport {
  kind: DocumentKind;
  /** True for a zip that is an Office Open XML package. */
  ooxml: boolean;
  findings: Finding[];
  /** Archive members (empty for non-archives), for the caller's file analyzers. */
  members: ArchiveMember[];
  ole?: OleVbaFacts;
  pdf?: PdfFacts;
  archive?: ArchiveFacts;
  office?: OoxmlFacts;
}

/** Which analyzer the bytes belong to. PDF readers accept the header anywhere in the first 1 KB. */
export function sniffDocument(input: Uint8Array): DocumentKind {
  const bytes = asBytes(input);
  if (isCfb(bytes)) return 'ole';
  const archive = sniffArchive(bytes);
  if (archive) return archive;
  if (Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 1024)).toString('latin1').includes('%PDF-')) return 'pdf';
  if (sniffKind(bytes.subarray(0, 0x8010)) === 'iso') return 'iso';
  return 'unknown';
}

/** Analyze a document or archive by its magic bytes. Never throws. */
export async function analyzeDocument(input: Uint8Array, name?: string, options: DocumentOptions = {}): Promise<DocumentReport> {
  const bytes = asBytes(input);
  const kind = sniffDocument(bytes);
  const report: DocumentReport = { kind, ooxml: false, findings: [], members: [] };
  switch (kind) {
    case 'ole': {
      const r = analyzeOleVba(bytes);
      report.findings.push(r.finding);
      report.ole = r.facts;
      break;
    }
    case 'pdf': {
      const r = analyzePdf(bytes, options.pdf);
      report.findings.push(r.finding);
      report.pdf = r.facts;
      break;
    }
    case 'zip':
    case 'gzip':
    case 'tar': {
      const r = await analyzeArchive(bytes, name, options.archive);
      report.archive = r.facts;
      report.members = r.facts.members;
      if (kind === 'zip' && isOoxml(r.facts.members)) {
        // The package's own parts are not attachments: only the Office verdict, plus archive trouble.
        report.ooxml = true;
        const office = analyzeOoxmlMembers(r.facts.members);
        report.office = office.facts;
        report.findings.push(office.finding);
        if (r.finding.error || r.facts.bombs.length || r.facts.limitsHit.length) report.findings.push(r.finding);
      } else report.findings.push(r.finding);
      break;
    }
    case 'iso':
      // ISO 9660 is not unpacked here; mailing one is itself a Mark-of-the-Web bypass.
      report.findings.push({
        analyzer: DOCUMENT_ANALYZER,
        verdict: 'suspicious',
        score: 50,
        confidence: 0.6,
        summary: 'ISO 9660 disk image (contents not extracted); disk images bypass Mark-of-the-Web',
        evidence: [`${name ?? 'input'}: CD001 volume descriptor at 0x8001`],
        attack: ['T1553.005'],
      });
      break;
    default:
      report.findings.push(
        failedFinding(
          DOCUMENT_ANALYZER,
          `not a document or archive this analyzer reads (first bytes ${Buffer.from(bytes.subarray(0, 8)).toString('hex') || 'none'})`,
        ),
      );
  }
  return report;
}
