// Search by observable: every alert holding a host, user, IP, domain, URL, hash or address.
import { type Html, html } from '../html';
import type { AlertListItem } from '../../store/console-queries';
import { alertTable } from './parts';

export function searchPage(observable: string | undefined, alerts: AlertListItem[]): Html {
  return html`<form method="get" action="/search" role="search">
      <label for="observable">Observable</label>
      <input
        id="observable"
        name="observable"
        type="search"
        value="${observable ?? ''}"
        maxlength="2048"
        placeholder="host, user, IP, domain, hash…"
        required
      />
      <button type="submit">Search</button>
    </form>
    ${
      observable === undefined
        ? ''
        : html`<h2>Alerts with ${observable}</h2>
            ${alertTable(alerts, 'No alert holds it.')}`
    }`;
}
