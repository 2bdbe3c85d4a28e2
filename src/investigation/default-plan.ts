// The analyzers an investigation runs by default, and what each needs from the outside.
import type { Pool } from 'pg';
import { analyzeCommandLines, COMMAND_LINE_ANALYZER } from '../analyzers/command-line';
import { analyzeNetworkIndicators, NETWORK_ANALYZER } from '../analyzers/network-indicators';
import { iocCandidates, judgeIocMatches, THREAT_INTEL_ANALYZER } from '../analyzers/threat-intel';
import { lookupIocs } from '../store/iocs';
import type { InvestigationPlan } from './investigate';

export function defaultPlan(db: Pool): InvestigationPlan {
  return {
    timeoutMs: 30_000,
    maxObjectBytes: 64 * 1024 * 1024,
    alertAnalyzers: [
      {
        name: THREAT_INTEL_ANALYZER,
        analyze: async ({ observables }) => {
          const candidates = iocCandidates(observables);
          return judgeIocMatches(candidates.length, await lookupIocs(db, candidates));
        },
      },
      { name: COMMAND_LINE_ANALYZER, analyze: ({ observables }) => analyzeCommandLines(observables.commandLines) },
      { name: NETWORK_ANALYZER, analyze: ({ observables }) => analyzeNetworkIndicators(observables) },
    ],
    objectAnalyzers: [],
  };
}
