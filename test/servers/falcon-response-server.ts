// A local server speaking the Falcon containment and custom-IOC API as falconpy documents it
// (src/falconpy/hosts.py, src/falconpy/ioc.py; envelope {meta, resources, errors}):
//   POST /oauth2/token; GET /devices/queries/devices/v1?filter=hostname:'…' → resources [aid];
//   GET /devices/entities/devices/v2?ids= → [{device_id, hostname, status}];
//   POST /devices/entities/devices-actions/v2?action_name=contain|lift_containment {ids} → 202
//     [{id, path}]; the device reads containment_pending (lift_containment_pending) for
//     pendingReads details reads, then contained (normal);
//   POST /iocs/entities/indicators/v1 → 201; a second indicator with the same type and value
//     is 400 (duplicate); GET /iocs/queries/indicators/v1?filter=type:'…'+value:'…' → [ids];
//   DELETE /iocs/entities/indicators/v1?ids= → 200.
// Throttling: 429 with X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-RetryAfter
// (the epoch second requests are taken again).
import { randomUUID } from 'node:crypto';
import { VendorApiServer, type Route } from './vendor-api-server';

type Status = 'normal' | 'containment_pending' | 'contained' | 'lift_containment_pending';
export interface FalconDevice {
  id: string;
  hostname: string;
  status: Status;
  reads: number;
}
export interface FalconIoc {
  id: string;
  type: string;
  value: string;
  action: string;
}

const FQL_VALUE = /'((?:[^'\\]|\\.)*)'/;

export class FalconResponseServer extends VendorApiServer {
  readonly devices: FalconDevice[];
  readonly iocs = new Map<string, FalconIoc>();
  /** Details reads a device stays *_pending before the sensor acts. */
  pendingReads = 1;

  constructor(opts: { clientId: string; clientSecret: string; devices: { id: string; hostname: string }[] }) {
    super({ kind: 'oauth', tokenPath: '/oauth2/token', clientId: opts.clientId, clientSecret: opts.clientSecret });
    this.devices = opts.devices.map((d) => ({ ...d, status: 'normal', reads: 0 }));
  }

  protected error(status: number, _code: string, message: string): unknown {
    return {
      meta: { query_time: 0, powered_by: 'empower-api', trace_id: randomUUID() },
      resources: null,
      errors: [{ code: status, message }],
    };
  }

  protected throttleHeaders(): Record<string, string> {
    return {
      'x-ratelimit-limit': '6000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-retryafter': String(Math.floor(Date.now() / 1000) + 1),
    };
  }

  private ok(status: number, resources: unknown[]): [number, unknown] {
    return [status, { meta: { query_time: 0.01, powered_by: 'empower-api', trace_id: randomUUID() }, resources, errors: [] }];
  }

  protected routes(): Route[] {
    return [
      {
        method: 'GET',
        path: /^\/devices\/queries\/devices\/v1$/,
        handle: ({ query }) => {
          const name = /^hostname:(.*)$/.exec(query.get('filter') ?? '')?.[1]?.match(FQL_VALUE)?.[1];
          return this.ok(
            200,
            this.devices.filter((d) => d.hostname === name).map((d) => d.id),
          );
        },
      },
      {
        method: 'GET',
        path: /^\/devices\/entities\/devices\/v2$/,
        handle: ({ query }) => {
          const found = this.devices.filter((d) => query.getAll('ids').includes(d.id));
          for (const d of found) {
            this.record('details', d.hostname);
            this.advance(d);
          }
          return this.ok(
            200,
            found.map((d) => ({ device_id: d.id, hostname: d.hostname, status: d.status })),
          );
        },
      },
      {
        method: 'POST',
        path: /^\/devices\/entities\/devices-actions\/v2$/,
        handle: ({ query, body }) => {
          const action = query.get('action_name');
          if (action !== 'contain' && action !== 'lift_containment') return [400, this.error(400, '', `invalid action_name ${action}`)];
          const ids = Array.isArray(body.ids) ? body.ids.map(String) : [];
          const found = this.devices.filter((d) => ids.includes(d.id));
          if (found.length !== ids.length || !ids.length) return [404, this.error(404, '', 'Device not found')];
          for (const d of found) {
            this.record(action, d.hostname);
            d.status = action === 'contain' ? 'containment_pending' : 'lift_containment_pending';
            d.reads = 0;
          }
          return this.ok(
            202,
            found.map((d) => ({ id: d.id, path: '' })),
          );
        },
      },
      {
        method: 'POST',
        path: /^\/iocs\/entities\/indicators\/v1$/,
        handle: ({ body }) => {
          const [ind] = (body.indicators ?? []) as { type?: string; value?: string; action?: string }[];
          if (!ind?.type || !ind.value || !ind.action) return [400, this.error(400, '', 'type, value and action are required')];
          if ([...this.iocs.values()].some((i) => i.type === ind.type && i.value === ind.value)) {
            return [400, this.error(400, '', `Duplicate type: '${ind.type}' and value: '${ind.value}' combination.`)];
          }
          const ioc = { id: randomUUID().replace(/-/g, ''), type: ind.type, value: ind.value, action: ind.action };
          this.iocs.set(ioc.id, ioc);
          this.record('ioc_create', ioc.value);
          return this.ok(201, [ioc]);
        },
      },
      {
        method: 'GET',
        path: /^\/iocs\/queries\/indicators\/v1$/,
        handle: ({ query }) => {
          const [type, value] = (query.get('filter') ?? '').split('+').map((p) => p.match(FQL_VALUE)?.[1]);
          return this.ok(
            200,
            [...this.iocs.values()].filter((i) => i.type === type && i.value === value).map((i) => i.id),
          );
        },
      },
      {
        method: 'DELETE',
        path: /^\/iocs\/entities\/indicators\/v1$/,
        handle: ({ query }) => {
          const ids = query.getAll('ids');
          if (!ids.every((id) => this.iocs.has(id))) return [404, this.error(404, '', 'indicator not found')];
          for (const id of ids) {
            this.record('ioc_delete', this.iocs.get(id)!.value);
            this.iocs.delete(id);
          }
          return this.ok(200, ids);
        },
      },
    ];
  }

  private advance(d: FalconDevice): void {
    if (!d.status.endsWith('_pending') || ++d.reads <= this.pendingReads) return;
    d.status = d.status === 'containment_pending' ? 'contained' : 'normal';
  }
}
