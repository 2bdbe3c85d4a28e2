// The incident-wide assessment after each triage: by the LLM when one is configured,
// otherwise by the deterministic summarizer. Advisory: it never changes the verdict.
import { ApplicationFailure, log } from '@temporalio/activity';
import { writeAssessment } from '../assessment/llm';
import type { TriageResult } from '../domain/scoring';
import { llmAssessmentFailures } from '../metrics/metrics';
import { getAlert } from '../store/alerts';
import { saveAssessment } from '../store/assessments';
import type { ActivityDeps } from './deps';
import { ANALYSIS_HEARTBEAT_MS, whileHeartbeating } from './heartbeating';
import { BAD_INPUT } from '../domain/error-types';

export interface AssessInput {
  workflowId: string;
  step: string;
  triage: Pick<TriageResult, 'score' | 'verdict' | 'disposition' | 'reasons' | 'confidence'>;
}
export interface AssessResult {
  author: string;
  summary: string;
  /** Why the configured model failed, when the deterministic assessment stands in for it. */
  llmFailure?: string;
}

export async function assess(deps: ActivityDeps, { workflowId, step, triage }: AssessInput): Promise<AssessResult> {
  const row = await getAlert(deps.db, workflowId);
  const observables = row?.observables;
  if (!row || !observables) throw ApplicationFailure.nonRetryable(`no investigated alert stored for ${workflowId}`, BAD_INPUT);
  const written = await whileHeartbeating(ANALYSIS_HEARTBEAT_MS, () =>
    writeAssessment(deps.llm, {
      title: row.title,
      severity: row.severity,
      observables,
      findings: row.findings ?? [],
      triage,
    }),
  );
  if (written.llmFailure) {
    // Operators see it on the worker's /metrics (autosoc_llm_assessment_failures_total) and in its log.
    llmAssessmentFailures.inc();
    log.warn('LLM assessment failed, the deterministic assessment stands in', { workflowId, step, reason: written.llmFailure });
  }
  const saved = await saveAssessment(deps.db, workflowId, step, written);
  return { author: saved.author, summary: saved.assessment.summary, ...(written.llmFailure ? { llmFailure: written.llmFailure } : {}) };
}
