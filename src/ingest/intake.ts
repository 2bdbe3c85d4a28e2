// What a caller of the ingest pipeline sees: a body in, one result per item out. Activities
// (the poller's page) depend on this narrow interface, not on IngestService, which starts
// workflows: activities → IngestService → workflows → activities was an import cycle.
import type { AlertFormat } from './formats/types';

export type IngestStatus = 'accepted' | 'duplicate' | 'correlated' | 'suppressed' | 'rejected';

export interface IngestItemResult {
  index: number;
  status: IngestStatus;
  format?: AlertFormat;
  workflowId?: string;
  incidentId?: string;
  storm?: boolean;
  /** The playbook (workflow type) routing chose, and why; absent for items that start nothing. */
  playbook?: string;
  playbookReason?: string;
  error?: string;
}

export interface IngestRequest {
  body: Uint8Array;
  format?: AlertFormat;
  /** When the caller's credentials speak for one source, alerts must come from it. */
  requiredSource?: string | null;
  /** Refuse bodies with more items (ItemLimitError) before any is mapped. */
  maxItems?: number;
  /** Called with the item count before mapping; throws to refuse the body (rate limits). */
  admit?: (items: number) => void;
}

/** The ingest pipeline as its callers use it (IngestService implements it). */
export interface AlertIntake {
  /** Throws BodyError when nothing in the body can be read; otherwise one result per item. */
  ingest(req: IngestRequest): Promise<IngestItemResult[]>;
}
