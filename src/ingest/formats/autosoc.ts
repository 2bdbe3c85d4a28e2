// autosoc's own alert shape (src/domain/alert.ts), for tools that already speak it.
import type { AlertInput } from '../../domain/alert';
import { keepOriginal, type Normalized } from './types';
import { isObject } from './fields';

/** autosoc's shape is recognised by its key fields, whatever their values (validation names bad ones). */
export function detectAutosoc(doc: unknown): boolean {
  return isObject(doc) && 'source' in doc && 'sourceId' in doc;
}

/** How deep an inline original may nest; deeper ones travel as evidence, not in history. */
const MAX_RAW_DEPTH = 32;

function depthExceeds(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (d > limit) return true;
    if (v && typeof v === 'object') for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return false;
}

/** Validation happens after mapping (parseAlert), like every other format. */
export function mapAutosoc(doc: unknown): Normalized {
  if (!isObject(doc)) return { alert: doc as AlertInput, evidence: [] }; // validation names it
  const { raw, ...rest } = doc as AlertInput & { raw?: unknown };
  if (raw === undefined) return { alert: rest as AlertInput, evidence: [] };
  // A large or deeply nested original is kept as evidence; the alert carries its reference.
  const kept = depthExceeds(raw, MAX_RAW_DEPTH)
    ? { evidence: [{ kind: 'raw-event', mediaType: 'application/json', content: new TextEncoder().encode(JSON.stringify(raw)) }] }
    : keepOriginal(raw);
  return { alert: { ...rest, ...(kept.raw !== undefined ? { raw: kept.raw } : {}) } as AlertInput, evidence: kept.evidence };
}
