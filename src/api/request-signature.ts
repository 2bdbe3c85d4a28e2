// Signed requests (X-Autosoc-Signature v1): an HMAC-SHA256, under the token's secret, of the
// method, the path and query exactly as sent, a timestamp and a nonce, and the body's sha256.
// A signature therefore cannot be replayed on another route, with another query, after the
// replay window, or twice within it (the nonce is remembered: store/request-nonces.ts).
//
//   string to sign = "v1\n" + METHOD + "\n" + path + "\n" + query + "\n"
//                    + timestamp + "\n" + nonce + "\n" + hex(sha256(body))
//   X-Autosoc-Signature: v1=<hex HMAC-SHA256(secret, string to sign)>
//   X-Autosoc-Timestamp: <unix seconds>     X-Autosoc-Nonce: <16-128 of [A-Za-z0-9_-]>
//
// `query` is the part after "?" as sent (empty when none). README "Send an alert" has an
// openssl example.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-autosoc-signature';
export const TIMESTAMP_HEADER = 'x-autosoc-timestamp';
export const NONCE_HEADER = 'x-autosoc-nonce';

/** How far a request's timestamp may be from the server's clock, either way. */
export const REPLAY_WINDOW_SECONDS = 300;

const NONCE = /^[A-Za-z0-9_-]{16,128}$/;
const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = /^v1=([0-9a-f]{64})$/;

export interface SignedParts {
  method: string;
  url: string;
  timestamp: string;
  nonce: string;
  body: Uint8Array;
}

export function stringToSign(p: SignedParts): string {
  const q = p.url.indexOf('?');
  const path = q < 0 ? p.url : p.url.slice(0, q);
  const query = q < 0 ? '' : p.url.slice(q + 1);
  const bodySha = createHash('sha256').update(p.body).digest('hex');
  return ['v1', p.method.toUpperCase(), path, query, p.timestamp, p.nonce, bodySha].join('\n');
}

/** The X-Autosoc-Signature value for a request (what a sender computes). */
export function signRequest(secret: string, p: SignedParts): string {
  return `v1=${createHmac('sha256', secret).update(stringToSign(p)).digest('hex')}`;
}

export type SignatureCheck =
  | { ok: true; nonce: string }
  | { ok: false; reason: 'missing_signature' | 'bad_timestamp' | 'stale_timestamp' | 'bad_nonce' | 'bad_signature'; error: string };

type Headers = Record<string, string | string[] | undefined>;
const header = (h: Headers, name: string) => (typeof h[name] === 'string' ? (h[name] as string).trim() : undefined);

/** Checks everything but the nonce's freshness (that needs the database). Constant-time compare. */
export function checkSignature(
  secret: string,
  req: { method: string; url: string; headers: Headers; body: Uint8Array; nowSeconds: number },
): SignatureCheck {
  const signature = header(req.headers, SIGNATURE_HEADER);
  const timestamp = header(req.headers, TIMESTAMP_HEADER);
  const nonce = header(req.headers, NONCE_HEADER);
  if (!signature) {
    return {
      ok: false,
      reason: 'missing_signature',
      error:
        'this token requires signed requests: send X-Autosoc-Signature, X-Autosoc-Timestamp and X-Autosoc-Nonce (README: Send an alert)',
    };
  }
  if (!timestamp || !TIMESTAMP.test(timestamp))
    return { ok: false, reason: 'bad_timestamp', error: 'X-Autosoc-Timestamp must be the signing time in unix seconds' };
  if (Math.abs(req.nowSeconds - Number(timestamp)) > REPLAY_WINDOW_SECONDS) {
    return {
      ok: false,
      reason: 'stale_timestamp',
      error: `X-Autosoc-Timestamp is more than ${REPLAY_WINDOW_SECONDS} s from the server's clock: sign each request when sending it`,
    };
  }
  if (!nonce || !NONCE.test(nonce))
    return {
      ok: false,
      reason: 'bad_nonce',
      error: 'X-Autosoc-Nonce must be 16-128 characters of A-Z a-z 0-9 _ - (e.g. openssl rand -hex 16)',
    };
  const m = SIGNATURE.exec(signature);
  const expected = createHmac('sha256', secret)
    .update(stringToSign({ method: req.method, url: req.url, timestamp, nonce, body: req.body }))
    .digest();
  if (!m || !timingSafeEqual(expected, Buffer.from(m[1], 'hex'))) {
    return {
      ok: false,
      reason: 'bad_signature',
      error: 'X-Autosoc-Signature does not match this request (method, path, query, timestamp, nonce and body are signed)',
    };
  }
  return { ok: true, nonce };
}
