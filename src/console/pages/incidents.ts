// Incidents (correlated alerts), newest activity first, and one incident's alerts.
import { type Html, html, pathTo } from '../html';
import type { AlertListItem, IncidentItem } from '../../store/console-queries';
import { alertLink, alertTable } from './parts';

export function incidentsPage(items: IncidentItem[]): Html {
  if (items.length === 0) return html`<p class="empty">No incidents yet.</p>`;
  return html`<div class="scroll">
    <table>
      <thead>
        <tr>
          <th scope="col">Incident</th>
          <th scope="col">Alerts</th>
          <th scope="col">Storm</th>
          <th scope="col">Investigation</th>
          <th scope="col">Last activity</th>
        </tr>
      </thead>
      <tbody>
        ${items.map(
          (i) =>
            html`<tr>
              <td><a href="${pathTo('incidents', i.id)}">${i.id}</a></td>
              <td class="num">${i.alert_count}</td>
              <td>${i.storm ? 'yes' : 'no'}</td>
              <td>${i.primary_alert ? alertLink(i.primary_alert, i.primary_alert) : '–'}</td>
              <td>${new Date(i.updated_at).toISOString()}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

export function incidentPage(incident: { id: string; correlation_key: string; storm: boolean }, alerts: AlertListItem[]): Html {
  return html`<p>
      Correlated on <code>${incident.correlation_key}</code>${incident.storm ? ' (alert storm)' : ''}.
      <a href="${pathTo('v1', 'reports', 'incidents', incident.id)}?format=html">Incident report</a>
    </p>
    ${alertTable(alerts, 'No alerts recorded for this incident yet.')}`;
}
