// The activity factory: binds every stage to its dependencies. Workflows import its type only.
import { collectEvidence } from './collect-evidence';
import { investigate } from './investigate';
import { triage } from './triage';
import { closeCase, openCase, recordDecision, recordDecisionEvent, recordEscalation } from './analyst-loop';
import { notify } from './notify';
import { suggestTuning } from './tuning';
import { recordResponseFailure, respond, undoResponse } from './respond';
import { writeBackToSiem } from './siem-writeback';
import { writeReport } from './report';
import { loadStoredAlert, recordIncident, storedIncidentAlerts } from './incidents';
import { pollSearchPage } from './poll-search';
import { assess } from './assess';
import { sandboxDetonate } from './sandbox';
import { edrFetchFile } from './edr';
import { pushToMisp } from './share';
import { produceSocReport } from './soc-report';
import { deliverReport } from './report-delivery';
import { findMessageCopies } from './mail';
import { pollTicketClosures, syncTicket } from './ticket-sync';
import type { ActivityDeps } from './deps';
import { ANALYSIS_HEARTBEAT_MS, whileHeartbeating } from './heartbeating';

export type { ActivityDeps } from './deps';

type Bound<F> = F extends (deps: ActivityDeps, input: infer I) => infer R ? (input: I) => R : never;
const bind = <F extends (deps: ActivityDeps, input: never) => unknown>(deps: ActivityDeps, f: F) =>
  ((input: Parameters<F>[1]) => f(deps, input)) as Bound<F>;

export function createActivities(deps: ActivityDeps) {
  return {
    collectEvidence: bind(deps, collectEvidence),
    investigate: bind(deps, investigate),
    triage: bind(deps, triage),
    openCase: bind(deps, openCase),
    recordEscalation: bind(deps, recordEscalation),
    recordDecision: bind(deps, recordDecision),
    recordDecisionEvent: bind(deps, recordDecisionEvent),
    notify: bind(deps, notify),
    suggestTuning: bind(deps, suggestTuning),
    // Vendor calls poll asynchronous actions for minutes: the beat lets the saga's 1-minute
    // heartbeatTimeout notice a dead worker (the older respond proxy sets none and ignores it).
    respond: (input: Parameters<typeof respond>[1]) => whileHeartbeating(ANALYSIS_HEARTBEAT_MS, () => respond(deps, input)),
    undoResponse: (input: Parameters<typeof undoResponse>[1]) => whileHeartbeating(ANALYSIS_HEARTBEAT_MS, () => undoResponse(deps, input)),
    recordResponseFailure: bind(deps, recordResponseFailure),
    writeBackToSiem: bind(deps, writeBackToSiem),
    closeCase: bind(deps, closeCase),
    writeReport: bind(deps, writeReport),
    recordIncident: bind(deps, recordIncident),
    loadStoredAlert: bind(deps, loadStoredAlert),
    storedIncidentAlerts: bind(deps, storedIncidentAlerts),
    pollSearchPage: bind(deps, pollSearchPage),
    assess: bind(deps, assess),
    sandboxDetonate: bind(deps, sandboxDetonate),
    edrFetchFile: bind(deps, edrFetchFile),
    pushToMisp: bind(deps, pushToMisp),
    produceSocReport: bind(deps, produceSocReport),
    deliverReport: bind(deps, deliverReport),
    findMessageCopies: bind(deps, findMessageCopies),
    syncTicket: bind(deps, syncTicket),
    pollTicketClosures: bind(deps, pollTicketClosures),
  };
}
