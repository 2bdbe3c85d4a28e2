// CrowdStrike Falcon Real Time Response (single-host session API): OAuth2 client
// credentials, a session on the host, the active-responder `get` (and read-only `ps`)
// commands, polled until complete, and the file collected by `get` downloaded from the
// session. Endpoint shapes follow the Falcon API reference as mirrored by FalconPy/PSFalcon
// (see README.md); the real extracted-file-contents answer is a 7z archive with password
// "infected", which is stored as such (no 7z decoder here).
import { ConnectorError, excerpt, parseJson, type HttpAnswer } from '../connector-http';
import { pollUntil } from './poll';
import { authorizedRequest, OAuthTokenSource } from './oauth';
import {
  baseName,
  type EdrCallOptions,
  type EdrConnector,
  type FetchedFile,
  type PollSettings,
  type ProcessEntry,
  type ProcessSnapshot,
} from './types';
import { parsePsOutput } from './ps-output';
import { isSevenZip, unwrapFalconSevenZip } from './seven-zip';
import { trimEndChars } from '../../domain/text-scan';

export interface FalconSettings extends PollSettings {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  maxFileBytes: number;
  fetchImpl?: typeof fetch;
  /** RTR sessions expire after 10 idle minutes; a session is pulsed this long after it was last refreshed (default 5 min). */
  pulseEveryMs?: number;
  /** The clock session ages are measured on (tests share theirs with the local server). */
  now?: () => number;
}

interface FalconEnvelope<T> {
  resources?: T[];
  errors?: { code?: number; message?: string }[] | null;
}
interface CommandStatus {
  complete?: boolean;
  stdout?: string;
  stderr?: string;
  sequence_id?: number;
}

const DEFAULT_PULSE_MS = 5 * 60_000;
/** A command's output is read in sequence_id chunks; this many at most (a long `ps` takes a handful). */
const MAX_CHUNKS = 1_000;
const MAX_OUTPUT_CHARS = 32 * 1024 * 1024;
interface SessionFile {
  cloud_request_id?: string;
  name?: string;
  sha256?: string;
  size?: number;
}

