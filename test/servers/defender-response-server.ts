// A local server speaking the Defender for Endpoint containment API as learn.microsoft.com
// documents it (defender-endpoint/api/…), with the Azure AD v2.0 token endpoint:
//   isolate-machine / unisolate-machine: POST /api/machines/{id}/isolate|unisolate → 201 machine
//     action (Pending), which reads InProgress for pendingReads reads, then Succeeded
//     (get-machineaction-object: GET /api/machineactions/{id});
//   get-machineactions-collection: GET /api/machineactions?$filter=machineId eq '…';
//   get-machines: GET /api/machines?$filter=computerDnsName eq '…';
//   post-ti-indicator: POST /api/indicators (submit or update by value; 200 with the indicator);
//   get-ti-indicators-collection: GET /api/indicators?$filter=indicatorValue eq '…';
//   delete-ti-indicator-by-id: DELETE /api/indicators/{id} → 204, unknown id → 404.
// Errors as {"error": {"code", "message", "target"}}; 429 with Retry-After (seconds).
import { randomUUID } from 'node:crypto';
import { retryAfterOneSecond, VendorApiServer, type Route } from './vendor-api-server';

export interface DefenderMachine {
  id: string;
  computerDnsName: string;
  isolated: boolean;
}
interface MachineAction {
  id: string;
  type: 'Isolate' | 'Unisolate';
  machineId: string;
  status: string;
  reads: number;
  creationDateTimeUtc: string;
}
interface Indicator {
  id: number;
  indicatorValue: string;
  indicatorType: string;
  action: string;
}

const ODATA_EQ = (field: string) => new RegExp(`^${field} eq '((?:[^']|'')*)'$`);
const unquote = (s: string | undefined) => s?.replace(/''/g, "'");

export class DefenderResponseServer extends VendorApiServer {
  readonly machines: DefenderMachine[];
  readonly machineActions: MachineAction[] = [];
  readonly indicators = new Map<number, Indicator>();
  pendingReads = 1;
  private nextIndicator = 1;
  private seq = 0;

  constructor(opts: { tenant: string; clientId: string; clientSecret: string; machines: { id: string; computerDnsName: string }[] }) {
    super({ kind: 'oauth', tokenPath: `/${opts.tenant}/oauth2/v2.0/token`, clientId: opts.clientId, clientSecret: opts.clientSecret });
    this.machines = opts.machines.map((m) => ({ ...m, isolated: false }));
  }

  protected error(_status: number, code: string, message: string): unknown {
    return { error: { code, message, target: randomUUID() } };
  }
  protected throttleHeaders(): Record<string, string> {
    return retryAfterOneSecond();
  }

  private entity(a: MachineAction): Record<string, unknown> {
    return {
      id: a.id,
      type: a.type,
      status: a.status,
      machineId: a.machineId,
      requestor: 'autosoc-app',
      creationDateTimeUtc: a.creationDateTimeUtc,
    };
  }

  protected routes(): Route[] {
    return [
      {
        method: 'GET',
        path: /^\/api\/machines$/,
        handle: ({ query }) => {
          const name = unquote(ODATA_EQ('computerDnsName').exec(query.get('$filter') ?? '')?.[1]);
          return [
            200,
            {
              value: this.machines.filter((m) => m.computerDnsName === name).map((m) => ({ id: m.id, computerDnsName: m.computerDnsName })),
            },
          ];
        },
      },
      {
        method: 'POST',
        path: /^\/api\/machines\/([^/]+)\/(isolate|unisolate)$/,
        handle: ({ body }, m) => {
          const machine = this.machines.find((x) => x.id === m[1]);
          if (!machine) return [404, this.error(404, 'ResourceNotFound', `Machine ${m[1]} was not found`)];
          if (typeof body.Comment !== 'string' || (m[2] === 'isolate' && !['Full', 'Selective'].includes(String(body.IsolationType)))) {
            return [400, this.error(400, 'InvalidRequestBody', 'Comment and IsolationType are required')];
          }
          const type = m[2] === 'isolate' ? 'Isolate' : 'Unisolate';
          this.record(m[2], machine.computerDnsName);
          const a: MachineAction = {
            id: randomUUID(),
            type,
            machineId: machine.id,
            status: 'Pending',
            reads: 0,
            creationDateTimeUtc: new Date(Date.UTC(2026, 0, 1) + ++this.seq * 1000).toISOString(),
          };
          this.machineActions.push(a);
          return [201, this.entity(a)];
        },
      },
      {
        method: 'GET',
        path: /^\/api\/machineactions\/([^/]+)$/,
        handle: (_r, m) => {
          const a = this.machineActions.find((x) => x.id === m[1]);
          if (!a) return [404, this.error(404, 'ResourceNotFound', 'Machine action was not found')];
          const machine = this.machines.find((x) => x.id === a.machineId)!;
          this.record('action status', machine.computerDnsName);
          if (a.status !== 'Succeeded' && ++a.reads > this.pendingReads) {
            a.status = 'Succeeded';
            machine.isolated = a.type === 'Isolate';
          } else if (a.status === 'Pending') a.status = 'InProgress';
          return [200, this.entity(a)];
        },
      },
      {
        method: 'GET',
        path: /^\/api\/machineactions$/,
        handle: ({ query }) => {
          const id = unquote(ODATA_EQ('machineId').exec(query.get('$filter') ?? '')?.[1]);
          return [200, { value: this.machineActions.filter((a) => a.machineId === id).map((a) => this.entity(a)) }];
        },
      },
      {
        method: 'POST',
        path: /^\/api\/indicators$/,
        handle: ({ body }) => {
          const { indicatorValue, indicatorType, action, title, description } = body as Record<string, string | undefined>;
          if (!indicatorValue || !indicatorType || !action || !title || !description) {
            return [
              400,
              this.error(400, 'InvalidRequestBody', 'indicatorValue, indicatorType, action, title and description are required'),
            ];
          }
          const existing = [...this.indicators.values()].find((i) => i.indicatorValue === indicatorValue);
          const indicator = { id: existing?.id ?? this.nextIndicator++, indicatorValue, indicatorType, action };
          this.indicators.set(indicator.id, indicator);
          this.record('indicator submit', indicatorValue);
          return [200, indicator];
        },
      },
      {
        method: 'GET',
        path: /^\/api\/indicators$/,
        handle: ({ query }) => {
          const value = unquote(ODATA_EQ('indicatorValue').exec(query.get('$filter') ?? '')?.[1]);
          return [200, { value: [...this.indicators.values()].filter((i) => i.indicatorValue === value) }];
        },
      },
      {
        method: 'DELETE',
        path: /^\/api\/indicators\/(\d+)$/,
        handle: (_r, m) => {
          const indicator = this.indicators.get(Number(m[1]));
          if (!indicator) return [404, this.error(404, 'NotFound', `Indicator ${m[1]} was not found`)];
          this.indicators.delete(indicator.id);
          this.record('indicator delete', indicator.indicatorValue);
          return [204];
        },
      },
    ];
  }
}
