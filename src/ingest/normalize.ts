// Turns a request body into alerts: detects the format (an explicit one overrides), splits
// batches (JSON array, NDJSON, one CEF line per line), maps each document onto the Alert
// model and validates it. Each item succeeds or fails on its own; nothing here does I/O.
import { AlertValidationError, parseAlert, type Alert } from '../domain/alert';
import { type AlertFormat, type MapContext, type Normalized, NormalizeError, type PendingEvidence } from './formats/types';
import { JSON_FORMATS, TEXT_FORMATS } from './formats/registry';

export type NormalizedItem =
  | { index: number; ok: true; format: AlertFormat; alert: Alert; evidence: PendingEvidence[] }
  | { index: number; ok: false; format?: AlertFormat; error: string };

export class BodyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BodyError';
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function validated(index: number, format: AlertFormat, n: Normalized): NormalizedItem {
  try {
    return { index, ok: true, format, alert: parseAlert(n.alert), evidence: n.evidence };
  } catch (err) {
    const msg = err instanceof AlertValidationError ? err.message : `mapping produced an invalid alert: ${(err as Error).message}`;
    return { index, ok: false, format, error: msg };
  }
}

function failure(index: number, err: unknown, format?: AlertFormat): NormalizedItem {
  if (err instanceof NormalizeError || err instanceof AlertValidationError) return { index, ok: false, format, error: err.message };
  return { index, ok: false, format, error: `${format ?? 'input'}: ${(err as Error).message}` };
}

function mapJsonDocument(index: number, doc: unknown, ctx: MapContext, format?: AlertFormat): Promise<NormalizedItem> | NormalizedItem {
  const mapper = format ? JSON_FORMATS.find((f) => f.format === format) : JSON_FORMATS.find((f) => f.detect(doc));
  if (!mapper) {
    return { index, ok: false, error: `unrecognised document: not an autosoc alert, ECS, Wazuh or OCSF finding${format ? '' : ' (name the format in the URL to force one)'}` };
  }
  try {
    return validated(index, mapper.format, mapper.map(doc, ctx));
  } catch (err) {
    return failure(index, err, mapper.format);
  }
}

function parseJsonBody(text: string): unknown[] {
  const trimmed = text.trim();
  if (!trimmed) throw new BodyError('empty body');
  try {
    const doc = JSON.parse(trimmed);
    return Array.isArray(doc) ? doc : [doc];
  } catch (whole) {
    const lines = trimmed.split(/\r?\n/).filter((l) => l.trim());
    if (lines.length < 2) throw new BodyError(`body is not valid JSON: ${(whole as Error).message}`);
    // NDJSON: one document per line; a bad line fails alone.
    return lines.map((line, i) => {
      try {
        return JSON.parse(line);
      } catch (err) {
        return new BodyError(`line ${i + 1} is not valid JSON: ${(err as Error).message}`);
      }
    });
  }
}

/** Splits and maps a body. Throws BodyError only when nothing in it can be read at all. */
export async function normalizeBody(body: Uint8Array, opts: { format?: AlertFormat; receivedAt: string }): Promise<NormalizedItem[]> {
  const ctx: MapContext = { receivedAt: opts.receivedAt };
  if (body.byteLength === 0) throw new BodyError('empty body');

  const text = TEXT_FORMATS.find((f) => (opts.format ? f.format === opts.format : f.detect(body)));
  if (text) {
    const items = await text.split(body, ctx);
    return items.map((item, index) => ('error' in item ? failure(index, item.error, text.format) : validated(index, text.format, item)));
  }
  if (opts.format && !JSON_FORMATS.some((f) => f.format === opts.format)) throw new BodyError(`unknown format ${opts.format}`);

  let decoded: string;
  try {
    decoded = utf8.decode(body);
  } catch {
    throw new BodyError('body is not valid UTF-8');
  }
  const docs = parseJsonBody(decoded);
  return Promise.all(docs.map((doc, index) => (doc instanceof BodyError
    ? { index, ok: false as const, error: doc.message }
    : mapJsonDocument(index, doc, ctx, opts.format))));
}
