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
 * Whole-string glob match where `*` stands for any run of characters (case as given) and
 * `anyChar`, when given (e.g. '?'), for any one character.
 * Greedy with one backtrack point: O(text × pattern) at worst, never exponential or
 * dependent on the number of stars the way /^a.*b.*c$/ is.
 */
export function globMatch(pattern: string, text: string, anyChar?: string): boolean {
  let p = 0, t = 0, star = -1, mark = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] !== '*' && (pattern[p] === text[t] || pattern[p] === anyChar)) { p++; t++; }
    else if (p < pattern.length && pattern[p] === '*') { star = p++; mark = t; }
    else if (star >= 0) { p = star + 1; t = ++mark; }
    else return false;
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
      if (domainEnd - letters >= 2 && letters > at + 2 && text[letters - 1] === '.' && (domainEnd === text.length || !WORD.test(text[domainEnd]))) break;
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
