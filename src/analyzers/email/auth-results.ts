// Authentication-Results header parser (RFC 8601): the receiving server's verdicts on
// SPF, DKIM, DMARC, ARC and friends. Written to the RFC grammar
//   authserv-id [version] ( ";" "none" / 1*( ";" method[/version]=result
//   [reason=value] *(ptype.property=value) ) )
// with comments in parentheses (nested, backslash escapes) and quoted strings, and lenient
// where real servers are not: Microsoft omits the authserv-id ("spf=pass … ;dmarc=…") and
// adds non-RFC properties ("action=none"), which are kept as extras rather than rejected.

export interface AuthResult {
  method: string;
  methodVersion?: string;
  result: string;
  reason?: string;
  /** Properties by "ptype.property", e.g. "smtp.mailfrom", "header.d", "header.from". */
  props: Record<string, string>;
  /** key=value pairs outside the RFC grammar (e.g. Microsoft's action=none). */
  extras: Record<string, string>;
  comments: string[];
}

export interface AuthResultsHeader {
  authservId?: string;
  version?: string;
  /** The header said "none": no method was evaluated. */
  none: boolean;
  results: AuthResult[];
}

type Token = { t: 'word' | 'quoted'; v: string } | { t: ';' | '=' } | { t: 'comment'; v: string };

const MAX_CHARS = 16 * 1024;
const MAX_RESULTS = 64;

function tokenize(input: string): Token[] {
  const s = input.slice(0, MAX_CHARS);
  const tokens: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === ';') {
      tokens.push({ t: c });
      i++;
      continue;
    }
    if (c === '=') {
      tokens.push({ t: c });
      // A value runs to the next space, ";" or comment: DKIM's header.b is base64 with "/", "+" and "=".
      for (i++; i < s.length && /[ \t\r\n]/.test(s[i]);) i++;
      if (i < s.length && !/[;("]/.test(s[i])) {
        let value = '';
        while (i < s.length && !/[\s;(]/.test(s[i])) value += s[i++];
        tokens.push({ t: 'word', v: value });
      }
      continue;
    }
    if (c === '(') {
      let depth = 0;
      let text = '';
      for (; i < s.length; i++) {
        const d = s[i];
        if (d === '\\' && i + 1 < s.length) {
          text += s[++i];
          continue;
        }
        if (d === '(') {
          if (depth++ > 0) text += d;
          continue;
        }
        if (d === ')') {
          if (--depth === 0) {
            i++;
            break;
          }
          text += d;
          continue;
        }
        text += d;
      }
      tokens.push({ t: 'comment', v: text.replace(/\s+/g, ' ').trim() });
      continue;
    }
    if (c === '"') {
      let text = '';
      for (i++; i < s.length && s[i] !== '"'; i++) text += s[i] === '\\' && i + 1 < s.length ? s[++i] : s[i];
      i++;
      tokens.push({ t: 'quoted', v: text });
      continue;
    }
    let word = '';
    while (i < s.length && !/[\s;=()"]/.test(s[i])) word += s[i++];
    if (!word) {
      i++;
      continue;
    } // a stray ")" is no token; skipping it guarantees progress
    tokens.push({ t: 'word', v: word });
  }
  return tokens;
}

const valueOf = (tok: Token | undefined): string | undefined => (tok && (tok.t === 'word' || tok.t === 'quoted') ? tok.v : undefined);

/** One resinfo: method[/version]=result followed by reason, properties and extras. */
function parseResinfo(tokens: Token[]): AuthResult | undefined {
  const words = tokens.filter((t) => t.t !== 'comment');
  const comments = tokens.flatMap((t) => (t.t === 'comment' && t.v ? [t.v] : []));
  let k = 0;
  const methodSpec = valueOf(words[k++]);
  if (!methodSpec) return undefined;
  const [method, methodVersion] = methodSpec.split('/').map((x) => x.trim());
  if (!method || words[k]?.t !== '=') return undefined;
  const result = valueOf(words[k + 1]);
  if (result === undefined) return undefined;
  k += 2;
  const out: AuthResult = {
    method: method.toLowerCase(),
    ...(methodVersion ? { methodVersion } : {}),
    result: result.toLowerCase(),
    props: {},
    extras: {},
    comments,
  };
  while (k < words.length) {
    const key = valueOf(words[k]);
    if (key === undefined || words[k + 1]?.t !== '=') {
      k++;
      continue;
    }
    const value = words[k + 2] && words[k + 2].t !== '=' ? (valueOf(words[k + 2]) ?? '') : '';
    k += value === '' && valueOf(words[k + 2]) === undefined ? 2 : 3;
    const lower = key.toLowerCase();
    if (lower === 'reason') out.reason = value;
    else if (/^[a-z0-9-]+\.[a-z0-9._-]+$/i.test(key)) out.props[lower] ??= value;
    else out.extras[lower] ??= value;
  }
  return out;
}

/** Parse one Authentication-Results header value (without the field name). */
export function parseAuthenticationResults(value: string): AuthResultsHeader {
  const tokens = tokenize(value);
  const segments: Token[][] = [[]];
  for (const tok of tokens) {
    if (tok.t === ';') segments.push([]);
    else segments[segments.length - 1].push(tok);
  }
  const header: AuthResultsHeader = { none: false, results: [] };
  let first = segments[0];
  // The authserv-id segment has no "=" (outside comments); Microsoft's headers start with a result instead.
  if (!first.some((t) => t.t === '=')) {
    const words = first.filter((t) => t.t === 'word' || t.t === 'quoted');
    header.authservId = valueOf(words[0]);
    if (words[1] && /^\d+$/.test(valueOf(words[1]) ?? '')) header.version = valueOf(words[1]);
    first = [];
  }
  for (const seg of [first, ...segments.slice(1)]) {
    const words = seg.filter((t) => t.t !== 'comment');
    if (words.length === 0) continue;
    if (words.length === 1 && valueOf(words[0])?.toLowerCase() === 'none') {
      header.none = true;
      continue;
    }
    const r = parseResinfo(seg);
    if (r && header.results.length < MAX_RESULTS) header.results.push(r);
  }
  return header;
}

export interface AuthSummary {
  /** The authserv-id whose verdicts are used (the top-most header's). */
  authservId?: string;
  spf?: AuthResult;
  dkim: AuthResult[];
  dmarc?: AuthResult;
  arc?: AuthResult;
  /** Microsoft's composite authentication verdict. */
  compauth?: AuthResult;
  /** Headers from other authserv-ids (further down the path, or forged by the sender): not trusted. */
  ignored: number;
}

/**
 * Results to believe: those of the top-most header's authserv-id (added by the receiving
 * boundary; anything lower may have been written by the sender), or of the ids the
 * deployment names as its own.
 */
export function summarizeAuth(headerValues: string[], trustedAuthservIds?: string[]): AuthSummary {
  const parsed = headerValues.slice(0, 50).map(parseAuthenticationResults);
  const trusted = trustedAuthservIds?.map((s) => s.toLowerCase()) ?? [parsed[0]?.authservId?.toLowerCase()];
  const mine = parsed.filter((h) => trusted.includes(h.authservId?.toLowerCase()));
  const results = mine.flatMap((h) => h.results);
  const firstOf = (m: string) => results.find((r) => r.method === m);
  const dkim = results.filter((r) => r.method === 'dkim');
  return {
    authservId: mine[0]?.authservId,
    spf: firstOf('spf'),
    dkim,
    dmarc: firstOf('dmarc'),
    arc: firstOf('arc'),
    compauth: firstOf('compauth'),
    ignored: parsed.length - mine.length,
  };
}
