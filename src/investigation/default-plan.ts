// The analyzers an investigation runs by default, and what each needs from the outside.
// Alert-level analyzers read the observables; object analyzers read evidence bytes.
import type { Pool } from 'pg';
import { COMMAND_LINE_ANALYZER } from '../analyzers/command-line';
import { ANALYZER_VERSION as DOCUMENT_VERSION, DOCUMENT_ANALYZER, sniffDocument } from '../analyzers/documents';
import { ANALYZER_VERSION as EMAIL_VERSION, EMAIL_ANALYZER } from '../analyzers/email';
import { ANALYZER_VERSION as FILE_VERSION, FILE_STATIC_ANALYZER } from '../analyzers/file';
import { IP_ANALYZER } from '../analyzers/ip';
import { LOLBINS_ANALYZER } from '../analyzers/lolbins';
import { POWERSHELL_ANALYZER } from '../analyzers/powershell';
import { PROCESS_TREE_ANALYZER } from '../analyzers/process-tree';
import { ANALYZER_VERSION as SIMILARITY_VERSION, findSimilar, SIMILARITY_ANALYZER } from '../analyzers/similarity/analyze';
import { iocCandidates, judgeIocMatches, THREAT_INTEL_ANALYZER } from '../intel/ioc-match';
import { URL_ANALYZER } from '../analyzers/url';
import { analyzeWebShellWrites, WEB_SHELL_ANALYZER } from '../analyzers/web-shell';
import { getYaraScanner, scanWithYara, YARA_ANALYZER } from '../analyzers/yara';
import { analyzeOnlineIntel, ONLINE_INTEL_ANALYZER, type OnlineIntel } from '../intel/online';
import { lookupIocs } from '../store/iocs';
import { objectHashes } from '../store/object-hashes';
import { listCatalogueCandidates } from '../store/similarity';
import type { PluginAnalyzers } from '../plugins/plugin-analyzers';
import type { AlertAnalyzer, AlertContext, EvidenceObject, ObjectAnalyzer } from './analyzer';
import { AnalyzerPool, type AnalyzerRunner, inProcessRunner } from './analyzer-pool';
import { DEFAULT_BUDGET } from './budget';
import { DEFAULT_SOURCE_QUOTA_BYTES_PER_DAY, type InvestigationPlan } from './investigate';

export interface PlanOptions {
  /** The database: enables the local IOC store and the similarity catalogue. Offline: absent. */
  db?: Pool;
  /** User YARA rule folders (AUTOSOC_YARA_DIRS), compiled once per worker with ours. */
  yaraDirs?: string[];
  /** Online threat-intel providers, when any API key is configured. */
  onlineIntel?: OnlineIntel;
  /** Where CPU-bound analyzers run: default, the process's pool of killable threads. */
  runner?: AnalyzerRunner;
  /** Bytes of archive members stored per alert (default DEFAULT_BUDGET). */
  maxStoredBytesPerAlert?: number;
  /** Member bytes stored per source and UTC day (0: no quota). */
  sourceQuotaBytesPerDay?: number;
  /** Analyzer plugins (src/plugins), run after the built-in analyzers of their level. */
  plugins?: Pick<PluginAnalyzers, 'alertAnalyzers' | 'objectAnalyzers'>;
}

const isEmail = (o: EvidenceObject) => o.kind === 'email' || o.mediaType === 'message/rfc822';

/** The worker's plan: every analyzer, with the database-backed ones. */
export const defaultPlan = (db: Pool, opts: Omit<PlanOptions, 'db'> = {}) => investigationPlan({ ...opts, db });

/** What a backtest runs with no database and no network: the same analyzers minus those. */
export const offlinePlan = (opts: Pick<PlanOptions, 'yaraDirs' | 'runner' | 'plugins'> = {}) => investigationPlan(opts);

/** Every built-in analyzer's name: a plugin may not take one. */
export const BUILT_IN_ANALYZERS = [
  THREAT_INTEL_ANALYZER,
  COMMAND_LINE_ANALYZER,
  LOLBINS_ANALYZER,
  POWERSHELL_ANALYZER,
  URL_ANALYZER,
  IP_ANALYZER,
  PROCESS_TREE_ANALYZER,
  WEB_SHELL_ANALYZER,
  ONLINE_INTEL_ANALYZER,
  FILE_STATIC_ANALYZER,
  YARA_ANALYZER,
  DOCUMENT_ANALYZER,
  EMAIL_ANALYZER,
  SIMILARITY_ANALYZER,
] as const;

