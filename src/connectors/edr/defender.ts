// Microsoft Defender for Endpoint Live Response: POST /api/machines/{id}/runliveresponse
// with one GetFile command, poll the machine action until it ends, ask for the result's
// download link (GetLiveResponseResultDownloadLink(index=0)) and download it. The link is a
// pre-signed storage URL on another host: it is fetched without our bearer token.
import { ConnectorError, excerpt, parseJsonOrErrorPage, request } from '../connector-http';
import { pollUntil } from './poll';
import { unwrapZip } from './unpack';
import { authorizedRequest, OAuthTokenSource } from './oauth';
import { baseName, type EdrCallOptions, type EdrConnector, type FetchedFile, type PollSettings } from './types';
import { trimEndChars } from '../../domain/text-scan';

export interface DefenderSettings extends PollSettings {
  baseUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  timeoutMs: number;
  maxFileBytes: number;
  fetchImpl?: typeof fetch;
}

export interface MachineAction {
  id: string;
  status: string;
  commands?: { index?: number; commandStatus?: string; errors?: string[] }[];
}

/** Machine action states that will not change any more. */
const FINAL = new Set(['Succeeded', 'Failed', 'TimeOut', 'Cancelled']);

export class DefenderLiveResponseClient implements EdrConnector {
  readonly name = 'defender' as const;
  private readonly tokens: OAuthTokenSource;
  private readonly base: string;

  private readonly s: Omit<DefenderSettings, 'clientSecret'>;

  constructor({ clientSecret, ...settings }: DefenderSettings) {
    this.s = settings;
    this.base = trimEndChars(settings.baseUrl, '/');
    this.tokens = new OAuthTokenSource(
      { tokenUrl: settings.tokenUrl, clientId: settings.clientId, clientSecret, scope: settings.scope, sendGrantType: true },
      { timeoutMs: settings.timeoutMs, fetchImpl: settings.fetchImpl },
    );
  }

