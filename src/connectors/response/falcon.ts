// CrowdStrike Falcon containment: network containment of a host and custom IOCs that block a
// file hash. Endpoints as falconpy documents them (and the Falcon API reference it mirrors):
//   src/falconpy/hosts.py  perform_action  POST /devices/entities/devices-actions/v2?action_name=contain|lift_containment  {ids}
//                          query_devices_by_filter  GET /devices/queries/devices/v1?filter=hostname:'…'
//                          get_device_details  GET /devices/entities/devices/v2?ids=  (status: normal,
//                          containment_pending, contained, lift_containment_pending)
//   src/falconpy/ioc.py    indicator_create  POST /iocs/entities/indicators/v1  {indicators:[{type,value,action:'prevent',…}]}
//                          indicator_search  GET /iocs/queries/indicators/v1?filter=type:'sha256'+value:'…'
//                          indicator_delete  DELETE /iocs/entities/indicators/v1?ids=
// Containment is asynchronous: the device reads containment_pending until the sensor acts;
// execute and undo wait (poll) for contained / normal.
import { ConnectorError } from '../connector-http';
import { pollUntil } from '../edr/poll';
import type { ResponseAction } from '../../domain/response';
import type { ResponseConnector, ResponseContext, ResponseOutcome, VendorState } from '../response-connector';
import { executed, hashType, OAuthVendor, undone, type OAuthVendorSettings } from './vendor';

interface Envelope<T> {
  resources?: T[] | null;
}
type DeviceStatus = 'normal' | 'containment_pending' | 'contained' | 'lift_containment_pending';

const fql = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export class FalconResponseConnector implements ResponseConnector {
  readonly name = 'falcon';
  private readonly api: OAuthVendor;

  constructor(settings: OAuthVendorSettings) {
    this.api = new OAuthVendor('falcon', settings, false);
  }

  supports(a: ResponseAction): boolean {
    return a.kind === 'isolate_host' || a.kind === 'block_hash';
  }

  /** A device id (32 hex, the sensor's aid) as given, else the one device with that hostname. */
  private async deviceId(target: string, signal?: AbortSignal): Promise<string> {
    if (/^[0-9a-f]{32}$/i.test(target)) return target.toLowerCase();
    const found = (await this.api.call(
      'device query',
      'GET',
      `/devices/queries/devices/v1?filter=${encodeURIComponent(`hostname:${fql(target)}`)}`,
      signal,
    )) as Envelope<string>;
    const ids = found?.resources ?? [];
    if (ids.length !== 1) throw new ConnectorError(ids.length ? 'rejected' : 'not-found', `falcon: ${ids.length} devices named ${target}`);
    return ids[0];
  }

  private async deviceStatus(id: string, signal?: AbortSignal): Promise<DeviceStatus> {
    const details = (await this.api.call(
      'device details',
      'GET',
      `/devices/entities/devices/v2?ids=${encodeURIComponent(id)}`,
      signal,
    )) as Envelope<{ status?: DeviceStatus }>;
    const status = details?.resources?.[0]?.status;
    if (!status) throw new ConnectorError('not-found', `falcon: no device ${id}`);
    return status;
  }

  private async containment(action: 'contain' | 'lift_containment', target: string, ctx: ResponseContext): Promise<string> {
    const id = await this.deviceId(target, ctx.signal);
    await this.api.call(action, 'POST', `/devices/entities/devices-actions/v2?action_name=${action}`, ctx.signal, { ids: [id] });
    const want: DeviceStatus = action === 'contain' ? 'contained' : 'normal';
    await pollUntil(
      this.api.poll,
      { signal: ctx.signal },
      async () => ((await this.deviceStatus(id, ctx.signal)) === want ? true : undefined),
      () => new ConnectorError('unavailable', `falcon: device ${id} not ${want} within ${this.api.poll.maxWaitMs} ms`),
    );
    return id;
  }

  private async iocIds(hash: string, signal?: AbortSignal): Promise<string[]> {
    const filter = `type:${fql(hashType(hash))}+value:${fql(hash.toLowerCase())}`;
    const found = (await this.api.call(
      'indicator search',
      'GET',
      `/iocs/queries/indicators/v1?filter=${encodeURIComponent(filter)}`,
      signal,
    )) as Envelope<string>;
    return found?.resources ?? [];
  }

  async execute(action: ResponseAction, ctx: ResponseContext): Promise<ResponseOutcome> {
    if (action.kind === 'isolate_host')
      return executed('falcon', `device ${await this.containment('contain', action.target, ctx)} contained`);
    const type = hashType(action.target);
    if (type === 'sha1') throw new ConnectorError('rejected', 'falcon: custom IOCs take sha256 or md5, not sha1');
    const created = (await this.api.call('indicator create', 'POST', '/iocs/entities/indicators/v1', ctx.signal, {
      comment: `autosoc ${ctx.workflowId}, approved by ${ctx.approvedBy}`,
      indicators: [
        {
          type,
          value: action.target.toLowerCase(),
          action: 'prevent',
          severity: 'high',
          applied_globally: true,
          platforms: ['windows', 'mac', 'linux'],
          description: `autosoc ${ctx.idempotencyKey}`.slice(0, 200),
        },
      ],
    })) as Envelope<{ id?: string }>;
    return executed('falcon', `custom IOC ${created?.resources?.[0]?.id ?? '?'} prevents ${type} ${action.target}`);
  }

  async check(action: ResponseAction, ctx: ResponseContext): Promise<VendorState> {
    if (action.kind === 'isolate_host') {
      const status = await this.deviceStatus(await this.deviceId(action.target, ctx.signal), ctx.signal);
      return status === 'contained' || status === 'containment_pending' ? 'in-effect' : 'not-in-effect';
    }
    return (await this.iocIds(action.target, ctx.signal)).length > 0 ? 'in-effect' : 'not-in-effect';
  }

  async undo(action: ResponseAction, ctx: ResponseContext): Promise<ResponseOutcome> {
    if (action.kind === 'isolate_host')
      return undone('falcon', `containment of device ${await this.containment('lift_containment', action.target, ctx)} lifted`);
    const ids = await this.iocIds(action.target, ctx.signal);
    if (ids.length)
      await this.api.call(
        'indicator delete',
        'DELETE',
        `/iocs/entities/indicators/v1?${ids.map((i) => `ids=${encodeURIComponent(i)}`).join('&')}`,
        ctx.signal,
      );
    return undone('falcon', ids.length ? `custom IOC ${ids.join(',')} deleted` : 'no custom IOC left for the hash');
  }
}
