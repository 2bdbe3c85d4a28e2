// Sharing a confirmed incident with a MISP instance: the MISP event (content/misp-export.ts)
// pushed by MispClient, which searches by the event's uuid before adding or editing, so any
// number of attempts leave one event. The intent (keyed by the alert and the event's content)
// is written before the push: a retry of a push that finished returns without calling, a
// retry after a crash calls again, which MISP's search turns into an edit.
import { ApplicationFailure, cancellationSignal } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import { isConnectorError } from '../connectors/connector-http';
import { confirmedIncidentFromStore, UnknownAlert } from '../content/from-store';
import { NotConfirmed } from '../content/incident';
import { incidentToMispEvent } from '../content/misp-export';
import { SharingPolicy, tlpFor } from '../content/sharing';
import { claimIntent, releaseIntent, settleIntent } from '../store/intents';
import type { ActivityDeps } from './deps';

export interface PushToMispInput {
  workflowId: string;
}
export interface PushToMispResult {
  action: 'added' | 'updated' | 'already-pushed';
  uuid: string;
  detail: string;
}

export async function pushToMisp(deps: ActivityDeps, input: PushToMispInput): Promise<PushToMispResult> {
  if (!deps.misp)
    throw ApplicationFailure.nonRetryable('no MISP instance is configured (AUTOSOC_MISP_URL, AUTOSOC_MISP_KEY)', 'NotConfigured');
  const incident = await confirmedIncidentFromStore(deps.db, input.workflowId).catch((err: Error) => {
    throw err instanceof NotConfirmed || err instanceof UnknownAlert ? ApplicationFailure.nonRetryable(err.message, 'BadInput') : err;
  });
  const sharing = deps.sharing ?? SharingPolicy.parse({});
  const tlp = tlpFor(
    sharing,
    incident.alerts.map((a) => a.source),
    incident.tlp,
  );
  if (tlp === 'red')
    throw ApplicationFailure.nonRetryable(`${input.workflowId} is TLP:RED: it is never pushed to another system`, 'NotShareable');
  const event = incidentToMispEvent(incident, { sharing });
  const uuid = event.Event.uuid;
  const key = `${input.workflowId}:misp-push:${createHash('sha256').update(JSON.stringify(event)).digest('hex').slice(0, 32)}`;
  const intent = await claimIntent(deps.db, key, 'misp-push');
  if (!intent.fresh && intent.state === 'done') return { action: 'already-pushed', uuid, detail: intent.detail ?? '' };
  try {
    const pushed = await deps.misp.push(event, cancellationSignal());
    const detail = `${pushed.action} MISP event ${pushed.id} (${pushed.attributes} attributes)`;
    await settleIntent(deps.db, key, 'done', detail);
    return { action: pushed.action, uuid, detail };
  } catch (err) {
    await releaseIntent(deps.db, key);
    if (isConnectorError(err) && err.kind !== 'unavailable') throw ApplicationFailure.nonRetryable(err.message, `Misp-${err.kind}`);
    throw err;
  }
}
