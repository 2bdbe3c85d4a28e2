// autosoc's own alert shape (src/domain/alert.ts), for tools that already speak it.
import type { AlertInput } from '../../domain/alert';
import type { Normalized } from './types';

export function detectAutosoc(doc: unknown): boolean {
  const d = doc as Record<string, unknown> | null;
  return !!d && typeof d === 'object' && typeof d.source === 'string' && typeof d.sourceId === 'string' && typeof d.severity === 'string';
}

/** Validation happens after mapping (parseAlert), like every other format. */
export function mapAutosoc(doc: unknown): Normalized {
  return { alert: doc as AlertInput, evidence: [] };
}