/** Quotes an RTR argument when it has spaces; refuses what RTR cannot quote. */
export function rtrArgument(path: string): string {
  if (!path || /["\r\n\0]/.test(path) || path.length > 1024)
    throw new ConnectorError('rejected', 'path is empty, too long, or has a quote or line break');
  return /\s/.test(path) ? `"${path}"` : path;
}

export class FalconRtrClient implements EdrConnector {
  readonly name = 'falcon' as const;
  private readonly tokens: OAuthTokenSource;
  private readonly base: string;

  private readonly s: Omit<FalconSettings, 'clientSecret'>;
  /** When each open session was last refreshed (opened, a command run, a pulse). */
  private readonly refreshedAt = new Map<string, number>();
  private readonly now: () => number;

  constructor({ clientSecret, ...settings }: FalconSettings) {
    this.s = settings;
    this.now = settings.now ?? Date.now;
    this.base = trimEndChars(settings.baseUrl, '/');
    this.tokens = new OAuthTokenSource(
      { tokenUrl: `${this.base}/oauth2/token`, clientId: settings.clientId, clientSecret, sendGrantType: false },
      { timeoutMs: settings.timeoutMs, fetchImpl: settings.fetchImpl },
    );
  }

  private async call<T>(
    what: string,
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    o: EdrCallOptions,
    body?: unknown,
    maxBytes?: number,
  ): Promise<{ answer: HttpAnswer; resources: T[] }> {
    const answer = await authorizedRequest(this.tokens, {
      url: `${this.base}${path}`,
      method,
      signal: o.signal,
      timeoutMs: this.s.timeoutMs,
      fetchImpl: this.s.fetchImpl,
      maxBytes,
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (answer.status >= 200 && answer.status < 300 && !(answer.headers.get('content-type') ?? '').includes('json'))
      return { answer, resources: [] };
    const envelope = parseJson(answer, `falcon ${what}`) as FalconEnvelope<T> | undefined;
    const errors = (envelope?.errors ?? []).map((e) => `${e.code ?? ''} ${e.message ?? ''}`.trim()).filter(Boolean);
    if (answer.status === 404) throw new ConnectorError('not-found', `falcon ${what}: ${errors.join('; ') || 'not found'}`, 404);
    if (answer.status < 200 || answer.status > 299)
      throw new ConnectorError(
        'rejected',
        `falcon ${what}: HTTP ${answer.status} ${errors.join('; ') || excerpt(answer.body.toString('utf8'))}`,
        answer.status,
      );
    if (errors.length) throw new ConnectorError('rejected', `falcon ${what}: ${errors.join('; ')}`, answer.status);
    return { answer, resources: Array.isArray(envelope?.resources) ? envelope.resources : [] };
  }

  /** POST /real-time-response/entities/sessions/v1 → session_id. */
  async initSession(deviceId: string, o: EdrCallOptions = {}): Promise<string> {
    const { resources } = await this.call<{ session_id?: string }>('init session', 'POST', '/real-time-response/entities/sessions/v1', o, {
      device_id: deviceId,
      origin: 'autosoc',
      queue_offline: false,
    });
    const id = resources[0]?.session_id;
    if (!id) throw new ConnectorError('malformed', 'falcon init session: no session_id in the answer');
    this.refreshedAt.set(id, this.now());
    return id;
  }

  async deleteSession(sessionId: string, o: EdrCallOptions = {}): Promise<void> {
    this.refreshedAt.delete(sessionId);
    await this.call('delete session', 'DELETE', `/real-time-response/entities/sessions/v1?session_id=${encodeURIComponent(sessionId)}`, o);
  }

  /** POST /real-time-response/entities/refresh-session/v1 (falconpy RTR_PulseSession): the session's idle timer starts again. */
  async pulseSession(deviceId: string, sessionId: string, o: EdrCallOptions = {}): Promise<void> {
    await this.call('pulse session', 'POST', '/real-time-response/entities/refresh-session/v1', o, {
      device_id: deviceId,
      origin: 'autosoc',
      queue_offline: false,
    });
    this.refreshedAt.set(sessionId, this.now());
  }

  /** Pulses a session this client opened once it has idled pulseEveryMs, well before its 10 minutes run out. */
  private async keepAlive(deviceId: string, sessionId: string, o: EdrCallOptions): Promise<void> {
    const last = this.refreshedAt.get(sessionId);
    if (last === undefined || this.now() - last < (this.s.pulseEveryMs ?? DEFAULT_PULSE_MS)) return;
    await this.pulseSession(deviceId, sessionId, o);
    o.onProgress?.({ step: 'session pulsed', ref: { sessionId } });
  }

  /** POST /real-time-response/entities/active-responder-command/v1 → cloud_request_id. */
  async runCommand(
    deviceId: string,
    sessionId: string,
    baseCommand: string,
    commandString: string,
    o: EdrCallOptions = {},
  ): Promise<string> {
    const { resources } = await this.call<{ cloud_request_id?: string }>(
      `${baseCommand} command`,
      'POST',
      '/real-time-response/entities/active-responder-command/v1',
      o,
      {
        base_command: baseCommand,
        command_string: commandString,
        session_id: sessionId,
        device_id: deviceId,
        persist: false,
      },
    );
    const id = resources[0]?.cloud_request_id;
    if (!id) throw new ConnectorError('malformed', `falcon ${baseCommand} command: no cloud_request_id in the answer`);
    this.refreshedAt.set(sessionId, this.now());
    return id;
  }

  /**
   * GET .../active-responder-command/v1?cloud_request_id=&sequence_id= (falconpy
   * RTR_CheckActiveResponderCommandStatus): one chunk of the command's answer; complete on the last.
   */
  async commandStatus(cloudRequestId: string, o: EdrCallOptions = {}, sequenceId = 0): Promise<CommandStatus> {
    const q = new URLSearchParams({ cloud_request_id: cloudRequestId, sequence_id: String(sequenceId) });
    const { resources } = await this.call<CommandStatus>(
      'command status',
      'GET',
      `/real-time-response/entities/active-responder-command/v1?${q}`,
      o,
    );
    return resources[0] ?? {};
  }

  /** GET /real-time-response/entities/file/v2?session_id=: files collected in the session. */
  async listFiles(sessionId: string, o: EdrCallOptions = {}): Promise<SessionFile[]> {
    return (
      await this.call<SessionFile>(
        'list files',
        'GET',
        `/real-time-response/entities/file/v2?session_id=${encodeURIComponent(sessionId)}`,
        o,
      )
    ).resources;
  }

  /** GET /real-time-response/entities/extracted-file-contents/v1: the real API answers a 7z (password "infected"). */
  async downloadFile(sessionId: string, sha256: string, filename: string, o: EdrCallOptions = {}): Promise<Buffer> {
    const q = new URLSearchParams({ session_id: sessionId, sha256, filename });
    const answer = await authorizedRequest(this.tokens, {
      url: `${this.base}/real-time-response/entities/extracted-file-contents/v1?${q}`,
      signal: o.signal,
      timeoutMs: this.s.timeoutMs,
      fetchImpl: this.s.fetchImpl,
      maxBytes: this.s.maxFileBytes,
      headers: { accept: 'application/x-7z-compressed, application/octet-stream' },
    });
    if (answer.status === 404) throw new ConnectorError('not-found', `falcon download: ${filename} is not in session`, 404);
    if (answer.status < 200 || answer.status > 299)
      throw new ConnectorError(
        'rejected',
        `falcon download: HTTP ${answer.status} ${excerpt(answer.body.toString('utf8'))}`,
        answer.status,
      );
    return answer.body;
  }

  /**
   * Polls a command until its first chunk is ready (pulsing the session meanwhile), then reads
   * every further sequence_id chunk until the one marked complete; stderr from the host is a
   * 'rejected' (e.g. no such file).
   */
  private async awaitCommand(
    deviceId: string,
    sessionId: string,
    cloudRequestId: string,
    what: string,
    o: EdrCallOptions,
  ): Promise<CommandStatus> {
    const first = await pollUntil(
      this.s,
      o,
      async () => {
        await this.keepAlive(deviceId, sessionId, o);
        const status = await this.commandStatus(cloudRequestId, o);
        const ready = status.complete || !!status.stdout || !!status.stderr;
        o.onProgress?.({
          step: `${what}: ${status.complete ? 'complete' : ready ? 'reading output' : 'running'}`,
          ref: { cloudRequestId },
        });
        return ready ? status : undefined;
      },
      () => new ConnectorError('rejected', `falcon ${what}: not complete within ${this.s.maxWaitMs} ms`),
    );
    let stdout = first.stdout ?? '';
    let stderr = first.stderr ?? '';
    let last = first;
    for (let sequence = 1; !last.complete; sequence++) {
      if (sequence >= MAX_CHUNKS || stdout.length > MAX_OUTPUT_CHARS)
        throw new ConnectorError('too-large', `falcon ${what}: output longer than ${MAX_CHUNKS} chunks or ${MAX_OUTPUT_CHARS} characters`);
      await this.keepAlive(deviceId, sessionId, o);
      last = await this.commandStatus(cloudRequestId, o, sequence);
      stdout += last.stdout ?? '';
      stderr += last.stderr ?? '';
    }
    if (stderr.trim()) throw new ConnectorError('rejected', `falcon ${what}: ${excerpt(stderr)}`);
    return { ...last, stdout, stderr };
  }

  /** The file `get` collected, once the sensor has uploaded it to the session. */
  private awaitSessionFile(
    deviceId: string,
    sessionId: string,
    cloudRequestId: string,
    o: EdrCallOptions,
  ): Promise<SessionFile & { sha256: string; name: string }> {
    return pollUntil(
      this.s,
      o,
      async () => {
        await this.keepAlive(deviceId, sessionId, o);
        const file = (await this.listFiles(sessionId, o)).find((f) => f.cloud_request_id === cloudRequestId);
        if (file?.sha256 && file.name) return file as SessionFile & { sha256: string; name: string };
        o.onProgress?.({ step: 'get: waiting for upload', ref: { sessionId, cloudRequestId } });
        return undefined;
      },
      () => new ConnectorError('rejected', `falcon get: file not uploaded within ${this.s.maxWaitMs} ms`),
    );
  }

  /** `connectors check`: a token from the OAuth2 endpoint, nothing run on any host. */
  async checkAccess(signal?: AbortSignal): Promise<string> {
    await this.tokens.token(signal);
    return 'OAuth2 token issued';
  }

  async fetchFile(hostId: string, path: string, _idempotencyKey: string, o: EdrCallOptions = {}): Promise<FetchedFile> {
    const commandString = `get ${rtrArgument(path)}`;
    const saved = o.checkpoint?.saved;
    let sessionId = typeof saved?.sessionId === 'string' ? saved.sessionId : undefined;
    let cloudRequestId = typeof saved?.cloudRequestId === 'string' ? saved.cloudRequestId : undefined;
    if (sessionId && cloudRequestId) {
      // A retry: the command ran (or is running) in a session that may have expired meanwhile;
      // pulse it first (an expired one answers 404 and we start over).
      this.refreshedAt.set(sessionId, -Infinity);
      try {
        await this.awaitCommand(hostId, sessionId, cloudRequestId, 'get', o);
      } catch (err) {
        if (!(err instanceof ConnectorError && err.kind === 'not-found')) throw err;
        sessionId = cloudRequestId = undefined;
      }
    }
    if (!sessionId || !cloudRequestId) {
      sessionId = await this.initSession(hostId, o);
      o.onProgress?.({ step: 'session open', ref: { sessionId } });
      cloudRequestId = await this.runCommand(hostId, sessionId, 'get', commandString, o);
      await o.checkpoint?.save({ sessionId, cloudRequestId });
      await this.awaitCommand(hostId, sessionId, cloudRequestId, 'get', o);
    }
    const file = await this.awaitSessionFile(hostId, sessionId, cloudRequestId, o);
    const bytes = await this.downloadFile(sessionId, file.sha256, file.name, o);
    await this.deleteSession(sessionId, o).catch(() => undefined); // the file is ours now; a stale session expires anyway
    const name = baseName(path);
    if (isSevenZip(bytes)) return unwrapFalconSevenZip(bytes, name, file.sha256, this.s.maxFileBytes);
    return { bytes, name, mediaType: 'application/octet-stream' };
  }

  /**
   * RTR `ps`: the host's process list (name, pid, start, image path). Its table has no parent
   * ids, so the snapshot is flat: the target process if running, and every process listed.
   */
  async processTree(hostId: string, pid: number, o: EdrCallOptions = {}): Promise<ProcessSnapshot> {
    const sessionId = await this.initSession(hostId, o);
    try {
      const cloudRequestId = await this.runCommand(hostId, sessionId, 'ps', 'ps', o);
      const status = await this.awaitCommand(hostId, sessionId, cloudRequestId, 'ps', o);
      const processes: ProcessEntry[] = parsePsOutput(status.stdout ?? '');
      return { hostId, pid, source: 'rtr ps', target: processes.find((p) => p.pid === pid), children: [], processes, parentsKnown: false };
    } finally {
      await this.deleteSession(sessionId, o).catch(() => undefined);
    }
  }
}
