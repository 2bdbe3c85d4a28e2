// The contract every source format implements: recognise its documents and map one of them
// onto the Alert model (src/domain/alert.ts). Mappers are pure: no I/O, no clock except the
// `receivedAt` they are given, so they run the same in the API, the backtest and tests.
import type { AlertInput } from '../../domain/alert';
import { trimEndChars, trimStartChars } from '../../domain/text-scan';

export const ALERT_FORMATS = ['autosoc', 'ecs', 'wazuh', 'ocsf', 'cef', 'eml'] as const;
export type AlertFormat = (typeof ALERT_FORMATS)[number];

/** A blob a mapper wants kept as evidence (the ingest layer stores it and adds the ref). */
export interface PendingEvidence {
  kind: string;
  mediaType: string;
  name?: string;
  content: Uint8Array;
}

export interface Normalized {
  alert: AlertInput;
  evidence: PendingEvidence[];
}

/** Thrown for input that is recognisably this format but cannot become an alert. */
export class NormalizeError extends Error {
  constructor(
    readonly format: AlertFormat,
    message: string,
  ) {
    super(`${format}: ${message}`);
    this.name = 'NormalizeError';
  }
}

export interface MapContext {
  /** When the alert reached us; used only where the source gives no time. */
  receivedAt: string;
}

/** Originals up to this size ride inline in `alert.raw`; larger ones become evidence. */
export const RAW_INLINE_LIMIT = 32 * 1024;

/** The one way mappers keep the original event: inline when small, as evidence when large. */
export function keepOriginal(original: unknown, mediaType = 'application/json'): { raw?: unknown; evidence: PendingEvidence[] } {
  const text = typeof original === 'string' ? original : JSON.stringify(original);
  if (text.length <= RAW_INLINE_LIMIT) return { raw: original, evidence: [] };
  return { evidence: [{ kind: 'raw-event', mediaType, content: new TextEncoder().encode(text) }] };
}

/** Source names must match the Alert schema: lower-case slug of at most 64 characters. */
export function sourceSlug(...parts: (string | undefined)[]): string {
  const dashed = parts
    .filter(Boolean)
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-');
  const slug = trimEndChars(trimStartChars(dashed, '-_.'), '-').slice(0, 64);
  return slug || 'unknown';
}
