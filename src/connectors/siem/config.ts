// Which SIEMs the worker writes back to, from its environment: Elastic Security with
// ELASTIC_KIBANA_URL + ELASTIC_API_KEY, Splunk ES with SPLUNK_URL (the management port,
// https://…:8089) + SPLUNK_TOKEN. Errors name variables, never their values.
import { ElasticWriteback } from './elastic';
import { SplunkWriteback } from './splunk';
import type { SiemWriteback } from './writeback';

export function siemWritebacksFromEnv(env: Record<string, string | undefined>, fetchImpl?: typeof fetch): SiemWriteback[] {
  const siems: SiemWriteback[] = [];
  const pair = (url: string, secret: string) => {
    if (!!env[url] !== !!env[secret]) throw new Error(`${url} and ${secret} must be set together`);
    return env[url] && env[secret] ? { url: env[url], secret: env[secret] } : undefined;
  };
  const elastic = pair('ELASTIC_KIBANA_URL', 'ELASTIC_API_KEY');
  if (elastic) siems.push(new ElasticWriteback({ kibanaUrl: elastic.url, apiKey: elastic.secret, timeoutMs: 30_000, fetchImpl }));
  const splunk = pair('SPLUNK_URL', 'SPLUNK_TOKEN');
  if (splunk) siems.push(new SplunkWriteback({ url: splunk.url, token: splunk.secret, timeoutMs: 30_000, fetchImpl }));
  return siems;
}
