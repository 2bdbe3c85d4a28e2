// Linear-time text helpers for untrusted input: what a regex like /[.,;]+$/ or a glob turned
// into /^a.*b.*c$/ does, without backtracking (those regexes are quadratic on long runs of the
// class followed by another character). Pure: runs in workflows, activities and the API.

/** `s` without any of `chars` at its end ("x..." → "x"). */
export function trimEndChars(s: string, chars: string): string {
  let end = s.length;
  while (end > 0 && chars.includes(s[end - 1])) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** `s` without any of `chars` at its start. */
export function trimStartChars(s: string, chars: string): string {
  let start = 0;
  while (start < s.length && chars.includes(s[start])) start++;
  return start === 0 ? s : s.slice(start);
}

/** `s` without any of `chars` at either end. */
export const trimChars = (s: string, chars: string): string => trimStartChars(trimEndChars(s, chars), chars);

/**
 * Whole-string glob match where `*` stands for any run of characters (case as given).
 * Greedy with one backtrack point: O(text × pattern) at worst, never exponential or
 * dependent on the number of stars the way /^a.*b.*c$/ is.
 */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0,
    t = 0,
    star = -1,
    mark = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === text[t]) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++mark;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

const EMAIL_LOCAL = /[A-Za-z0-9._%+-]/;
const EMAIL_DOMAIN = /[A-Za-z0-9.-]/;
const ALPHA = /[A-Za-z]/;
const WORD = /\w/;

/**
 * E-mail addresses in free text, found from each "@" outwards (local part at most 64
 * characters, domain at most 253, RFC 5321 limits), so the work is linear in the text. Same
 * shape as /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g, which is quadratic.
 */
export function findEmails(text: string): string[] {
  const out: string[] = [];
  let at = text.indexOf('@');
  let floor = 0; // never reuse characters of the previous match
  while (at >= 0) {
    let start = at;
    while (start > floor && at - start < 64 && EMAIL_LOCAL.test(text[start - 1])) start--;
    // \b before the local part: a word character must start it unless preceded by a non-word one.
    while (start < at && !WORD.test(text[start]) && start > 0 && !WORD.test(text[start - 1])) start++;
    while (start < at && !WORD.test(text[start])) start++;
    let end = at + 1;
    while (end < text.length && end - at <= 253 && EMAIL_DOMAIN.test(text[end])) end++;
    // The domain must end in "." + two or more letters: cut back to the last such ending.
    let domainEnd = end;
    while (domainEnd > at + 1) {
      let letters = domainEnd;
      while (letters > at + 1 && ALPHA.test(text[letters - 1])) letters--;
      if (
        domainEnd - letters >= 2 &&
        letters > at + 2 &&
        text[letters - 1] === '.' &&
        (domainEnd === text.length || !WORD.test(text[domainEnd]))
      )
        break;
      domainEnd = text.lastIndexOf('.', domainEnd - 1) > at ? text.lastIndexOf('.', domainEnd - 1) : at + 1;
    }
    if (start < at && domainEnd > at + 1) {
      out.push(text.slice(start, domainEnd));
      floor = domainEnd;
    }
    at = text.indexOf('@', Math.max(at + 1, floor));
  }
  return out;
}

/** Where `.` stops: the ECMAScript line terminators. */
const isLineBreak = (c: string) => c === '\n' || c === '\r' || c === '\u2028' || c === '\u2029';

/** A step of {@link matchesInOrder}: one regex, or several that must all match after the previous step. */
export type OrderedPart = RegExp | readonly RegExp[];

/**
 * Whether `parts` match one after another, each starting at or after the end of the previous
 * one: what /A.*B.*C/ asks (gap 'line': the text between two parts has no line break, as `.`
 * cannot cross one), or /A[\s\S]*B/ (gap 'any'). An array part is a conjunction of lookaheads,
 * /A(?=.*X)(?=.*Y)/: each of X and Y after A. Linear in the text, where the regex backtracks
 * quadratically on many A's without a B.
 *
 * Exact because the earliest match of each part is the best one for every later part, which
 * holds when each part's leftmost match is also its earliest-ending one: write an optional
 * suffix that the following gap would absorb anyway out of the part (`certutil\b`, not
 * `certutil(?:\.exe)?\b`). Every part needs the g flag (it is searched from lastIndex).
 */
export function matchesInOrder(text: string, parts: readonly OrderedPart[], gap: 'line' | 'any' = 'line'): boolean {
  let from = 0;
  restart: for (;;) {
    let p = from;
    for (let i = 0; i < parts.length; i++) {
      let end = p;
      let restartAt = -1;
      for (const re of Array.isArray(parts[i]) ? (parts[i] as readonly RegExp[]) : [parts[i] as RegExp]) {
        re.lastIndex = p;
        const m = re.exec(text);
        if (!m) return false; // no later start of the first part can find one either
        end = Math.max(end, m.index + m[0].length);
        if (i === 0 || gap === 'any') continue;
        // A line break between the previous part and this one: every earlier start fails too,
        // since this part's earliest match after them is past the same break. Go on from the
        // line where this part matched.
        let k = m.index;
        while (k > p && !isLineBreak(text[k - 1])) k--;
        if (k > p) restartAt = Math.max(restartAt, k);
      }
      if (restartAt >= 0) {
        from = restartAt;
        continue restart;
      }
      p = end;
    }
    return true;
  }
}

/**
 * Whole-string path glob match: `*` is any run within one segment (no "/"), `**` any run
 * (not across a line break, as the /.*\/ it replaces), `?` one character other than "/".
 * Simulates all pattern positions at once: O(text × pattern), where the equivalent regex
 * /^a[^/]*b.*c$/ is polynomial of the degree of its number of stars.
 */
export function pathGlobMatch(pattern: string, text: string): boolean {
  type Token = { kind: 'char'; c: string } | { kind: 'one' } | { kind: 'star' } | { kind: 'globstar' };
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '*' && pattern[i + 1] === '*') {
      tokens.push({ kind: 'globstar' });
      i++;
    } else if (pattern[i] === '*') tokens.push({ kind: 'star' });
    else if (pattern[i] === '?') tokens.push({ kind: 'one' });
    else tokens.push({ kind: 'char', c: pattern[i] });
  }
  const m = tokens.length;
  // active[i]: the first i tokens can match the text read so far; stars may match nothing.
  const close = (active: boolean[]) => {
    for (let i = 0; i < m; i++) if (active[i] && (tokens[i].kind === 'star' || tokens[i].kind === 'globstar')) active[i + 1] = true;
    return active;
  };
  let active = close(Array.from({ length: m + 1 }, (_, i) => i === 0));
  for (let t = 0; t < text.length; t++) {
    const c = text[t];
    const next = new Array<boolean>(m + 1).fill(false);
    let any = false;
    for (let i = 0; i < m; i++) {
      if (!active[i]) continue;
      const tok = tokens[i];
      if (tok.kind === 'char' ? tok.c === c : tok.kind === 'one' ? c !== '/' : false) {
        next[i + 1] = true;
        any = true;
      }
      if ((tok.kind === 'star' && c !== '/') || (tok.kind === 'globstar' && !isLineBreak(c))) {
        next[i] = true;
        any = true;
      }
    }
    if (!any) return false;
    active = close(next);
  }
  return active[m];
}
