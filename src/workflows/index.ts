// Everything the worker registers, and nothing else: this file is the bundle's entry point.
export { alertWorkflow } from './alert-workflow';
export { incidentWorkflow } from './incident-workflow';
export { pollerWorkflow } from './poller-workflow';
export { socReportWorkflow } from './soc-report-workflow';