export function investigationPlan(opts: PlanOptions): InvestigationPlan {
  const { db } = opts;
  // The worker passes its pool (config.analysis); without one (tests, offline tools) in-process.
  const threads = opts.runner ?? inProcessRunner;
  // The pool bounds each task once a thread takes it; in-process (tests) runSafely's timer does.
  const timedByRunner = threads instanceof AnalyzerPool;
  const alertAnalyzers: AlertAnalyzer[] = [
    ...(db
      ? [
          {
            name: THREAT_INTEL_ANALYZER,
            analyze: async ({ observables }: AlertContext) => {
              const candidates = iocCandidates(observables);
              return judgeIocMatches(candidates.length, await lookupIocs(db, candidates));
            },
          },
        ]
      : []),
    { name: COMMAND_LINE_ANALYZER, timedByRunner, analyze: ({ observables }) => threads.run('commandLine', observables.commandLines) },
    { name: LOLBINS_ANALYZER, timedByRunner, analyze: ({ observables }) => threads.run('lolbins', observables.commandLines) },
    { name: POWERSHELL_ANALYZER, timedByRunner, analyze: ({ observables }) => threads.run('powershell', observables.commandLines) },
    {
      name: URL_ANALYZER,
      timedByRunner,
      analyze: ({ observables }) => threads.run('url', { urls: observables.urls, domains: observables.domains }),
    },
    { name: IP_ANALYZER, timedByRunner, analyze: ({ observables }) => threads.run('ip', observables.ips) },
    { name: PROCESS_TREE_ANALYZER, timedByRunner, analyze: ({ processes }) => threads.run('processTree', processes) },
    // Linear over at most 100 files of bounded paths: cheap enough to run in the activity.
    { name: WEB_SHELL_ANALYZER, analyze: ({ files, processes }) => analyzeWebShellWrites(files ?? [], processes) },
  ];
  if (opts.onlineIntel) {
    const intel = opts.onlineIntel;
    alertAnalyzers.push({
      name: ONLINE_INTEL_ANALYZER,
      analyze: async ({ observables }) => analyzeOnlineIntel(await intel.lookupAll(observables)),
    });
  }

  alertAnalyzers.push(...(opts.plugins?.alertAnalyzers ?? []));

  // Looked up per use (a cache hit costs a listing and stats): rules accepted while the worker
  // runs are compiled in for the next analysis, and their results cached under a new version.
  const yara = () => getYaraScanner(opts.yaraDirs ?? []);
  const objectAnalyzers: ObjectAnalyzer[] = [
    {
      name: FILE_STATIC_ANALYZER,
      version: FILE_VERSION,
      timedByRunner,
      appliesTo: (o) => !isEmail(o),
      analyze: async (o) => ({ finding: await threads.run('fileStatic', { bytes: o.bytes, name: o.name, sha256: o.sha256 }) }),
    },
    {
      name: YARA_ANALYZER,
      get version() {
        return yara().version;
      },
      appliesTo: () => true,
      analyze: (o) => ({ finding: scanWithYara(o.bytes, yara(), { fileName: o.name }) }),
    },
    {
      name: DOCUMENT_ANALYZER,
      version: DOCUMENT_VERSION,
      timedByRunner,
      appliesTo: (o) => !isEmail(o) && sniffDocument(o.bytes) !== 'unknown',
      analyze: async (o, budget) => {
        const { finding, members, budgetCut } = await threads.run('document', {
          bytes: o.bytes,
          name: o.name,
          maxDecompressedBytes: budget.maxDecompressedBytes,
        });
        const children = members.map((m) => ({
          name: m.name,
          mediaType: 'application/octet-stream',
          bytes: m.bytes,
          path: `${o.path} > ${m.path}`,
        }));
        return { finding, children, budgetCut };
      },
    },
    {
      name: EMAIL_ANALYZER,
      version: EMAIL_VERSION,
      timedByRunner,
      appliesTo: isEmail,
      analyze: async (o) => ({ finding: await threads.run('email', o.bytes) }),
    },
    ...(db
      ? [
          {
            // Its answer depends on the catalogue, which grows without a version bump: never cached.
            // The object's fuzzy hashes are, by sha256 (bench/README.md: what that bought).
            name: SIMILARITY_ANALYZER,
            version: SIMILARITY_VERSION,
            cacheable: false,
            appliesTo: (o: EvidenceObject) => o.bytes.byteLength >= 256 && !isEmail(o),
            analyze: async (o: EvidenceObject) => {
              const sample = await objectHashes(db, o.sha256, SIMILARITY_VERSION, () =>
                threads.run('similarityHashes', { bytes: o.bytes, sha256: o.sha256 }),
              );
              return { finding: findSimilar(sample, await listCatalogueCandidates(db, sample)) };
            },
          },
        ]
      : []),
    ...(opts.plugins?.objectAnalyzers ?? []),
  ];
  return {
    timeoutMs: 30_000,
    maxObjectBytes: 64 * 1024 * 1024,
    maxObjects: 200,
    budget: { ...DEFAULT_BUDGET, maxStoredBytesPerAlert: opts.maxStoredBytesPerAlert ?? DEFAULT_BUDGET.maxStoredBytesPerAlert },
    sourceQuotaBytesPerDay: opts.sourceQuotaBytesPerDay ?? DEFAULT_SOURCE_QUOTA_BYTES_PER_DAY,
    alertAnalyzers,
    objectAnalyzers,
  };
}
