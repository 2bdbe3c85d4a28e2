// Pushing an event to a MISP instance through its REST API (MISP OpenAPI,
// https://www.misp-project.org/openapi/): search by the event's uuid first (Events >
// restSearchEvents), then add it (Events > addEvent) or edit the stored one (Events >
// editEvent), so a re-push never duplicates. The API key goes as the bare Authorization header.
// Failures are ConnectorErrors: 'unavailable' (network, timeout, 429, 5xx) is worth a retry;
// 'auth' (403 on authentication), 'rejected' and 'malformed' are not.
import type { MispEvent } from '../content/misp-export';
import { ConnectorError, excerpt, parseJsonOrErrorPage, request, type HttpAnswer } from './connector-http';
import { trimEndChars } from '../domain/text-scan';

export interface MispSettings {
  url: string;
  apiKey: string;
  timeoutMs?: number;
}
export interface MispPushResult {
  action: 'added' | 'updated';
  id: string;
  uuid: string;
  attributes: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export class MispClient {
  constructor(private readonly settings: MispSettings) {}

  private async post(path: string, body: unknown, signal?: AbortSignal): Promise<HttpAnswer> {
    return request({
      url: `${trimEndChars(this.settings.url, '/')}${path}`,
      method: 'POST',
      vendor: 'misp',
      signal,
      timeoutMs: this.settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      headers: { authorization: this.settings.apiKey, accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  /** MISP's error envelope {name, message, url} as one line; never the request (it holds the key). */
  private failure(what: string, answer: HttpAnswer): ConnectorError {
    const parsed = parseJsonOrErrorPage(answer, what) as { name?: string; message?: string } | undefined;
    const said = excerpt(parsed?.message ?? parsed?.name ?? answer.body.toString('utf8'));
    const message = `MISP ${what}: HTTP ${answer.status}: ${said}`;
    if (answer.status === 403 && /authentication failed|authorization/i.test(said))
      return new ConnectorError('auth', message, answer.status);
    if (answer.status === 404) return new ConnectorError('not-found', message, answer.status);
    return new ConnectorError('rejected', message, answer.status);
  }

  private stored(what: string, answer: HttpAnswer): { id: string; uuid: string; attributes: number } {
    if (answer.status !== 200) throw this.failure(what, answer);
    const event = (parseJsonOrErrorPage(answer, what) as { Event?: { id?: unknown; uuid?: unknown; Attribute?: unknown[] } } | undefined)
      ?.Event;
    if (!event || typeof event.uuid !== 'string')
      throw new ConnectorError('malformed', `MISP ${what}: the answer holds no Event`, answer.status);
    return { id: String(event.id), uuid: event.uuid, attributes: event.Attribute?.length ?? 0 };
  }

  /** The stored event with this uuid, if the key's organisation can see it. */
  async findEvent(uuid: string, signal?: AbortSignal): Promise<{ id: string; uuid: string } | undefined> {
    const answer = await this.post('/events/restSearch', { returnFormat: 'json', uuid, metadata: true }, signal);
    if (answer.status !== 200) throw this.failure('events/restSearch', answer);
    const found = (
      parseJsonOrErrorPage(answer, 'events/restSearch') as { response?: { Event?: { id?: unknown; uuid?: unknown } }[] } | undefined
    )?.response;
    if (!Array.isArray(found))
      throw new ConnectorError('malformed', 'MISP events/restSearch: the answer holds no response list', answer.status);
    const hit = found.map((r) => r.Event).find((e) => e?.uuid === uuid);
    return hit ? { id: String(hit.id), uuid } : undefined;
  }

  async addEvent(event: MispEvent, signal?: AbortSignal) {
    return this.stored('events/add', await this.post('/events/add', event, signal));
  }

  async editEvent(uuid: string, event: MispEvent, signal?: AbortSignal) {
    return this.stored(`events/edit/${uuid}`, await this.post(`/events/edit/${encodeURIComponent(uuid)}`, event, signal));
  }

  /**
   * Adds the event, or edits it when MISP already holds its uuid. An add refused because the
   * event exists (it was hidden from the search) becomes an edit; an edit of an event deleted
   * since the search becomes an add.
   */
  async push(event: MispEvent, signal?: AbortSignal): Promise<MispPushResult> {
    const uuid = event.Event.uuid;
    const existing = await this.findEvent(uuid, signal);
    if (existing) {
      try {
        return { action: 'updated', ...(await this.editEvent(uuid, event, signal)) };
      } catch (err) {
        if (!(err instanceof ConnectorError && err.kind === 'not-found')) throw err;
      }
      return { action: 'added', ...(await this.addEvent(event, signal)) };
    }
    try {
      return { action: 'added', ...(await this.addEvent(event, signal)) };
    } catch (err) {
      if (!(err instanceof ConnectorError && err.kind === 'rejected' && /already exists/i.test(err.message))) throw err;
    }
    return { action: 'updated', ...(await this.editEvent(uuid, event, signal)) };
  }
}

/** AUTOSOC_MISP_URL and AUTOSOC_MISP_KEY (both, or MISP is not configured). */
export function mispFromEnv(env: Record<string, string | undefined>): MispClient | undefined {
  const url = env.AUTOSOC_MISP_URL?.trim();
  const apiKey = env.AUTOSOC_MISP_KEY?.trim();
  if (!url && !apiKey) return undefined;
  if (!url || !apiKey) throw new Error('MISP needs both AUTOSOC_MISP_URL and AUTOSOC_MISP_KEY');
  if (!/^https?:\/\//.test(url)) throw new Error('AUTOSOC_MISP_URL must be an http(s) URL');
  return new MispClient({ url, apiKey });
}
