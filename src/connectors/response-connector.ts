// Where approved containment goes. Each connector carries out the actions it supports, can
// ask its vendor whether an action is in effect now (a retry that may follow a crash asks
// before repeating a call, so an action or its undo never happens twice) and undoes what it
// did (the saga's compensation). Vendor connectors live in ./response/.
import type { ResponseAction } from '../domain/response';

export interface ResponseContext {
  workflowId: string;
  approvedBy: string;
  idempotencyKey: string;
  signal?: AbortSignal;
  /** For check on a retry: when the first attempt recorded its intent (ISO), before its call; a vendor timestamp after it shows that call landed. */
  intentSince?: string;
}

/**
 * What happened, truthfully: `executed` (the vendor did it), `recorded for manual action` (no
 * connector acted; a person must), `failed` (the vendor refused; detail quotes its error),
 * `undone` (the compensation ran). `unknown`: an earlier attempt may have acted and the
 * vendor cannot be asked.
 */
export type ResponseStatus = 'executed' | 'recorded for manual action' | 'failed' | 'undone' | 'unknown';
export interface ResponseOutcome {
  status: ResponseStatus;
  detail: string;
}

/** The vendor's current state for an action: in effect (contained, blocked, disabled…) or not. */
export type VendorState = 'in-effect' | 'not-in-effect';

export interface ResponseConnector {
  readonly name: string;
  supports(action: ResponseAction): boolean;
  /** Carries out the action; resolves 'executed' once the vendor reports it done. Throws ConnectorError on failure. */
  execute(action: ResponseAction, ctx: ResponseContext): Promise<ResponseOutcome>;
  /** Asks the vendor whether the action is in effect now; absent when the vendor cannot be asked. */
  check?(action: ResponseAction, ctx: ResponseContext): Promise<VendorState>;
  /** Reverses the action (resolves 'undone'); absent when the connector did nothing to reverse. */
  undo?(action: ResponseAction, ctx: ResponseContext): Promise<ResponseOutcome>;
  /**
   * A retry that finds the action's intent pending (an earlier attempt may have run it and
   * crashed before recording), for a connector without check: 'repeat' only when execute has
   * no effect outside autosoc; otherwise (the default) the action is recorded as unknown.
   */
  readonly afterCrash?: 'repeat' | 'unknown';
}

/** No containment system serves the action: it is recorded, approved, for an operator. */
export const manualResponseConnector: ResponseConnector = {
  name: 'manual',
  supports: () => true,
  afterCrash: 'repeat', // only writes a row for an operator
  async execute(action, ctx) {
    return {
      status: 'recorded for manual action',
      detail: `${action.kind} ${action.target} approved by ${ctx.approvedBy}; no connector configured, carry out by hand`,
    };
  },
  async undo(action) {
    return { status: 'recorded for manual action', detail: `${action.kind} ${action.target}: reverse by hand if it was carried out` };
  },
};
