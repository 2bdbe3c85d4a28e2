// Normalizing and recognizing one indicator value, shared by every feed parser: what the
// local IOC store can match is exact text, so every value is cleaned the same way here.
import { isIP } from 'node:net';
import type { IocType } from './ioc';

export type Normalized = { ok: true; value: string } | { ok: false; reason: string };

const HEX = /^[0-9a-f]+$/;
const HASH_LENGTHS = new Set([32, 40, 64, 128]); // MD5, SHA-1, SHA-256, SHA-512
// Labels of letters, digits, hyphens (and underscores, seen in real malware domains); the
// top-level label is letters only (or punycode) so "1.2.3.4" or "report.pdf1" never pass.
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
const EMAIL = /^[a-z0-9._%+'-]{1,64}@(.+)$/;
const URL_RE = /^[a-z][a-z0-9+.-]{1,15}:\/\/[^\s/?#]+[^\s]*$/i;
export const MAX_URL_LENGTH = 2048;

/** Undo common defanging: hxxp://, [.], (.), {.}, [dot], [:], [at], [@]. */
export function refang(raw: string): string {
  return raw
    .trim()
    .replace(/^hxxp(s?):\/\//i, 'http$1://')
    .replace(/^fxp:\/\//i, 'ftp://')
    .replace(/\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)/gi, '.')
    .replace(/\[:\]/g, ':')
    .replace(/\[(?:at|@)\]|\(at\)/gi, '@');
}

function normalizeIp(raw: string): Normalized {
  let v = raw.trim();
  const cidr = /^(.*)\/(\d{1,3})$/.exec(v);
  if (cidr) {
    const host = isIP(cidr[1]) === 4 ? 32 : 128;
    if (Number(cidr[2]) !== host) return { ok: false, reason: 'CIDR range (only single addresses can be matched)' };
    v = cidr[1];
  }
  const family = isIP(v);
  if (family === 0) return { ok: false, reason: 'not an IP address' };
  return { ok: true, value: family === 6 ? v.toLowerCase() : v };
}

function normalizeDomain(raw: string): Normalized {
  const v = raw.trim().toLowerCase().replace(/\.$/, '');
  if (v.startsWith('*.')) return { ok: false, reason: 'wildcard domain' };
  if (!DOMAIN.test(v)) return { ok: false, reason: 'not a domain name' };
  return { ok: true, value: v };
}

export function normalizeIndicator(type: IocType, raw: string): Normalized {
  if (typeof raw !== 'string' || raw.trim() === '') return { ok: false, reason: 'empty value' };
  const v = raw.trim();
  switch (type) {
    case 'ip':
      return normalizeIp(v);
    case 'domain':
      return normalizeDomain(v);
    case 'hash': {
      const h = v.toLowerCase();
      return HEX.test(h) && HASH_LENGTHS.has(h.length)
        ? { ok: true, value: h }
        : { ok: false, reason: 'not an MD5/SHA-1/SHA-256/SHA-512 hash' };
    }
    case 'url':
      if (v.length > MAX_URL_LENGTH) return { ok: false, reason: 'URL too long' };
      return URL_RE.test(v) ? { ok: true, value: v } : { ok: false, reason: 'not a URL' };
    case 'email': {
      const m = EMAIL.exec(v.toLowerCase());
      return m && normalizeDomain(m[1]).ok ? { ok: true, value: v.toLowerCase() } : { ok: false, reason: 'not an email address' };
    }
  }
}

/** The type of a bare value from a plain list, or undefined when it is none of them. */
export function detectIndicatorType(raw: string): IocType | undefined {
  const v = raw.trim();
  if (/^[a-z][a-z0-9+.-]{1,15}:\/\//i.test(v)) return 'url';
  if (normalizeIp(v).ok || /^[0-9a-f:.]+\/\d{1,3}$/i.test(v)) return 'ip';
  if (HEX.test(v.toLowerCase()) && HASH_LENGTHS.has(v.length)) return 'hash';
  if (v.includes('@')) return 'email';
  if (normalizeDomain(v).ok) return 'domain';
  return undefined;
}
