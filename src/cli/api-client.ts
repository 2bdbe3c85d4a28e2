// The CLI's one way to the HTTP API: bearer token, JSON in and out, and the API's own
// `{ error }` message when a call fails.
import { CliError, type CliIo, type GlobalOptions } from './io';
import { trimEndChars } from '../domain/text-scan';

export const DEFAULT_API_URL = 'http://127.0.0.1:8080';
/** Decisions wait for the workflow to record them; give that time. */
const REQUEST_TIMEOUT_MS = 120_000;

export class ApiError extends CliError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(`${message} (HTTP ${status})`);
    this.name = 'ApiError';
  }
}

export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** From --api-url/--token, else AUTOSOC_API_URL/AUTOSOC_API_TOKEN. */
  static from(opts: GlobalOptions, io: CliIo): ApiClient {
    const env = io.env ?? process.env;
    const token = opts.token ?? env.AUTOSOC_API_TOKEN;
    if (!token) throw new CliError('no API token: set AUTOSOC_API_TOKEN or pass --token (create one with `autosoc token create`)');
    const baseUrl = trimEndChars(opts.apiUrl ?? env.AUTOSOC_API_URL ?? DEFAULT_API_URL, '/');
    if (!/^https?:\/\/[^\s/]+/.test(baseUrl)) throw new CliError(`the API URL must be http(s)://host[:port], not "${baseUrl}"`);
    return new ApiClient(baseUrl, token);
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  /** A GET whose answer is text (a report), returned as sent; errors as for JSON calls. */
  async getText(path: string): Promise<string> {
    const { res, text } = await this.send('GET', path);
    if (!res.ok) throw this.failure(res, text, 'GET', path);
    return text;
  }

  /** A GET whose answer is binary (a PDF report). */
  async getBytes(path: string): Promise<Buffer> {
    const res = await this.call('GET', path);
    if (!res.ok) throw this.failure(res, await res.text(), 'GET', path);
    return Buffer.from(await res.arrayBuffer());
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const { res, text } = await this.send(method, path, body);
    if (!res.ok) throw this.failure(res, text, method, path);
    const json = parseOrUndefined(text);
    if (json === undefined) throw new CliError(`the API answered ${method} ${path} with a body that is not JSON`);
    return json as T;
  }

  private async send(method: string, path: string, body?: unknown): Promise<{ res: Response; text: string }> {
    const res = await this.call(method, path, body);
    return { res, text: await res.text() };
  }

  private async call(method: string, path: string, body?: unknown): Promise<Response> {
    try {
      return await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(`cannot reach the autosoc API at ${this.baseUrl}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
    }
  }

  /** The API's `{ error }` message when it sent one. */
  private failure(res: Response, text: string, method: string, path: string): ApiError {
    const message = (parseOrUndefined(text) as { error?: unknown } | undefined)?.error;
    return new ApiError(res.status, typeof message === 'string' ? message : `${method} ${path} failed`);
  }
}

function parseOrUndefined(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

export const alertPath = (workflowId: string, rest = '') => `/v1/alerts/${encodeURIComponent(workflowId)}${rest}`;
