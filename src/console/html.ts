// Safe-by-default HTML: every value interpolated into an html`` template is escaped
// (reports/escape.ts) unless it is itself an Html fragment built the same way. Untrusted text
// therefore cannot become markup without someone writing `trusted(...)` next to it.
import { escapeHtml } from '../reports/escape';

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = Html | string | number | boolean | null | undefined | readonly Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(String(part), 20_000);
}

export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0];
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1];
  });
  return new Html(out);
}

/** Markup we wrote ourselves (never caller text): the one way around escaping. */
export const trusted = (markup: string) => new Html(markup);

/** A link to a console path: each segment URL-encoded, then escaped as an attribute. */
export const pathTo = (...segments: string[]) => `/${segments.map(encodeURIComponent).join('/')}`;
