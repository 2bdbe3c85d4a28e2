// An investigation: every alert-level analyzer over the observables, and every applicable
// object analyzer over each evidence object (files, attachments, emails) and the objects
// found inside them (archive members), object results cached by (analyzer, version,
// sha256) so an alert storm analyzes each object once. Members are charged to one budget
// per alert and to their source's daily quota (budget.ts).
import type { EvidenceRef } from '../domain/alert';
import type { Finding } from '../domain/finding';
import type { ChildRef } from '../store/analysis-cache';
import { type AlertAnalyzer, type AlertContext, type EvidenceObject, type FoundObject, type ObjectAnalyzer, runSafely } from './analyzer';
import { type BudgetLimits, EvidenceBudget } from './budget';
import type { InvestigationStore } from './store';

/** Evidence bytes analysis may store for one source in one UTC day, by default (2 GiB). */
export const DEFAULT_SOURCE_QUOTA_BYTES_PER_DAY = 2 * 1024 * 1024 * 1024;

export interface InvestigationPlan {
  alertAnalyzers: AlertAnalyzer[];
  objectAnalyzers: ObjectAnalyzer[];
  /** Per analyzer run. */
  timeoutMs: number;
  /** Larger evidence objects are not loaded for analysis (their hashes still count). */
  maxObjectBytes: number;
  /** Objects analyzed per alert, members included: a zip of 10,000 files stops here. */
  maxObjects: number;
  /** Decompressed and stored member bytes and objects per alert. */
  budget: BudgetLimits;
  /** Member bytes stored per source and UTC day, across all its alerts (0: no quota). */
  sourceQuotaBytesPerDay: number;
}

/** Whose evidence this is: the alert's source, charged for what its members store. */
export interface InvestigationScope {
  source?: string;
}

/** Evidence kinds that are content to analyze (the raw event is the alert itself). */
const ANALYZABLE_KINDS = new Set(['file', 'attachment', 'email', 'sample', 'member']);

export async function runInvestigation(
  db: InvestigationStore,
  plan: InvestigationPlan,
  ctx: AlertContext,
  evidence: EvidenceRef[],
  scope: InvestigationScope = {},
): Promise<Finding[]> {
  const alertLevel = Promise.all(
    plan.alertAnalyzers.map((a) => runSafely(a.name, a.timedByRunner ? undefined : (a.timeoutMs ?? plan.timeoutMs), () => a.analyze(ctx))),
  );
  const source = scope.source ?? '(unknown)';
  const budget = new EvidenceBudget(plan.budget, (bytes) =>
    plan.sourceQuotaBytesPerDay > 0 ? db.chargeSource(source, bytes, plan.sourceQuotaBytesPerDay) : Promise.resolve(true),
  );
  const queue: ChildRef[] = evidence
    .filter((e) => ANALYZABLE_KINDS.has(e.kind))
    .map((e) => ({ ...e, path: e.name ?? e.sha256.slice(0, 12) }));
  const seen = new Set<string>();
  const objectLevel: Finding[] = [];
  while (queue.length && seen.size < plan.maxObjects) {
    const ref = queue.shift()!;
    if (seen.has(ref.sha256) || ref.sizeBytes > plan.maxObjectBytes) continue;
    seen.add(ref.sha256);
    const bytes = await db.load(ref.sha256);
    if (!bytes) continue;
    const { findings, children } = await analyzeObject(db, plan, budget, { ...ref, bytes });
    objectLevel.push(...findings);
    queue.push(...children);
  }
  const unread = budget.finding();
  return [...(await alertLevel), ...objectLevel, ...(unread ? [unread] : [])];
}

async function analyzeObject(
  db: InvestigationStore,
  plan: InvestigationPlan,
  budget: EvidenceBudget,
  obj: EvidenceObject,
): Promise<{ findings: Finding[]; children: ChildRef[] }> {
  const findings: Finding[] = [];
  const children: ChildRef[] = [];
  for (const analyzer of plan.objectAnalyzers.filter((a) => a.appliesTo(obj))) {
    const key = { analyzer: analyzer.name, version: analyzer.version, objectSha256: obj.sha256 };
    const cacheable = analyzer.cacheable !== false;
    let result = cacheable ? await db.cached(key) : undefined;
    if (!result) {
      let found: FoundObject[] = [];
      let budgetCut = false;
      const finding = await runSafely(
        analyzer.name,
        analyzer.timedByRunner ? undefined : (analyzer.timeoutMs ?? plan.timeoutMs),
        async () => {
          const a = await analyzer.analyze(obj, { maxDecompressedBytes: budget.decompressionLeft });
          found = a.children ?? [];
          budgetCut = a.budgetCut === true;
          return a.finding;
        },
      );
      // Members become evidence in their own right: stored once, by sha256, within the budget.
      const refs: ChildRef[] = [];
      for (const child of found) {
        if (!(await budget.admit(child.bytes.byteLength))) continue;
        refs.push({
          ...(await db.put({ kind: 'member', mediaType: child.mediaType, name: child.path, content: child.bytes })),
          path: child.path,
        });
      }
      if (budgetCut) budget.noteDecompressionCut(); // what it did decompress is kept; nothing after
      result = { finding, children: refs };
      // What this alert's budget cut short is not the object's whole answer: not cached.
      if (cacheable && !budgetCut && refs.length === found.length) await db.remember(key, result);
    }
    findings.push({ ...result.finding, analyzer: `${analyzer.name}:${obj.path}`.slice(0, 200) });
    children.push(...result.children);
  }
  return { findings, children };
}
