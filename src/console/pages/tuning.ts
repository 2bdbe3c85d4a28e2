// Tuning suggestions: candidate suppressions from alerts closed as false positives, which an
// engineer accepts with an expiry (console.js posts to the API's accept route).
import type { SuppressionRow } from '../../store/suppressions';
import { type Html, html, pathTo } from '../html';

export function tuningPage(suggestions: SuppressionRow[], defaultTtlDays: number): Html {
  if (suggestions.length === 0) return html`<p class="empty">No suggestions.</p>`;
  return html`<p id="tuning-result" role="status" aria-live="polite"></p>
    <ul class="suggestions">
      ${suggestions.map(
        (s) =>
          html`<li>
            <p><strong>#${s.id}</strong> · ${s.hits} hit(s) · suggested by ${s.created_by}</p>
            <p>
              Match:
              ${Object.entries(s.match)
                .filter(([, v]) => v)
                .map(([k, v]) => html`<code>${k}=${String(v)}</code> `)}
            </p>
            <p>${s.reason}</p>
            <form class="accept" data-accept-url="${pathTo('v1', 'tuning', 'suggestions', s.id, 'accept')}">
              <label for="ttl-${s.id}">Expires after (days)</label>
              <input id="ttl-${s.id}" name="ttlDays" type="number" min="1" max="365" value="${defaultTtlDays}" required />
              <button type="submit">Accept</button>
            </form>
          </li>`,
      )}
    </ul>`;
}
