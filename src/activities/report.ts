// Stage 6: render and store the per-alert report from what the database recorded.
import { ApplicationFailure } from '@temporalio/activity';
import type { Finding } from '../domain/finding';
import { renderAlertReport } from '../reports/alert-report';
import { getAlert } from '../store/alerts';
import { listAudit } from '../store/decisions';
import { saveReport } from '../store/reports';
import { latestAssessment } from '../store/assessments';
import { listResponseActions } from '../store/response-actions';
import type { AlertStatus } from '../domain/alert-status';
import type { ActivityDeps } from './deps';
import { BAD_INPUT } from '../domain/error-types';

export async function writeReport(
  deps: ActivityDeps,
  input: { workflowId: string; findings: Finding[]; status: AlertStatus },
): Promise<{ reportId: string }> {
  const row = await getAlert(deps.db, input.workflowId);
  if (!row) throw ApplicationFailure.nonRetryable(`no alert stored for ${input.workflowId}`, BAD_INPUT);
  const body = renderAlertReport({
    alert: row.alert,
    status: input.status,
    findings: input.findings,
    audit: await listAudit(deps.db, input.workflowId),
    actions: await listResponseActions(deps.db, input.workflowId),
    assessment: await latestAssessment(deps.db, input.workflowId),
  });
  return { reportId: await saveReport(deps.db, input.workflowId, 'alert', 'markdown', body) };
}
