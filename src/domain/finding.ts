// What an analyzer concludes about an alert's evidence.
import { z } from 'zod';

export const VERDICTS = ['malicious', 'suspicious', 'benign', 'unknown'] as const;
export const FindingVerdict = z.enum(VERDICTS);
export type FindingVerdict = z.infer<typeof FindingVerdict>;

export const Finding = z.object({
  analyzer: z.string(),
  verdict: FindingVerdict,
  /** Risk this finding alone implies, 0-100. */
  score: z.number().min(0).max(100),
  /** How sure the analyzer is, 0-1. */
  confidence: z.number().min(0).max(1),
  summary: z.string(),
  evidence: z.array(z.string()).default([]),
  attack: z.array(z.string()).default([]),
  /** Set when the analyzer failed: the finding then carries no risk, only lost confidence. */
  error: z.string().optional(),
});
export type Finding = z.infer<typeof Finding>;
