// An investigation: every alert-level analyzer over the observables, and every applicable
// object analyzer over each evidence object (files, attachments, emails), object results
// cached by (analyzer, version, sha256) so a storm analyzes each object once.
import type { Pool } from 'pg';
import type { EvidenceRef } from '../domain/alert';
import type { Finding } from '../domain/finding';
import { cachedFinding, cacheFinding } from '../store/analysis-cache';
import { getEvidence } from '../store/evidence';
import { type AlertAnalyzer, type AlertContext, type EvidenceObject, type ObjectAnalyzer, runSafely } from './analyzer';

export interface InvestigationPlan {
  alertAnalyzers: AlertAnalyzer[];
  objectAnalyzers: ObjectAnalyzer[];
  /** Per analyzer run. */
  timeoutMs: number;
  /** Larger evidence objects are not loaded for analysis (their hashes still count). */
  maxObjectBytes: number;
}

/** Evidence kinds that are content to analyze (the raw event is the alert itself). */
const ANALYZABLE_KINDS = new Set(['file', 'attachment', 'email', 'sample']);

export async function runInvestigation(db: Pool, plan: InvestigationPlan, ctx: AlertContext, evidence: EvidenceRef[]): Promise<Finding[]> {
  const alertLevel = Promise.all(plan.alertAnalyzers.map((a) => runSafely(a.name, plan.timeoutMs, () => a.analyze(ctx))));
  const objectLevel: Finding[] = [];
  for (const ref of evidence.filter((e) => ANALYZABLE_KINDS.has(e.kind))) {
    if (ref.sizeBytes > plan.maxObjectBytes) continue;
    const bytes = await getEvidence(db, ref.sha256);
    if (!bytes) continue;
    const obj: EvidenceObject = { ...ref, bytes: new Uint8Array(bytes), path: ref.name ?? ref.sha256.slice(0, 12) };
    objectLevel.push(...await analyzeObject(db, plan, obj));
  }
  return [...await alertLevel, ...objectLevel];
}

async function analyzeObject(db: Pool, plan: InvestigationPlan, obj: EvidenceObject): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const analyzer of plan.objectAnalyzers.filter((a) => a.appliesTo(obj))) {
    const key = { analyzer: analyzer.name, version: analyzer.version, objectSha256: obj.sha256 };
    let finding = await cachedFinding(db, key);
    if (!finding) {
      finding = await runSafely(analyzer.name, plan.timeoutMs, () => analyzer.analyze(obj));
      await cacheFinding(db, key, finding);
    }
    findings.push({ ...finding, analyzer: `${analyzer.name}:${obj.path}`.slice(0, 200) });
  }
  return findings;
}
