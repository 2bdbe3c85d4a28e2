// The page shell every console page shares: security headers' CSP, navigation, the session's
// CSRF token (read by console.js) and sign-out.
import type { ApiPrincipal } from '../store/api-tokens';
import { type Html, html } from './html';

/** No inline script or style anywhere: only our own files run. */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
} as const;

export type Section = 'queue' | 'incidents' | 'tuning' | 'search' | 'alert' | 'sign-in';

const NAV: { section: Section; href: string; label: string }[] = [
  { section: 'queue', href: '/', label: 'Queue' },
  { section: 'incidents', href: '/incidents', label: 'Incidents' },
  { section: 'tuning', href: '/tuning', label: 'Tuning' },
  { section: 'search', href: '/search', label: 'Search' },
];

export interface PageOptions {
  title: string;
  section: Section;
  body: Html;
  /** Absent on the sign-in page. */
  session?: { principal: ApiPrincipal; csrf: string };
}

export function page({ title, section, body, session }: PageOptions): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        ${session ? html`<meta name="csrf-token" content="${session.csrf}" />` : ''}
        <title>${title} · autosoc</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
        <script src="/console/assets/console.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <span class="brand">autosoc</span>
          ${
            session
              ? html`<nav aria-label="Sections">
                    <ul>
                      ${NAV.map((n) => html`<li><a href="${n.href}" ${n.section === section ? html` aria-current="page"` : ''}>${n.label}</a></li>`)}
                    </ul>
                  </nav>
                  <form method="post" action="/sign-out" class="signout">
                    <input type="hidden" name="csrf" value="${session.csrf}" />
                    <span class="who">${session.principal.name} (${session.principal.roles.join(', ')})</span>
                    <button type="submit">Sign out</button>
                  </form>`
              : ''
          }
        </header>
        <main id="main" tabindex="-1">
          <h1>${title}</h1>
          ${body}
        </main>
      </body>
    </html> `.value;
}
