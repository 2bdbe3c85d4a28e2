// Elastic Security (Kibana) write-back: POST /api/detection_engine/signals/status
// {signal_ids:[id], status} ("Set the status of one or more detection alerts", Kibana API
// operation setAlertsStatus; 401 {statusCode,error,message}), then the note on the alert's
// event: PATCH /api/note {note:{eventId, note, timelineId:''}} (Timeline API, "Add a note to
// an existing Timeline event"). Kibana wants `kbn-xsrf` on writes and `Authorization: ApiKey`.
import { request } from '../connector-http';
import { trimEndChars } from '../../domain/text-scan';
import { expectSuccess } from '../response/vendor';
import type { SiemWriteback, WriteBack } from './writeback';

export interface ElasticWritebackSettings {
  kibanaUrl: string;
  apiKey: string;
  timeoutMs: number;
  fetchImpl?: typeof fetch;
}

export class ElasticWriteback implements SiemWriteback {
  readonly name = 'elastic';
  readonly #apiKey: string;
  private readonly base: string;

  constructor(private readonly s: ElasticWritebackSettings) {
    this.#apiKey = s.apiKey;
    this.base = trimEndChars(s.kibanaUrl, '/');
  }

  private async call(what: string, method: 'POST' | 'PATCH', path: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
    const answer = await request({
      url: `${this.base}${path}`,
      method,
      signal,
      timeoutMs: this.s.timeoutMs,
      fetchImpl: this.s.fetchImpl,
      vendor: 'elastic',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'kbn-xsrf': 'autosoc',
        authorization: `ApiKey ${this.#apiKey}`,
      },
      body: JSON.stringify(body),
    });
    return expectSuccess('elastic', what, answer);
  }

  async write({ sourceId, status, note, signal }: WriteBack): Promise<string> {
    const updated = (await this.call(
      'alert status',
      'POST',
      '/api/detection_engine/signals/status',
      { signal_ids: [sourceId], status },
      signal,
    )) as { updated?: number };
    await this.call('note', 'PATCH', '/api/note', { note: { eventId: sourceId, note: note.slice(0, 4000), timelineId: '' } }, signal);
    return `elastic: alert ${sourceId} ${status} (${updated?.updated ?? '?'} updated), note added`;
  }
}
