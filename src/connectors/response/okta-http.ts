// Okta's calls: the API token in `Authorization: SSWS …` (never in a message), JSON answers
// through the shared client, the vendor's error quoted.
import { request } from '../connector-http';
import { trimEndChars } from '../../domain/text-scan';
import { expectSuccess } from './vendor';
import type { OktaSettings } from './okta';

export function oktaCaller({ orgUrl, apiToken, timeoutMs, fetchImpl }: OktaSettings) {
  const base = trimEndChars(orgUrl, '/');
  return async (what: string, method: 'GET' | 'POST' | 'DELETE', path: string, signal?: AbortSignal): Promise<unknown> => {
    const answer = await request({
      url: `${base}${path}`,
      method,
      signal,
      timeoutMs,
      fetchImpl,
      headers: { accept: 'application/json', 'content-type': 'application/json', authorization: `SSWS ${apiToken}` },
    });
    return expectSuccess('okta', what, answer);
  };
}
