// One incident-wide assessment an analyst reads first. Advisory only: the verdict and the
// disposition come from triage; the assessment explains them and cites the findings it used.
import { z } from 'zod';
import type { Finding } from '../domain/finding';
import type { ObservableSet } from '../domain/observables';
import type { TriageResult } from '../domain/scoring';

export const Assessment = z.object({
  summary: z.string().min(1).max(4000),
  /** What happened, in order, as far as the evidence shows. */
  narrative: z.array(z.string().max(1000)).max(20),
  /** Analyzer names of the findings this assessment relies on. */
  citedFindings: z.array(z.string()).max(50),
  recommendedActions: z.array(z.string().max(500)).max(20),
  openQuestions: z.array(z.string().max(500)).max(20),
});
export type Assessment = z.infer<typeof Assessment>;

export interface AssessmentInput {
  title: string;
  severity: string;
  observables: ObservableSet;
  findings: Finding[];
  triage: Pick<TriageResult, 'score' | 'verdict' | 'disposition' | 'reasons' | 'confidence'>;
}

export interface AuthoredAssessment {
  author: string;
  assessment: Assessment;
  note?: string;
  /** Set when a configured model failed and the deterministic assessment stands in: why. */
  llmFailure?: string;
}

/** Keeps only citations of findings that exist: a model may not invent evidence. */
export function checkCitations(a: Assessment, findings: Finding[]): Assessment {
  const known = new Set(findings.map((f) => f.analyzer));
  return { ...a, citedFindings: a.citedFindings.filter((c) => known.has(c)) };
}
