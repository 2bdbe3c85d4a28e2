// What activities need from the outside world; tests pass real or local implementations.
import type { Pool } from 'pg';
import type { ResponseConnector } from '../connectors/response-connector';
import type { AlertIntake } from '../ingest/intake';
import type { InvestigationPlan } from '../investigation/investigate';
import type { LlmSettings } from '../assessment/llm';
import type { Notifier } from '../connectors/notifier';
import type { Sandbox } from '../connectors/sandbox/config';
import type { EdrConnectors } from '../connectors/edr/config';
import type { EdrAllowList } from '../domain/edr-allow-list';
import type { ResponseRouting } from '../domain/policy';
import type { SharingPolicy } from '../domain/sharing-policy';
import type { MispClient } from '../connectors/misp';
import type { SiemWriteback } from '../connectors/siem/writeback';
import type { TicketEventDeps } from '../api/ticket-events';
import type { ReportChannels } from '../connectors/delivery/report-channels';
import type { FailedRun } from '../temporal/failed-runs';

export interface ActivityDeps {
  db: Pool;
  /** Tried in order; the first that supports an action carries it out, unless responseRouting names one. */
  responders: ResponseConnector[];
  /** The policy's responseConnectors: which connector (by name) serves each action kind. */
  responseRouting?: ResponseRouting;
  /** Where the secrets pollers name (apiKeyEnv, basicAuthEnv) are looked up: config.connectors. */
  pollerSecrets?: Readonly<Record<string, string | undefined>>;
  /** How pollers hand what they fetch to the same pipeline as every other channel. */
  ingest: AlertIntake;
  /** Which analyzers investigations run. */
  investigation: InvestigationPlan;
  /** Set when an LLM writes assessments (OPENAI_API_KEY); else a deterministic summarizer does. */
  llm?: LlmSettings;
  /** Channels escalations are announced on (none: no notifications). */
  notifiers: Notifier[];
  /** A Web UI link for a workflow, used in notifications. */
  workflowLink?: (workflowId: string) => string;
  /** CAPE sandbox (CAPE_BASE_URL); absent: detonation is not configured. */
  sandbox?: Sandbox;
  /** EDR connectors (Falcon RTR, Defender Live Response) that fetch files from hosts. */
  edr?: EdrConnectors;
  /** The policy's edrCollection.allow: which hosts and paths the EDR may fetch (none when absent). */
  edrAllow?: EdrAllowList;
  /** The MISP instance confirmed incidents are shared with (AUTOSOC_MISP_URL); absent: not configured. */
  misp?: MispClient;
  /** The policy's sharing section: TLP and what never leaves. */
  sharing?: SharingPolicy;
  /** SIEMs told an alert's final disposition (ELASTIC_*, SPLUNK_*); the policy's siemWriteback picks one per source. */
  siems?: SiemWriteback[];
  /**
   * The policy's ticket system: decisions and comments made in autosoc reach the case's ticket
   * (ticket-sync.ts); with `decide` (a Temporal client and the decision signer), the ticket
   * poller closes alerts whose tickets were closed.
   */
  tickets?: Pick<TicketEventDeps, 'system' | 'service'> & { decide?: Pick<TicketEventDeps, 'client' | 'signer' | 'pager'> };
  /** Where reports are delivered (SMTP relay, Slack files); a channel absent here is not configured. */
  reportChannels?: ReportChannels;
  /** Temporal's failed and retrying runs (temporal/failed-runs.ts), for the SOC report's pipeline health. */
  listFailedRuns?: () => Promise<FailedRun[]>;
}
