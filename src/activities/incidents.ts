// Incident bookkeeping: the incident row and the alerts that joined it.
import type { Alert } from '../domain/alert';
import { recordCorrelatedAlerts, upsertIncident } from '../store/incidents';
import type { ActivityDeps } from './deps';

export interface RecordIncidentInput {
  incidentId: string; key: string; alertCount: number; storm: boolean; primary?: string;
  joined: { workflowId: string; alert: Alert }[];
}

export async function recordIncident(deps: ActivityDeps, i: RecordIncidentInput): Promise<void> {
  await upsertIncident(deps.db, { id: i.incidentId, key: i.key, alertCount: i.alertCount, storm: i.storm, primary: i.primary });
  await recordCorrelatedAlerts(deps.db, i.incidentId, i.joined);
}