  private async callJson(
    what: string,
    method: 'GET' | 'POST',
    path: string,
    o: EdrCallOptions,
    body?: unknown,
  ): Promise<Record<string, unknown>> {
    const answer = await authorizedRequest(this.tokens, {
      url: `${this.base}${path}`,
      method,
      signal: o.signal,
      timeoutMs: this.s.timeoutMs,
      fetchImpl: this.s.fetchImpl,
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed = parseJsonOrErrorPage(answer, `defender ${what}`);
    const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    const detail = error ? `${error.code ?? ''}: ${error.message ?? ''}` : excerpt(answer.body.toString('utf8'));
    if (answer.status === 404) throw new ConnectorError('not-found', `defender ${what}: ${detail}`, 404);
    if (answer.status < 200 || answer.status > 299) {
      // One live response per machine at a time: another session running is worth waiting for.
      const kind = error?.code === 'ActiveRequestAlreadyExists' ? 'unavailable' : 'rejected';
      throw new ConnectorError(kind, `defender ${what}: HTTP ${answer.status} ${detail}`, answer.status);
    }
    if (!parsed || typeof parsed !== 'object') throw new ConnectorError('malformed', `defender ${what}: answer is not a JSON object`);
    return parsed as Record<string, unknown>;
  }

  /** POST /api/machines/{id}/runliveresponse with one GetFile command → machine action. */
  async runGetFile(machineId: string, path: string, comment: string, o: EdrCallOptions = {}): Promise<MachineAction> {
    if (!path || /[\r\n\0]/.test(path) || path.length > 1024)
      throw new ConnectorError('rejected', 'path is empty, too long, or has a line break');
    const action = await this.callJson('runliveresponse', 'POST', `/api/machines/${encodeURIComponent(machineId)}/runliveresponse`, o, {
      Commands: [{ type: 'GetFile', params: [{ key: 'Path', value: path }] }],
      Comment: comment.slice(0, 1000),
    });
    return asAction(action, 'runliveresponse');
  }

  /** GET /api/machineactions/{id}. */
  async getAction(actionId: string, o: EdrCallOptions = {}): Promise<MachineAction> {
    return asAction(
      await this.callJson('machine action', 'GET', `/api/machineactions/${encodeURIComponent(actionId)}`, o),
      'machine action',
    );
  }

  /** POST /api/machineactions/{id}/cancel (best effort when we stop waiting). */
  async cancelAction(actionId: string, o: EdrCallOptions = {}): Promise<void> {
    await this.callJson('cancel', 'POST', `/api/machineactions/${encodeURIComponent(actionId)}/cancel`, o, {
      Comment: 'autosoc stopped waiting',
    });
  }

  /** GET /api/machineactions/{id}/GetLiveResponseResultDownloadLink(index=N) → a URL valid for 30 minutes. */
  async resultLink(actionId: string, index: number, o: EdrCallOptions = {}): Promise<string> {
    const body = await this.callJson(
      'result link',
      'GET',
      `/api/machineactions/${encodeURIComponent(actionId)}/GetLiveResponseResultDownloadLink(index=${index})`,
      o,
    );
    if (typeof body.value !== 'string' || !/^https?:\/\//.test(body.value))
      throw new ConnectorError('malformed', 'defender result link: no URL in "value"');
    return body.value;
  }

  async download(url: string, o: EdrCallOptions = {}): Promise<Buffer> {
    const answer = await request({
      url,
      signal: o.signal,
      timeoutMs: this.s.timeoutMs,
      fetchImpl: this.s.fetchImpl,
      maxBytes: this.s.maxFileBytes,
    });
    if (answer.status < 200 || answer.status > 299)
      throw new ConnectorError(
        answer.status === 403 ? 'unavailable' : 'rejected',
        `defender download: HTTP ${answer.status}`,
        answer.status,
      );
    return answer.body;
  }

  private awaitAction(actionId: string, o: EdrCallOptions): Promise<MachineAction> {
    return pollUntil(
      this.s,
      o,
      async () => {
        const action = await this.getAction(actionId, o);
        o.onProgress?.({ step: `live response ${action.status}`, ref: { actionId } });
        return FINAL.has(action.status) ? action : undefined;
      },
      async () => {
        await this.cancelAction(actionId, o).catch(() => undefined);
        return new ConnectorError('rejected', `defender live response ${actionId}: not finished within ${this.s.maxWaitMs} ms (cancelled)`);
      },
    );
  }

  /** `connectors check`: a token from the OAuth2 endpoint, nothing run on any host. */
  async checkAccess(signal?: AbortSignal): Promise<string> {
    await this.tokens.token(signal);
    return 'OAuth2 token issued';
  }

  async fetchFile(hostId: string, path: string, idempotencyKey: string, o: EdrCallOptions = {}): Promise<FetchedFile> {
    let actionId = typeof o.checkpoint?.saved?.actionId === 'string' ? o.checkpoint.saved.actionId : undefined;
    if (!actionId) {
      // The key in the comment lets an operator match the action in the portal to the alert.
      actionId = (await this.runGetFile(hostId, path, `autosoc evidence collection ${idempotencyKey}`, o)).id;
      await o.checkpoint?.save({ actionId });
    }
    o.onProgress?.({ step: 'live response started', ref: { actionId } });
    const action = await this.awaitAction(actionId, o);
    if (action.status !== 'Succeeded') {
      const errors = (action.commands ?? [])
        .flatMap((c) => c.errors ?? [])
        .map((e) => excerpt(String(e)))
        .join('; ');
      throw new ConnectorError('rejected', `defender live response ${actionId} ${action.status}${errors ? `: ${errors}` : ''}`);
    }
    const bytes = await this.download(await this.resultLink(actionId, 0, o), o);
    return unwrapZip(
      { bytes, name: baseName(path), mediaType: 'application/octet-stream' },
      baseName(path),
      'Defender Live Response GetFile',
      this.s.maxFileBytes,
    );
  }
}

function asAction(body: Record<string, unknown>, what: string): MachineAction {
  if (typeof body.id !== 'string' || typeof body.status !== 'string')
    throw new ConnectorError('malformed', `defender ${what}: answer has no id or status`);
  return body as unknown as MachineAction;
}
