// A fetch that trusts one extra CA (a PEM file's certificates), for servers with their own
// self-signed CA such as the Wazuh indexer's demo and generated certificates, instead of
// turning verification off for the whole process (NODE_TLS_REJECT_UNAUTHORIZED=0). Node 20's
// built-in fetch takes no CA option without undici's Agent, so this speaks node:https.
import { Agent, request } from 'node:https';
import { rootCertificates } from 'node:tls';
import { Readable } from 'node:stream';

const NULL_BODY = new Set([101, 204, 205, 304]);

export function fetchTrustingCa(caPem: string | Buffer): typeof fetch {
  // Node's default CAs stay trusted too: `ca` would replace them, so add them back.
  const agent = new Agent({ ca: [...rootCertificates, caPem.toString()], keepAlive: false });
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const req = new Request(input, init);
    const url = new URL(req.url);
    if (url.protocol !== 'https:') return fetch(req);
    const body = req.body ? Buffer.from(await req.arrayBuffer()) : undefined;
    return new Promise<Response>((resolve, reject) => {
      const r = request(
        url,
        { method: req.method, headers: Object.fromEntries(req.headers), agent, signal: init?.signal ?? undefined },
        (res) => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) headers.append(k, one);
          }
          const status = res.statusCode ?? 502;
          const stream = NULL_BODY.has(status) ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
          if (!stream) res.resume();
          resolve(new Response(stream, { status, statusText: res.statusMessage, headers }));
        },
      );
      r.on('error', reject);
      r.end(body);
    });
  }) as typeof fetch;
}
