// HTML checks for mail bodies and HTML attachments: links whose visible text names another
// site than the one they open, HTML smuggling (a payload assembled in the browser from
// script data and handed to the user as a download), credential forms and auto-redirects.
import { brandOwning, registrableDomain, type Signal } from '../url';

/** Bodies and attachments are scanned up to this many characters (keeps every regex bounded). */
export const HTML_SCAN_CHARS = 2 * 1024 * 1024;
const MAX_ANCHORS = 2000;

export interface Anchor {
  href: string;
  text: string;
}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|amp|quot|apos|lt|gt|nbsp);/gi, (all, e: string) => {
    const lower = e.toLowerCase();
    if (lower[0] !== '#') return ({ amp: '&', quot: '"', apos: "'", lt: '<', gt: '>', nbsp: ' ' } as Record<string, string>)[lower] ?? all;
    const code = lower[1] === 'x' ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
  });
}

/** Anchors with an href and their visible text (tags stripped, entities decoded, whitespace collapsed). */
export function extractAnchors(html: string): Anchor[] {
  const out: Anchor[] = [];
  const text = html.slice(0, HTML_SCAN_CHARS);
  // Tags are matched one at a time ([^<>] stops at the next bracket), so the scan stays
  // linear however hostile the markup; an anchor's text runs to its closing tag.
  let open: { href: string; end: number } | undefined;
  for (const m of text.matchAll(/<(\/?)a\b([^<>]{0,4000})>/gi)) {
    if (out.length >= MAX_ANCHORS) break;
    if (m[1]) {
      if (open) out.push({ href: open.href, text: visible(text.slice(open.end, Math.min(m.index, open.end + 4000))) });
      open = undefined;
      continue;
    }
    const href = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i.exec(m[2]);
    open = href ? { href: decodeEntities(href[1] ?? href[2] ?? href[3] ?? '').replace(/\s+/g, ''), end: m.index + m[0].length } : undefined;
  }
  return out;
}

