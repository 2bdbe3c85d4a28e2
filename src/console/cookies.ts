// The console's two cookies, read and written by hand: both hold opaque base64url values
// we made, so parsing is a split, and writing is one fixed set of attributes.

/** The value of one cookie in a Cookie header (the first of that name), if present. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * A Set-Cookie value: HttpOnly (no script reads it), SameSite=Strict (no other site's page
 * sends it), Secure when the console is served over TLS. maxAgeSeconds 0 deletes it.
 */
export function cookieHeader(name: string, value: string, opts: { secure: boolean; maxAgeSeconds?: number }): string {
  const parts = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict'];
  if (opts.maxAgeSeconds !== undefined) parts.push(`Max-Age=${opts.maxAgeSeconds}`);
  if (opts.secure) parts.push('Secure');
  return parts.join('; ');
}
