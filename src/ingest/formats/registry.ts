// Every supported format, in detection order. JSON formats map one parsed document; text
// formats split a raw body themselves (CEF: a line each; .eml: the whole message).
import { detectAutosoc, mapAutosoc } from './autosoc';
import { looksLikeCef, mapCef, parseCef } from './cef';
import { detectEcs, mapEcs } from './ecs';
import { looksLikeEml, mapEml } from './eml';
import { detectOcsf, mapOcsf } from './ocsf';
import type { AlertFormat, MapContext, Normalized } from './types';
import { detectWazuh, mapWazuh } from './wazuh';

export interface JsonFormat {
  format: AlertFormat;
  detect(doc: unknown): boolean;
  map(doc: unknown, ctx: MapContext): Normalized;
}
export interface TextFormat {
  format: AlertFormat;
  detect(body: Uint8Array): boolean;
  /** How many items split() would return, counted cheaply before any is parsed; may stop once past `max`. */
  count(body: Uint8Array, max?: number): number;
  /** One entry per alert in the body; a failed one carries its error. */
  split(body: Uint8Array, ctx: MapContext): Promise<(Normalized | { error: unknown })[]>;
}

export const JSON_FORMATS: JsonFormat[] = [
  { format: 'autosoc', detect: detectAutosoc, map: mapAutosoc },
  { format: 'ocsf', detect: detectOcsf, map: mapOcsf },
  { format: 'wazuh', detect: detectWazuh, map: mapWazuh },
  { format: 'ecs', detect: detectEcs, map: mapEcs },
];

const lenient = new TextDecoder('utf-8');
const cefLines = (body: Uint8Array) =>
  lenient
    .decode(body)
    .split(/\r?\n|\0/)
    .filter((l) => l.trim());

/** Lines (split at LF or NUL) holding something other than white space: what cefLines keeps. */
function countCefLines(body: Uint8Array, max = Infinity): number {
  let lines = 0;
  let blank = true;
  for (let i = 0; i < body.length; i++) {
    const b = body[i];
    if (b === 0x0a || b === 0x00) {
      if (!blank && ++lines > max) return lines; // enough to refuse the body
      blank = true;
    } else if (blank && b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0b && b !== 0x0c) blank = false;
  }
  return blank ? lines : lines + 1;
}

/** One CEF event per line (syslog-framed or bare); each line succeeds or fails alone. */
export function mapCefLine(line: string, ctx: MapContext): Normalized {
  return mapCef(parseCef(line), line, ctx);
}

export const TEXT_FORMATS: TextFormat[] = [
  {
    format: 'eml',
    detect: looksLikeEml,
    count: () => 1,
    split: async (body, ctx) => [await mapEml(body, ctx).catch((error: unknown) => ({ error }))],
  },
  {
    format: 'cef',
    // Text (not JSON) with a CEF line among its first lines: a feed may open with other syslog.
    detect: (body) => {
      const head = lenient.decode(body.subarray(0, 65_536));
      return !/^\s*[[{]/.test(head) && head.split(/\r?\n/).some(looksLikeCef);
    },
    count: countCefLines,
    split: async (body, ctx) =>
      cefLines(body).map((line) => {
        try {
          return mapCefLine(line, ctx);
        } catch (error) {
          return { error };
        }
      }),
  },
];