const visible = (fragment: string) =>
  decodeEntities(fragment.replace(/<[^<>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();

const URLISH_TEXT = /^(?:https?:\/\/)?((?:[a-z0-9\u00a1-\uffff-]{1,63}\.)+[a-z\u00a1-\uffff]{2,63})(?::\d{1,5})?(?:[/?#]\S*)?$/i;

function hostOf(href: string): string | undefined {
  try {
    const u = new URL(href);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.hostname.replace(/^\[|\]$/g, '') : undefined;
  } catch {
    return undefined;
  }
}

/** Anchors whose visible text is a URL or domain of another registrable domain than the href's. */
export function linkMismatchSignals(anchors: Anchor[]): Signal[] {
  const out: Signal[] = [];
  const seen = new Set<string>();
  for (const a of anchors) {
    const shown = URLISH_TEXT.exec(a.text)?.[1]?.toLowerCase();
    const target = hostOf(a.href);
    if (!shown || !target) continue;
    const shownReg = registrableDomain(shown);
    const targetReg = registrableDomain(target) ?? target;
    if (!shownReg || shownReg === targetReg || seen.has(`${shownReg}>${targetReg}`)) continue;
    seen.add(`${shownReg}>${targetReg}`);
    const brand = brandOwning(shownReg);
    // Newsletters route links through a click tracker that carries the real target in its query.
    const tracked = a.href.toLowerCase().includes(shownReg) || safeDecode(a.href).toLowerCase().includes(shownReg);
    if (brand && brandOwning(targetReg) !== brand) {
      out.push({
        id: 'link-text-brand-mismatch',
        score: tracked ? 30 : 60,
        what: `link shows ${brand.name}'s ${shown} but opens ${target}${tracked ? ' (through a redirect)' : ''}`,
        attack: ['T1566.002', 'T1656'],
      });
    } else {
      // Opaque click trackers do the same to ordinary newsletters: weak on its own.
      out.push({
        id: 'link-text-mismatch',
        score: tracked ? 5 : 25,
        what: `link shows ${shown} but opens ${target}${tracked ? ' (click-tracking redirect)' : ''}`,
        attack: ['T1566.002'],
      });
    }
  }
  return out.sort((a, b) => b.score - a.score).slice(0, 10);
}

/**
 * HTML smuggling and phishing-page shapes in an HTML document. `attached` marks an HTML
 * attachment (legitimate senders rarely attach web pages, so any script there counts more).
 */
export function htmlDocumentSignals(html: string, name: string, attached: boolean): Signal[] {
  const text = html.slice(0, HTML_SCAN_CHARS);
  const out: Signal[] = [];
  const has = (re: RegExp) => re.test(text);
  const blob = has(/\bnew\s+Blob\s*\(/);
  const save = has(/\bmsSaveOrOpenBlob\b|\bmsSaveBlob\b|\bURL\s*\.\s*createObjectURL\s*\(/);
  const download = has(/\.download\s*=|\bdownload\s*=\s*["']?[^\s"'>]{0,200}\.|\bsetAttribute\s*\(\s*["']download["']/i);
  const decode = has(/\batob\s*\(|\bUint8Array\b|\bcharCodeAt\s*\(|\bfromCharCode\b/);
  // A page that writes itself out of an encoded blob hides its markup from filters.
  const encodedBulk = (t: string) =>
    longestBase64Run(t) >= 500 || (t.match(/%[0-9a-f]{2}/gi)?.length ?? 0) >= 300 || (t.match(/\\x[0-9a-f]{2}/gi)?.length ?? 0) >= 300;
  const bigData = longestBase64Run(text) >= 2000 || (text.match(/\\x[0-9a-f]{2}/gi)?.length ?? 0) >= 500;
  const tags = (name: string) => Array.from(text.matchAll(new RegExp(`<${name}\\b[^<>]{0,4000}>`, 'gi')), (m) => m[0]);
  const dataDownload = tags('a').some((t) => /\bdownload\b/i.test(t) && /\bhref\s*=\s*["']?data:/i.test(t));
  if ((blob && save && (decode || bigData)) || (download && (blob || save) && bigData) || dataDownload) {
    out.push({
      id: 'html-smuggling',
      score: 85,
      what: `${name}: HTML smuggling — script builds a file from embedded data${save ? ' and saves it (Blob/msSaveOrOpenBlob/createObjectURL)' : ''}${download ? ' as a download' : ''}`,
      attack: ['T1027.006', 'T1566.001'],
    });
  } else if (
    has(/\b(?:document\.write|eval|Function)\s*\(/) &&
    (decode || has(/\b(?:unescape|decodeURIComponent)\s*\(/)) &&
    encodedBulk(text)
  ) {
    out.push({
      id: 'html-obfuscated-script',
      score: 60,
      what: `${name}: script decodes and writes out a large encoded blob (obfuscated page)`,
      attack: ['T1027', 'T1566.001'],
    });
  }
  if (tags('input').some((t) => /\btype\s*=\s*["']?password/i.test(t))) {
    out.push({
      id: 'html-password-form',
      score: attached ? 65 : 45,
      what: `${name}: asks for a password in a form${attached ? ' inside an attached web page' : ''}`,
      attack: ['T1566.001', 'T1056.003'],
    });
  }
  const autoClick = tags('body').some((t) => /\bonload\s*=\s*(?:"[^"]{0,500}\.click\s*\(|'[^']{0,500}\.click\s*\()/i.test(t));
  const refresh = tags('meta').some((t) => /http-equiv\s*=\s*["']?refresh/i.test(t) && /\burl\s*=/i.test(t));
  if (autoClick || refresh || has(/\b(?:window|document|top)\.location(?:\.href)?\s*=\s*["'`]https?:/i)) {
    out.push({
      id: 'html-auto-redirect',
      score: attached ? 45 : 15,
      what: `${name}: page sends the reader to another site on open`,
      attack: ['T1566.001'],
    });
  }
  if (attached && out.length === 0 && has(/<script\b/i)) {
    out.push({ id: 'html-attachment-script', score: 35, what: `${name}: attached web page runs script`, attack: ['T1566.001'] });
  }
  return out;
}

/** Length of the longest run of base64 characters, counted in one pass. */
function longestBase64Run(text: string): number {
  let best = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const b64 = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47;
    run = b64 ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
