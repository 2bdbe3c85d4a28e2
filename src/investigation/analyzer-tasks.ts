// The CPU-bound analyzer work, by name: what an analyzer thread runs (analyzer-thread.ts) and,
// when configured for tests, what runs in-process. Each task is a pure analyzer call: plain
// data in (structured-cloneable), plain data out, no database and no network.
import PostalMime from 'postal-mime';
import type { Alert } from '../domain/alert';
import type { Finding } from '../domain/finding';
import { analyzeCommandLines } from '../analyzers/command-line';
import { analyzeDocument, DOCUMENT_ANALYZER } from '../analyzers/documents';
import { DEFAULT_ARCHIVE_LIMITS } from '../analyzers/documents/archive';
import { analyzeEmail } from '../analyzers/email';
import { analyzeFileStatic } from '../analyzers/file';
import { analyzeIps } from '../analyzers/ip';
import { analyzeLolbins } from '../analyzers/lolbins';
import { analyzePowerShell } from '../analyzers/powershell';
import { analyzeProcessTree } from '../analyzers/process-tree';
import { similarityHashes } from '../analyzers/similarity/analyze';
import { analyzeUrls } from '../analyzers/url';

/** Members a document analysis hands back; the investigation stores them as evidence. */
export const MAX_MEMBERS_PER_OBJECT = 100;

export interface DocumentMember {
  name?: string;
  path: string;
  bytes: Uint8Array;
}

export const ANALYZER_TASKS = {
  commandLine: (lines: string[]) => analyzeCommandLines(lines),
  lolbins: (lines: string[]) => analyzeLolbins(lines),
  powershell: (lines: string[]) => analyzePowerShell(lines),
  url: (input: { urls: string[]; domains: string[] }) => analyzeUrls(input.urls, input.domains),
  ip: (ips: string[]) => analyzeIps(ips),
  processTree: (processes: Alert['observables']['processes']) => analyzeProcessTree(processes),
  /** `sha256`: the evidence store's key for these bytes, so they are not hashed with it again. */
  fileStatic: (input: { bytes: Uint8Array; name?: string; sha256?: string }) =>
    analyzeFileStatic(input.bytes, input.name, { sha256: input.sha256 }),
  /** `maxDecompressedBytes`: what the alert's budget has left for archive members. */
  document: async (input: {
    bytes: Uint8Array;
    name?: string;
    maxDecompressedBytes: number;
  }): Promise<{ finding: Finding; members: DocumentMember[]; budgetCut: boolean }> => {
    const maxTotalBytes = Math.min(DEFAULT_ARCHIVE_LIMITS.maxTotalBytes, input.maxDecompressedBytes);
    const report = await analyzeDocument(input.bytes, input.name, { archive: { maxTotalBytes } });
    const budgetCut =
      maxTotalBytes < DEFAULT_ARCHIVE_LIMITS.maxTotalBytes &&
      (report.archive?.limitsHit ?? []).some((l) => l.includes(`archive total over ${maxTotalBytes} bytes`));
    const members = report.members
      .filter((m) => m.bytes && m.sha256)
      .slice(0, MAX_MEMBERS_PER_OBJECT)
      .map((m) => ({ name: m.name, path: m.path, bytes: m.bytes! }));
    return { finding: strongest(DOCUMENT_ANALYZER, report.findings), members, budgetCut };
  },
  email: async (bytes: Uint8Array) => analyzeEmail(await PostalMime.parse(bytes, { maxNestingDepth: 32, maxHeadersSize: 512 * 1024 })),
  similarityHashes: (input: { bytes: Uint8Array; sha256?: string }) => similarityHashes(input.bytes, undefined, input.sha256),
};

export type AnalyzerTask = keyof typeof ANALYZER_TASKS;
export type TaskInput<T extends AnalyzerTask> = Parameters<(typeof ANALYZER_TASKS)[T]>[0];
export type TaskOutput<T extends AnalyzerTask> = Awaited<ReturnType<(typeof ANALYZER_TASKS)[T]>>;

export function runTask<T extends AnalyzerTask>(task: T, input: TaskInput<T>): Promise<TaskOutput<T>> {
  const fn = ANALYZER_TASKS[task] as ((i: TaskInput<T>) => TaskOutput<T> | Promise<TaskOutput<T>>) | undefined;
  if (typeof fn !== 'function' || !Object.hasOwn(ANALYZER_TASKS, task))
    return Promise.reject(new Error(`unknown analyzer task ${String(task)}`));
  return Promise.resolve().then(() => fn(input));
}

/** One finding for a multi-finding analyzer: the riskiest, with the others' summaries as evidence. */
function strongest(name: string, findings: Finding[]): Finding {
  if (findings.length === 0)
    return { analyzer: name, verdict: 'unknown', score: 0, confidence: 0, summary: 'nothing to report', evidence: [], attack: [] };
  const sorted = [...findings].sort((a, b) => b.score - a.score);
  const top = sorted[0];
  return {
    ...top,
    analyzer: name,
    evidence: [...top.evidence, ...sorted.slice(1).map((f) => `${f.analyzer}: ${f.verdict} (${f.score}) ${f.summary}`)].slice(0, 40),
    attack: [...new Set(findings.flatMap((f) => f.attack))],
  };
}
