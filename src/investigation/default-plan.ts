// The analyzers an investigation runs by default, and what each needs from the outside.
// Alert-level analyzers read the observables; object analyzers read evidence bytes.
import PostalMime from 'postal-mime';
import type { Pool } from 'pg';
import { analyzeCommandLines, COMMAND_LINE_ANALYZER } from '../analyzers/command-line';
import { analyzeDocument, ANALYZER_VERSION as DOCUMENT_VERSION, DOCUMENT_ANALYZER, sniffDocument } from '../analyzers/documents';
import { analyzeEmail, ANALYZER_VERSION as EMAIL_VERSION, EMAIL_ANALYZER } from '../analyzers/email';
import { analyzeFileStatic, ANALYZER_VERSION as FILE_VERSION, FILE_STATIC_ANALYZER } from '../analyzers/file';
import { analyzeIps, IP_ANALYZER } from '../analyzers/ip';
import { analyzeLolbins, LOLBINS_ANALYZER } from '../analyzers/lolbins';
import { analyzePowerShell, POWERSHELL_ANALYZER } from '../analyzers/powershell';
import { analyzeProcessTree, PROCESS_TREE_ANALYZER } from '../analyzers/process-tree';
import { ANALYZER_VERSION as SIMILARITY_VERSION, findSimilar, SIMILARITY_ANALYZER, similarityHashes } from '../analyzers/similarity/analyze';
import { iocCandidates, judgeIocMatches, THREAT_INTEL_ANALYZER } from '../analyzers/threat-intel';
import { analyzeUrls, URL_ANALYZER } from '../analyzers/url';
import { getYaraScanner, scanWithYara, YARA_ANALYZER } from '../analyzers/yara';
import { analyzeOnlineIntel, ONLINE_INTEL_ANALYZER, type OnlineIntel } from '../connectors/threat-intel';
import { lookupIocs } from '../store/iocs';
import { objectHashes } from '../store/object-hashes';
import { listCatalogueCandidates } from '../store/similarity';
import type { AlertAnalyzer, AlertContext, EvidenceObject, ObjectAnalyzer } from './analyzer';
import type { InvestigationPlan } from './investigate';

export interface PlanOptions {
  /** The database: enables the local IOC store and the similarity catalogue. Offline: absent. */
  db?: Pool;
  /** User YARA rule folders (AUTOSOC_YARA_DIRS), compiled once per worker with ours. */
  yaraDirs?: string[];
  /** Online threat-intel providers, when any API key is configured. */
  onlineIntel?: OnlineIntel;
}

const isEmail = (o: EvidenceObject) => o.kind === 'email' || o.mediaType === 'message/rfc822';

/** The worker's plan: every analyzer, with the database-backed ones. */
export const defaultPlan = (db: Pool, opts: Omit<PlanOptions, 'db'> = {}) => investigationPlan({ ...opts, db });

/** What a backtest runs with no database and no network: the same analyzers minus those. */
export const offlinePlan = (opts: Pick<PlanOptions, 'yaraDirs'> = {}) => investigationPlan(opts);

export function investigationPlan(opts: PlanOptions): InvestigationPlan {
  const { db } = opts;
  const alertAnalyzers: AlertAnalyzer[] = [
    ...(db ? [{
      name: THREAT_INTEL_ANALYZER,
      analyze: async ({ observables }: AlertContext) => {
        const candidates = iocCandidates(observables);
        return judgeIocMatches(candidates.length, await lookupIocs(db, candidates));
      },
    }] : []),
    { name: COMMAND_LINE_ANALYZER, analyze: ({ observables }) => analyzeCommandLines(observables.commandLines) },
    { name: LOLBINS_ANALYZER, analyze: ({ observables }) => analyzeLolbins(observables.commandLines) },
    { name: POWERSHELL_ANALYZER, analyze: ({ observables }) => analyzePowerShell(observables.commandLines) },
    { name: URL_ANALYZER, analyze: ({ observables }) => analyzeUrls(observables.urls, observables.domains) },
    { name: IP_ANALYZER, analyze: ({ observables }) => analyzeIps(observables.ips) },
    { name: PROCESS_TREE_ANALYZER, analyze: ({ processes }) => analyzeProcessTree(processes) },
  ];
  if (opts.onlineIntel) {
    const intel = opts.onlineIntel;
    alertAnalyzers.push({ name: ONLINE_INTEL_ANALYZER, analyze: async ({ observables }) => analyzeOnlineIntel(await intel.lookupAll(observables)) });
  }

  const yara = getYaraScanner(opts.yaraDirs ?? []);
  const objectAnalyzers: ObjectAnalyzer[] = [
    {
      name: FILE_STATIC_ANALYZER, version: FILE_VERSION, appliesTo: (o) => !isEmail(o),
      analyze: (o) => ({ finding: analyzeFileStatic(o.bytes, o.name) }),
    },
    {
      name: YARA_ANALYZER, version: yara.version, appliesTo: () => true,
      analyze: (o) => ({ finding: scanWithYara(o.bytes, yara, { fileName: o.name }) }),
    },
    {
      name: DOCUMENT_ANALYZER, version: DOCUMENT_VERSION,
      appliesTo: (o) => !isEmail(o) && sniffDocument(o.bytes) !== 'unknown',
      analyze: async (o) => {
        const report = await analyzeDocument(o.bytes, o.name);
        const children = report.members.filter((m) => m.bytes && m.sha256).slice(0, 100).map((m) => ({
          sha256: m.sha256!, kind: 'member', mediaType: 'application/octet-stream', sizeBytes: m.bytes!.byteLength, name: m.name,
          bytes: m.bytes!, path: `${o.path} > ${m.path}`,
        }));
        return { finding: strongest(DOCUMENT_ANALYZER, report.findings), children };
      },
    },
    {
      name: EMAIL_ANALYZER, version: EMAIL_VERSION, appliesTo: isEmail,
      analyze: async (o) => ({ finding: analyzeEmail(await PostalMime.parse(o.bytes, { maxNestingDepth: 32, maxHeadersSize: 512 * 1024 })) }),
    },
    ...(db ? [{
      // Its answer depends on the catalogue, which grows without a version bump: never cached.
      // The object's fuzzy hashes are, by sha256 (bench/README.md: what that bought).
      name: SIMILARITY_ANALYZER, version: SIMILARITY_VERSION, cacheable: false, appliesTo: (o: EvidenceObject) => o.bytes.byteLength >= 256 && !isEmail(o),
      analyze: async (o: EvidenceObject) => {
        const sample = await objectHashes(db, o.sha256, SIMILARITY_VERSION, () => similarityHashes(o.bytes));
        return { finding: findSimilar(sample, await listCatalogueCandidates(db, sample)) };
      },
    }] : []),
  ];
  return { timeoutMs: 30_000, maxObjectBytes: 64 * 1024 * 1024, maxObjects: 200, alertAnalyzers, objectAnalyzers };
}

/** One finding for a multi-finding analyzer: the riskiest, with the others' summaries as evidence. */
function strongest(name: string, findings: import('../domain/finding').Finding[]) {
  if (findings.length === 0) return { analyzer: name, verdict: 'unknown' as const, score: 0, confidence: 0, summary: 'nothing to report', evidence: [], attack: [] };
  const sorted = [...findings].sort((a, b) => b.score - a.score);
  const top = sorted[0];
  return {
    ...top, analyzer: name,
    evidence: [...top.evidence, ...sorted.slice(1).map((f) => `${f.analyzer}: ${f.verdict} (${f.score}) ${f.summary}`)].slice(0, 40),
    attack: [...new Set(findings.flatMap((f) => f.attack))],
  };
}
