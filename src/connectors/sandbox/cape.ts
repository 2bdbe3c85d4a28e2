// Client of the CAPEv2 REST API v2 (https://capev2.readthedocs.io/en/latest/usage/api.html,
// endpoints in web/apiv2/urls.py): submit a file, read a task's status, fetch its JSON
// report. CAPE answers most errors with HTTP 200 and {"error": true, "error_value": ...};
// token auth is `Authorization: Token <key>` (Django REST framework).
import { ConnectorError, excerpt, parseJsonOrErrorPage, request, type HttpAnswer } from '../connector-http';
import { trimEndChars } from '../../domain/text-scan';

export interface CapeSettings {
  /** CAPE's web root, e.g. http://cape.internal:8000 (the client adds /apiv2/...). */
  baseUrl: string;
  token?: string;
  /** Status and small requests. */
  timeoutMs: number;
  /** The upload and the report download. */
  transferTimeoutMs: number;
  maxReportBytes: number;
  fetchImpl?: typeof fetch;
}

/** Form fields of tasks/create/file that autosoc sets (all optional in CAPE). */
export interface CapeSubmitOptions {
  /** Analysis time in the VM, seconds. */
  timeout?: number;
  package?: string;
  options?: string;
  priority?: number;
  machine?: string;
  platform?: string;
  tags?: string;
}

/** Task states after which the status never changes to "reported". */
export const CAPE_FAILED_STATES = new Set(['failed_analysis', 'failed_processing', 'failed_reporting', 'banned']);
export const CAPE_DONE_STATE = 'reported';

interface CapeEnvelope {
  error?: boolean;
  error_value?: unknown;
  data?: unknown;
  detail?: unknown;
}

export class CapeClient {
  private readonly base: string;
  // #private: invisible to util.inspect and JSON.stringify, so logging the client shows no token.
  readonly #token?: string;

  private readonly s: Omit<CapeSettings, 'token'>;

  constructor({ token, ...settings }: CapeSettings) {
    this.s = settings;
    this.base = `${trimEndChars(settings.baseUrl, '/')}/apiv2`;
    this.#token = token;
  }

  private headers(): Record<string, string> {
    return { accept: 'application/json', ...(this.#token ? { authorization: `Token ${this.#token}` } : {}) };
  }

  /** Status errors shared by every call; returns the parsed envelope of a 2xx answer. */
  private envelope(answer: HttpAnswer, what: string): CapeEnvelope {
    const body = parseJsonOrErrorPage(answer, `cape ${what}`) as CapeEnvelope | undefined;
    const detail =
      typeof body?.detail === 'string'
        ? body.detail
        : typeof body?.error_value === 'string'
          ? body.error_value
          : excerpt(answer.body.toString('utf8'));
    if (answer.status === 401 || answer.status === 403)
      throw new ConnectorError('auth', `cape ${what}: HTTP ${answer.status} ${detail}`, answer.status);
    if (answer.status === 404) throw new ConnectorError('not-found', `cape ${what}: HTTP 404 ${detail}`, 404);
    if (answer.status < 200 || answer.status > 299)
      throw new ConnectorError('rejected', `cape ${what}: HTTP ${answer.status} ${detail}`, answer.status);
    if (!body || typeof body !== 'object') throw new ConnectorError('malformed', `cape ${what}: answer is not a JSON object`);
    if (body.error === true) {
      const message = typeof body.error_value === 'string' ? body.error_value : JSON.stringify(body.error_value ?? null).slice(0, 200);
      throw new ConnectorError(/does not exist/i.test(message) ? 'not-found' : 'rejected', `cape ${what}: ${message}`);
    }
    return body;
  }

  /** POST /apiv2/tasks/create/file/ (multipart `file`) → the new task's id. */
  async submitFile(content: Uint8Array, name: string, opts: CapeSubmitOptions = {}, signal?: AbortSignal): Promise<number> {
    const form = new FormData();
    form.set('file', new Blob([content]), name.replace(/[\\/\0\r\n"]/g, '_').slice(0, 255) || 'sample');
    for (const [k, v] of Object.entries(opts)) if (v !== undefined && v !== '') form.set(k, String(v));
    const answer = await request({
      vendor: 'cape',
      url: `${this.base}/tasks/create/file/`,
      method: 'POST',
      body: form,
      headers: this.headers(),
      signal,
      timeoutMs: this.s.transferTimeoutMs,
      fetchImpl: this.s.fetchImpl,
      maxBytes: 256 * 1024,
    });
    const data = this.envelope(answer, 'submit').data as { task_ids?: unknown } | undefined;
    const id = Array.isArray(data?.task_ids) ? data.task_ids[0] : undefined;
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0)
      throw new ConnectorError('malformed', 'cape submit: no task id in data.task_ids');
    return id;
  }

  /** GET /apiv2/tasks/status/<id>/ → "pending", "running", "completed", "reported", "failed_analysis"... */
  async taskStatus(taskId: number, signal?: AbortSignal): Promise<string> {
    const answer = await request({
      vendor: 'cape',
      url: `${this.base}/tasks/status/${taskId}/`,
      headers: this.headers(),
      signal,
      timeoutMs: this.s.timeoutMs,
      fetchImpl: this.s.fetchImpl,
    });
    const data = this.envelope(answer, `status of task ${taskId}`).data;
    if (typeof data !== 'string' || !data)
      throw new ConnectorError('malformed', `cape status of task ${taskId}: data is not a status string`);
    return data;
  }

  /** GET /apiv2/tasks/get/report/<id>/ → report.json as CAPE wrote it (up to maxReportBytes). */
  async report(taskId: number, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const answer = await request({
      vendor: 'cape',
      url: `${this.base}/tasks/get/report/${taskId}/`,
      headers: this.headers(),
      signal,
      timeoutMs: this.s.transferTimeoutMs,
      fetchImpl: this.s.fetchImpl,
      maxBytes: this.s.maxReportBytes,
    });
    return this.envelope(answer, `report of task ${taskId}`) as Record<string, unknown>;
  }
}
