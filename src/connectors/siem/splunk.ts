// Splunk Enterprise Security write-back: POST /services/notable_update (Notable Event API
// reference, ES 7.x: form fields ruleUIDs (the notable's event_id), status (ES status ids:
// 1 New, 2 In Progress, 5 Closed by default), comment; output_mode=json answers
// {success, message, failure_count}); token authentication (`Authorization: Bearer`).
import { ConnectorError, request } from '../connector-http';
import { trimEndChars } from '../../domain/text-scan';
import { expectSuccess } from '../response/vendor';
import type { SiemStatus, SiemWriteback, WriteBack } from './writeback';

export interface SplunkWritebackSettings {
  url: string;
  token: string;
  timeoutMs: number;
  fetchImpl?: typeof fetch;
}

/** ES's default status ids: acknowledged is In Progress. */
const STATUS_ID: Record<SiemStatus, string> = { closed: '5', acknowledged: '2' };

export class SplunkWriteback implements SiemWriteback {
  readonly name = 'splunk';
  readonly #token: string;
  private readonly base: string;

  constructor(private readonly s: SplunkWritebackSettings) {
    this.#token = s.token;
    this.base = trimEndChars(s.url, '/');
  }

  async write({ sourceId, status, note, signal }: WriteBack): Promise<string> {
    const form = new URLSearchParams({ ruleUIDs: sourceId, status: STATUS_ID[status], comment: note.slice(0, 4000), output_mode: 'json' });
    const answer = await request({
      url: `${this.base}/services/notable_update`,
      method: 'POST',
      signal,
      timeoutMs: this.s.timeoutMs,
      fetchImpl: this.s.fetchImpl,
      vendor: 'splunk',
      headers: { accept: 'application/json', authorization: `Bearer ${this.#token}` },
      body: form,
    });
    const result = expectSuccess('splunk', 'notable_update', answer) as { success?: boolean; message?: string; failure_count?: number };
    if (!result?.success || (result.failure_count ?? 0) > 0)
      throw new ConnectorError('rejected', `splunk notable_update: ${result?.message ?? 'no success flag'}`);
    return `splunk: notable ${sourceId} ${status} (${result.message ?? ''})`;
  }
}
