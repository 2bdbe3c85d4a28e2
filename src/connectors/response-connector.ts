// Where approved containment goes. EDR and firewall connectors implement this interface;
// the default records the approved action for a human operator to carry out.
import type { ResponseAction } from '../domain/response';

export interface ResponseContext { workflowId: string; approvedBy: string; idempotencyKey: string }
export interface ResponseOutcome { status: 'done' | 'recorded' | 'failed'; detail: string }

export interface ResponseConnector {
  readonly name: string;
  supports(action: ResponseAction): boolean;
  execute(action: ResponseAction, ctx: ResponseContext): Promise<ResponseOutcome>;
}

/** No containment system configured: the action is recorded, approved, for an operator. */
export const manualResponseConnector: ResponseConnector = {
  name: 'manual',
  supports: () => true,
  async execute(action, ctx) {
    return { status: 'recorded', detail: `${action.kind} ${action.target} approved by ${ctx.approvedBy}; no connector configured, carry out by hand` };
  },
};
