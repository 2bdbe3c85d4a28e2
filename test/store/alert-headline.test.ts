// getAlertHeadline: what notify sends (title, severity, score, verdict, the latest assessment's
// summary) in one query, the same facts the two reads it replaced gave.
import { randomUUID } from 'node:crypto';
import { extractObservables } from '../../src/domain/observables';
import { getAlert, getAlertHeadline, upsertAlert } from '../../src/store/alerts';
import { latestAssessment, saveAssessment } from '../../src/store/assessments';
import { sampleAlert } from '../helpers/alerts';
import { openTestDatabase, type TestDatabase } from '../helpers/database';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db.close();
});

const assessment = (summary: string) => ({
  author: 'deterministic',
  assessment: { summary, narrative: [], citedFindings: [], recommendedActions: [], openQuestions: [] },
});

test('title, severity, score, verdict, reasons, observables, the latest summary and whether an SLA was breached, as getAlert and latestAssessment give them', async () => {
  const workflowId = `headline-${randomUUID()}`;
  const alert = sampleAlert('03-phishing-link.json', workflowId);
  await upsertAlert(db.pool, workflowId, alert, extractObservables(alert));
  expect(await getAlertHeadline(db.pool, workflowId)).toEqual({
    title: alert.title,
    severity: alert.severity,
    score: null,
    verdict: null,
    summary: null,
    reasons: null,
    observables: extractObservables(alert),
    slaBreached: false,
  });

  await db.pool.query(`UPDATE alerts SET score = 71, verdict = 'malicious' WHERE workflow_id = $1`, [workflowId]);
  await saveAssessment(db.pool, workflowId, 'assess-1', assessment('first look'));
  await db.pool.query(`UPDATE assessments SET created_at = created_at - interval '1 minute' WHERE workflow_id = $1`, [workflowId]);
  await saveAssessment(db.pool, workflowId, 'assess-2', assessment('after re-triage'));

  const row = (await getAlert(db.pool, workflowId))!;
  const latest = (await latestAssessment(db.pool, workflowId))!;
  expect(await getAlertHeadline(db.pool, workflowId)).toEqual({
    title: row.title,
    severity: row.severity,
    score: row.score,
    verdict: row.verdict,
    summary: latest.assessment.summary,
    reasons: row.reasons,
    observables: row.observables,
    slaBreached: false,
  });
  expect(latest.assessment.summary).toBe('after re-triage');
  expect(await getAlertHeadline(db.pool, `missing-${workflowId}`)).toBeUndefined();
});
