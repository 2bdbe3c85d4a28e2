// Everything the worker registers, and nothing else: this file is the bundle's entry point.
export { alertWorkflow } from './alert-workflow';
export { incidentWorkflow } from './incident-workflow';
export { pollerWorkflow } from './poller-workflow';
export { socReportWorkflow } from './soc-report-workflow';
export { ticketPollerWorkflow } from './ticket-poller-workflow';
export { shareIntelWorkflow } from './share-intel-workflow';
// Playbooks (playbooks/): workflow types the policy's routing may start.
export * from '../../playbooks';
