// The triage policy: thresholds and SLA tiers. Travels in the workflow input so a run keeps
// the policy it started with, and replays deterministically.
import { z } from 'zod';

export const SlaTier = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'tier names are short lower-case words'),
  /** How long this tier has to answer before the alert escalates to the next one. */
  respondWithinMs: z.number().int().positive(),
});
export type SlaTier = z.infer<typeof SlaTier>;

export const TriagePolicy = z.object({
  version: z.string().min(1),
  /** Alerts scoring below this with no malicious finding are closed automatically. */
  autoCloseBelow: z.number().min(0).max(100),
  suspiciousAtOrAbove: z.number().min(0).max(100),
  maliciousAtOrAbove: z.number().min(0).max(100),
  slaTiers: z.array(SlaTier).min(1),
}).refine((p) => p.autoCloseBelow <= p.suspiciousAtOrAbove && p.suspiciousAtOrAbove <= p.maliciousAtOrAbove, {
  message: 'thresholds must satisfy autoCloseBelow <= suspiciousAtOrAbove <= maliciousAtOrAbove',
});
export type TriagePolicy = z.infer<typeof TriagePolicy>;

export const DEFAULT_POLICY: TriagePolicy = {
  version: '2026-11-27',
  autoCloseBelow: 30,
  suspiciousAtOrAbove: 50,
  maliciousAtOrAbove: 80,
  slaTiers: [
    { name: 'tier1', respondWithinMs: 15 * 60_000 },
    { name: 'tier2', respondWithinMs: 60 * 60_000 },
    { name: 'tier3', respondWithinMs: 4 * 60 * 60_000 },
  ],
};
