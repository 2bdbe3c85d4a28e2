// The source SIEM learns an alert's final disposition (siem-writeback-v1): closed with the
// reasons, or acknowledged. Setting a status and adding a note twice is harmless at both
// vendors, so a retry simply writes again; the intent records that it was done.
import { ApplicationFailure } from '@temporalio/activity';
import { isConnectorError } from '../connectors/connector-http';
import { siemStatusFor } from '../connectors/siem/writeback';
import { claimIntent, settleIntent } from '../store/intents';
import type { Outcome } from '../domain/alert-status';
import type { ActivityDeps } from './deps';

export interface SiemWritebackInput {
  workflowId: string;
  siem: 'elastic' | 'splunk';
  sourceId: string;
  outcome: Outcome;
  note: string;
}

export async function writeBackToSiem(deps: ActivityDeps, input: SiemWritebackInput): Promise<{ status: string; detail: string }> {
  const siem = deps.siems?.find((s) => s.name === input.siem);
  if (!siem) return { status: 'not configured', detail: `no ${input.siem} credentials on this worker` };
  if (!input.sourceId) throw ApplicationFailure.nonRetryable('the alert has no source id to write back to', 'BadInput');
  const key = `${input.workflowId}:siem-writeback:${input.siem}`;
  const intent = await claimIntent(deps.db, key, `siem-writeback:${input.siem}`);
  if (!intent.fresh && intent.state === 'done') return { status: 'done', detail: intent.detail ?? '' };
  const status = siemStatusFor(input.outcome);
  try {
    const detail = await siem.write({ sourceId: input.sourceId, status, note: input.note });
    await settleIntent(deps.db, key, 'done', detail);
    return { status: 'done', detail };
  } catch (err) {
    // Unavailable (network, 429 past its wait, 5xx): Temporal retries. A refusal is final.
    if (isConnectorError(err) && err.kind !== 'unavailable') {
      await settleIntent(deps.db, key, 'done', `refused: ${err.message}`);
      return { status: 'refused', detail: err.message };
    }
    throw err;
  }
}
