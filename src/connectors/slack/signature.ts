// Slack signs every request it sends an app ("Verifying requests from Slack"): X-Slack-Signature
// is `v0=` + hex HMAC-SHA256, keyed by the app's signing secret, of `v0:<X-Slack-Request-Timestamp>:<raw body>`.
// A timestamp more than five minutes from our clock is refused, so a captured request cannot be replayed later.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SLACK_MAX_SKEW_SECONDS = 5 * 60;

export type SlackSignatureCheck =
  { ok: true } | { ok: false; reason: 'missing_signature' | 'stale_timestamp' | 'bad_signature'; error: string };

export function slackSignature(signingSecret: string, timestamp: string, body: Uint8Array): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(body).digest('hex')}`;
}

export function verifySlackSignature(
  signingSecret: string,
  headers: { timestamp?: string; signature?: string },
  body: Uint8Array,
  nowSeconds: number,
): SlackSignatureCheck {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) {
    return { ok: false, reason: 'missing_signature', error: 'X-Slack-Signature and X-Slack-Request-Timestamp are required' };
  }
  if (Math.abs(nowSeconds - Number(timestamp)) > SLACK_MAX_SKEW_SECONDS) {
    return { ok: false, reason: 'stale_timestamp', error: 'X-Slack-Request-Timestamp is more than 5 minutes from our clock' };
  }
  const expected = Buffer.from(slackSignature(signingSecret, timestamp, body));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad_signature', error: 'X-Slack-Signature does not match' };
  }
  return { ok: true };
}
