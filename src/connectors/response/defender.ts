// Microsoft Defender for Endpoint containment, as documented on learn.microsoft.com
// (defender-endpoint/api/…):
//   isolate-machine    POST /api/machines/{id}/isolate   {Comment, IsolationType:'Full'} → 201 machine action
//   unisolate-machine  POST /api/machines/{id}/unisolate {Comment} → 201 machine action
//   get-machineaction-object  GET /api/machineactions/{id}: Pending → InProgress → Succeeded | Failed | TimeOut | Cancelled
//   get-machineactions-collection  GET /api/machineactions?$filter=machineId eq '…' (the vendor's state:
//                      the latest Isolate/Unisolate that did not fail)
//   get-machines       GET /api/machines?$filter=computerDnsName eq '…' (a host name → machine id)
//   post-ti-indicator  POST /api/indicators {indicatorValue, indicatorType:'FileSha256', action:'BlockAndRemediate', title, description}
//                      (submit-or-update: the same value updates the one indicator)
//   get-ti-indicators-collection  GET /api/indicators?$filter=indicatorValue eq '…'
//   delete-ti-indicator-by-id     DELETE /api/indicators/{id} → 204
// Isolation is asynchronous: execute and undo poll the machine action until it ends.
import { ConnectorError } from '../connector-http';
import { pollUntil } from '../edr/poll';
import type { ResponseAction } from '../../domain/response';
import type { ResponseConnector, ResponseContext, ResponseOutcome, VendorState } from '../response-connector';
import { executed, hashType, OAuthVendor, odataString, undone, type OAuthVendorSettings } from './vendor';

interface MachineAction {
  id: string;
  type?: string;
  status: string;
  creationDateTimeUtc?: string;
}
interface Indicator {
  id: string | number;
  indicatorValue?: string;
}
const FINAL = new Set(['Succeeded', 'Failed', 'TimeOut', 'Cancelled']);
const INDICATOR_TYPE = { sha256: 'FileSha256', sha1: 'FileSha1', md5: 'FileMd5' } as const;

export class DefenderResponseConnector implements ResponseConnector {
  readonly name = 'defender';
  private readonly api: OAuthVendor;

  constructor(settings: OAuthVendorSettings) {
    this.api = new OAuthVendor('defender', settings, true);
  }

  supports(a: ResponseAction): boolean {
    return a.kind === 'isolate_host' || a.kind === 'block_hash';
  }

  /** A machine id (40 hex) as given, else the one machine with that DNS name. */
  private async machineId(target: string, signal?: AbortSignal): Promise<string> {
    if (/^[0-9a-f]{40}$/i.test(target)) return target.toLowerCase();
    const found = (await this.api.call(
      'machines',
      'GET',
      `/api/machines?$filter=${encodeURIComponent(`computerDnsName eq ${odataString(target.toLowerCase())}`)}`,
      signal,
    )) as { value?: { id: string }[] };
    const ids = (found?.value ?? []).map((m) => m.id);
    if (ids.length !== 1)
      throw new ConnectorError(ids.length ? 'rejected' : 'not-found', `defender: ${ids.length} machines named ${target}`);
    return ids[0];
  }

  private async isolation(kind: 'isolate' | 'unisolate', target: string, ctx: ResponseContext): Promise<string> {
    const id = await this.machineId(target, ctx.signal);
    const comment = `autosoc ${ctx.workflowId} (${ctx.approvedBy})`.slice(0, 1000);
    const started = (await this.api.call(
      kind,
      'POST',
      `/api/machines/${encodeURIComponent(id)}/${kind}`,
      ctx.signal,
      kind === 'isolate' ? { Comment: comment, IsolationType: 'Full' } : { Comment: comment },
    )) as MachineAction;
    const ended = await pollUntil(
      this.api.poll,
      { signal: ctx.signal },
      async () => {
        const a = (await this.api.call(
          'machine action',
          'GET',
          `/api/machineactions/${encodeURIComponent(started.id)}`,
          ctx.signal,
        )) as MachineAction;
        return FINAL.has(a.status) ? a : undefined;
      },
      () => new ConnectorError('unavailable', `defender: machine action ${started.id} not finished within ${this.api.poll.maxWaitMs} ms`),
    );
    if (ended.status !== 'Succeeded')
      throw new ConnectorError('rejected', `defender: ${kind} of machine ${id} ended ${ended.status} (machine action ${ended.id})`);
    return `machine ${id} (machine action ${ended.id})`;
  }

  private async indicators(hash: string, signal?: AbortSignal): Promise<Indicator[]> {
    const found = (await this.api.call(
      'indicators',
      'GET',
      `/api/indicators?$filter=${encodeURIComponent(`indicatorValue eq ${odataString(hash.toLowerCase())}`)}`,
      signal,
    )) as { value?: Indicator[] };
    return found?.value ?? [];
  }

  async execute(action: ResponseAction, ctx: ResponseContext): Promise<ResponseOutcome> {
    if (action.kind === 'isolate_host') return executed('defender', `isolated ${await this.isolation('isolate', action.target, ctx)}`);
    const created = (await this.api.call('indicator submit', 'POST', '/api/indicators', ctx.signal, {
      indicatorValue: action.target.toLowerCase(),
      indicatorType: INDICATOR_TYPE[hashType(action.target)],
      action: 'BlockAndRemediate',
      title: `autosoc ${ctx.workflowId}`.slice(0, 200),
      description: `approved by ${ctx.approvedBy} (${ctx.idempotencyKey})`.slice(0, 1000),
      severity: 'High',
      generateAlert: true,
    })) as Indicator;
    return executed('defender', `indicator ${created.id} blocks ${action.target}`);
  }

  async check(action: ResponseAction, ctx: ResponseContext): Promise<VendorState> {
    if (action.kind === 'block_hash') return (await this.indicators(action.target, ctx.signal)).length > 0 ? 'in-effect' : 'not-in-effect';
    const id = await this.machineId(action.target, ctx.signal);
    const listed = (await this.api.call(
      'machine actions',
      'GET',
      `/api/machineactions?$filter=${encodeURIComponent(`machineId eq ${odataString(id)}`)}`,
      ctx.signal,
    )) as { value?: MachineAction[] };
    const latest = (listed?.value ?? [])
      .filter((a) => (a.type === 'Isolate' || a.type === 'Unisolate') && !['Failed', 'TimeOut', 'Cancelled'].includes(a.status))
      .sort((a, b) => (a.creationDateTimeUtc ?? '').localeCompare(b.creationDateTimeUtc ?? ''))
      .at(-1);
    return latest?.type === 'Isolate' ? 'in-effect' : 'not-in-effect';
  }

  async undo(action: ResponseAction, ctx: ResponseContext): Promise<ResponseOutcome> {
    if (action.kind === 'isolate_host') return undone('defender', `released ${await this.isolation('unisolate', action.target, ctx)}`);
    const found = await this.indicators(action.target, ctx.signal);
    for (const i of found)
      await this.api.call('indicator delete', 'DELETE', `/api/indicators/${encodeURIComponent(String(i.id))}`, ctx.signal);
    return undone('defender', found.length ? `indicator ${found.map((i) => i.id).join(',')} deleted` : 'no indicator left for the hash');
  }
}
