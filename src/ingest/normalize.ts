// Turns a request body into alerts: detects the format (an explicit one overrides), splits
// batches (JSON array, NDJSON, one CEF line per line), maps each document onto the Alert
// model and validates it. Each item succeeds or fails on its own; nothing here does I/O.
import { AlertValidationError, parseAlert, type Alert } from '../domain/alert';
import { type AlertFormat, type MapContext, type Normalized, NormalizeError, type PendingEvidence } from './formats/types';
import { JSON_FORMATS, TEXT_FORMATS } from './formats/registry';
import { AnomalyLog, jsonTooDeep, MAX_JSON_DEPTH, sanitizeValue } from './sanitize';

/** One item's anomalies found before mapping (in the parsed document or the body's bytes). */
type Found = AnomalyLog | undefined;

export type NormalizedItem =
  | { index: number; ok: true; format: AlertFormat; alert: Alert; evidence: PendingEvidence[] }
  | { index: number; ok: false; format?: AlertFormat; error: string };

export class BodyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BodyError';
  }
}

/** More items in one body than the caller allows (HTTP 413, naming the limit). */
export class ItemLimitError extends BodyError {
  constructor(
    readonly items: number,
    readonly limit: number,
  ) {
    super(`the body holds more than ${limit} items (${items} counted); at most ${limit} are accepted per request: split it`);
    this.name = 'ItemLimitError';
  }
}

export interface NormalizeOptions {
  format?: AlertFormat;
  receivedAt: string;
  /** Refuse bodies with more items than this (ItemLimitError), before any is mapped. */
  maxItems?: number;
  /** Called with the item count before mapping; throws to refuse the body (rate limits). */
  admit?: (items: number) => void;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const REPLACEMENT_UTF8 = Buffer.from('\uFFFD', 'utf8');

/**
 * The one place every mapped alert passes: NUL bytes, lone surrogates and over-long strings
 * are repaired (PostgreSQL would refuse the first two after the caller was told "accepted"),
 * and every repair, here or earlier, is listed in `inputAnomalies`.
 */
function sanitizedAlert(n: Normalized, found: Found, bodyHadReplacementChar: boolean): unknown {
  const log = found ?? new AnomalyLog();
  const alert = sanitizeValue(n.alert, log) as Record<string, unknown>;
  // A text format decoded invalid UTF-8 to U+FFFD: the sender's bytes were not all read.
  if (!bodyHadReplacementChar && JSON.stringify(alert).includes('\uFFFD')) log.add('invalid-utf8');
  const given = Array.isArray(alert.inputAnomalies) ? alert.inputAnomalies : [];
  const codes = [...new Set([...given, ...log.codes])];
  return codes.length ? { ...alert, inputAnomalies: codes } : alert;
}

function validated(index: number, format: AlertFormat, n: Normalized, found?: Found, bodyHadReplacementChar = true): NormalizedItem {
  try {
    // The format goes last so a sender's own ingestFormat field never stands.
    const alert = parseAlert({ ...(sanitizedAlert(n, found, bodyHadReplacementChar) as Record<string, unknown>), ingestFormat: format });
    return { index, ok: true, format, alert, evidence: n.evidence };
  } catch (err) {
    const msg = err instanceof AlertValidationError ? err.message : `mapping produced an invalid alert: ${(err as Error).message}`;
    return { index, ok: false, format, error: msg };
  }
}

function failure(index: number, err: unknown, format?: AlertFormat): NormalizedItem {
  if (err instanceof NormalizeError || err instanceof AlertValidationError) return { index, ok: false, format, error: err.message };
  return { index, ok: false, format, error: `${format ?? 'input'}: ${(err as Error).message}` };
}

function mapJsonDocument(index: number, parsed: unknown, ctx: MapContext, format?: AlertFormat): NormalizedItem {
  const found = new AnomalyLog();
  const doc = sanitizeValue(parsed, found);
  const mapper = format ? JSON_FORMATS.find((f) => f.format === format) : JSON_FORMATS.find((f) => f.detect(doc));
  if (!mapper) {
    return {
      index,
      ok: false,
      error: `unrecognised document: not an autosoc alert, ECS, Wazuh or OCSF finding${format ? '' : ' (name the format in the URL to force one)'}`,
    };
  }
  try {
    return validated(index, mapper.format, mapper.map(doc, ctx), found);
  } catch (err) {
    return failure(index, err, mapper.format);
  }
}

const tooDeepMessage = (where: string, at: { offset: number }) =>
  `${where} nests arrays/objects deeper than ${MAX_JSON_DEPTH} levels (at character ${at.offset})`;

/** Parses one JSON document after checking its nesting on the text (parsers and mappers recurse). */
function parseBounded(text: string, where: string): unknown {
  const deep = jsonTooDeep(text);
  if (deep) throw new BodyError(tooDeepMessage(where, deep));
  return JSON.parse(text);
}

function parseJsonBody(text: string): unknown[] {
  const trimmed = text.trim();
  if (!trimmed) throw new BodyError('empty body');
  const deep = jsonTooDeep(trimmed);
  try {
    if (deep) throw new BodyError(tooDeepMessage('the body', deep));
    const doc = JSON.parse(trimmed);
    return Array.isArray(doc) ? doc : [doc];
  } catch (whole) {
    const lines = trimmed.split('\n').filter((l) => l.trim());
    if (lines.length < 2) throw whole instanceof BodyError ? whole : new BodyError(`body is not valid JSON: ${(whole as Error).message}`);
    // NDJSON: one document per line; a bad line fails alone.
    return lines.map((line, i) => {
      try {
        return parseBounded(line, `line ${i + 1}`);
      } catch (err) {
        return err instanceof BodyError ? err : new BodyError(`line ${i + 1} is not valid JSON: ${(err as Error).message}`);
      }
    });
  }
}

/** Splits and maps a body. Throws BodyError only when nothing in it can be read at all. */
export async function normalizeBody(body: Uint8Array, opts: NormalizeOptions): Promise<NormalizedItem[]> {
  const ctx: MapContext = { receivedAt: opts.receivedAt };
  if (body.byteLength === 0) throw new BodyError('empty body');
  const admit = (items: number) => {
    if (opts.maxItems !== undefined && items > opts.maxItems) throw new ItemLimitError(items, opts.maxItems);
    opts.admit?.(items);
  };

  const text = TEXT_FORMATS.find((f) => (opts.format ? f.format === opts.format : f.detect(body)));
  if (text) {
    admit(text.count(body, opts.maxItems));
    const hadReplacementChar = Buffer.from(body.buffer, body.byteOffset, body.byteLength).includes(REPLACEMENT_UTF8);
    const items = await text.split(body, ctx);
    return items.map((item, index) =>
      'error' in item ? failure(index, item.error, text.format) : validated(index, text.format, item, undefined, hadReplacementChar),
    );
  }
  if (opts.format && !JSON_FORMATS.some((f) => f.format === opts.format)) throw new BodyError(`unknown format ${opts.format}`);

  let decoded: string;
  try {
    decoded = utf8.decode(body);
  } catch {
    throw new BodyError('body is not valid UTF-8');
  }
  const docs = parseJsonBody(decoded);
  admit(docs.length);
  return docs.map((doc, index) =>
    doc instanceof BodyError ? { index, ok: false as const, error: doc.message } : mapJsonDocument(index, doc, ctx, opts.format),
  );
}
