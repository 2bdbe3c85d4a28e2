// Stage 2: run every analyzer over the alert's observables. An analyzer that throws yields
// an error finding instead of failing the stage: missing evidence lowers confidence only.
import { analyzeCommandLines, COMMAND_LINE_ANALYZER } from '../analyzers/command-line';
import { analyzeNetworkIndicators, NETWORK_ANALYZER } from '../analyzers/network-indicators';
import { iocCandidates, judgeIocMatches, THREAT_INTEL_ANALYZER } from '../analyzers/threat-intel';
import type { Finding } from '../domain/finding';
import type { ObservableSet } from '../domain/observables';
import { lookupIocs } from '../store/iocs';
import type { ActivityDeps } from './deps';

/** `step` names this pass (first triage or a re-triage) for logs and idempotency. */
export interface InvestigateInput { workflowId: string; observables: ObservableSet; step?: string }

type Analyzer = { name: string; run: () => Promise<Finding> | Finding };

async function runSafely({ name, run }: Analyzer): Promise<Finding> {
  try {
    return await run();
  } catch (err) {
    return { analyzer: name, verdict: 'unknown', score: 0, confidence: 0, summary: 'analyzer failed', evidence: [], attack: [], error: (err as Error).message };
  }
}

export async function investigate(deps: ActivityDeps, { observables }: InvestigateInput): Promise<Finding[]> {
  const candidates = iocCandidates(observables);
  const analyzers: Analyzer[] = [
    { name: THREAT_INTEL_ANALYZER, run: async () => judgeIocMatches(candidates.length, await lookupIocs(deps.db, candidates)) },
    { name: COMMAND_LINE_ANALYZER, run: () => analyzeCommandLines(observables.commandLines) },
    { name: NETWORK_ANALYZER, run: () => analyzeNetworkIndicators(observables) },
  ];
  return Promise.all(analyzers.map(runSafely));
}
