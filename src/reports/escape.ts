// Untrusted text (titles, command lines, email subjects) must not become markup in a report,
// nor terminal control sequences when a report is printed (`autosoc report`).

/** C0 and C1 control characters other than tab, newline and carriage return: an ESC could drive the reader's terminal. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** Escapes text for inline Markdown: no links, emphasis, HTML or line breaks survive. */
export function escapeMarkdown(text: string, max = 2000): string {
  const clipped = text.length > max ? `${text.slice(0, max)}…` : text;
  return clipped
    .replace(/[\r\n\t]+/g, ' ')
    .replace(CONTROL, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]()#+\-.!|~]/g, (c) => `\\${c}`);
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string, max = 4000): string {
  const clipped = text.length > max ? `${text.slice(0, max)}…` : text;
  return clipped
    .replace(CONTROL, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
