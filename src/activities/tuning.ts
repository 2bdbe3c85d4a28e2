// Closed-as-benign alerts feed tuning suggestions (candidate suppressions with counts).
import { tuningPattern } from '../domain/tuning';
import { getAlert } from '../store/alerts';
import { suggestSuppression } from '../store/suppressions';
import type { ActivityDeps } from './deps';

export async function suggestTuning(deps: ActivityDeps, input: { workflowId: string; reason: string }): Promise<{ suggestionId?: string }> {
  const row = await getAlert(deps.db, input.workflowId);
  if (!row?.observables) return {};
  const pattern = tuningPattern(row.alert, row.observables);
  if (!pattern) return {};
  return {
    suggestionId: await suggestSuppression(deps.db, { workflowId: input.workflowId, ...pattern, reason: input.reason.slice(0, 1000) }),
  };
}
