// Where approved containment goes. EDR and firewall connectors implement this interface;
// the default records the approved action for a human operator to carry out.
import type { ResponseAction } from '../domain/response';

export interface ResponseContext { workflowId: string; approvedBy: string; idempotencyKey: string }
export interface ResponseOutcome { status: 'done' | 'recorded' | 'failed'; detail: string }

export interface ResponseConnector {
  readonly name: string;
  supports(action: ResponseAction): boolean;
  execute(action: ResponseAction, ctx: ResponseContext): Promise<ResponseOutcome>;
  /**
   * A retry that finds the action's intent pending (an earlier attempt may have run it and
   * crashed before recording): 'repeat' only when execute has no effect outside autosoc;
   * otherwise (the default) the action is recorded as unknown and not run again.
   */
  readonly afterCrash?: 'repeat' | 'unknown';
}

/** No containment system configured: the action is recorded, approved, for an operator. */
export const manualResponseConnector: ResponseConnector = {
  name: 'manual',
  supports: () => true,
  afterCrash: 'repeat', // only writes a row for an operator
  async execute(action, ctx) {
    return { status: 'recorded', detail: `${action.kind} ${action.target} approved by ${ctx.approvedBy}; no connector configured, carry out by hand` };
  },
};
