// Small pieces several pages share: badges, durations, alert tables.
import { type Html, html, pathTo } from '../html';
import type { AlertListItem } from '../../store/console-queries';

export const severityBadge = (severity: string) =>
  html`<span class="sev sev-${/^[a-z]+$/.test(severity) ? severity : 'unknown'}">${severity}</span>`;

export const score = (s: number | null) => (s === null ? '–' : String(s));

/** "2h 05m left" or "overdue by 12m": coarse enough to read at a glance. */
export function timeLeft(deadline: Date | null, nowMs: number): string {
  if (!deadline) return 'no SLA';
  const ms = deadline.getTime() - nowMs;
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const text = minutes >= 60 ? `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m` : `${minutes}m`;
  return ms >= 0 ? `${text} left` : `overdue by ${text}`;
}

export const alertLink = (workflowId: string, label: string | Html) => html`<a href="${pathTo('alerts', workflowId)}">${label}</a>`;

export function alertTable(alerts: AlertListItem[], empty: string): Html {
  if (alerts.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<div class="scroll">
    <table>
      <thead>
        <tr>
          <th scope="col">Alert</th>
          <th scope="col">Severity</th>
          <th scope="col">Score</th>
          <th scope="col">Verdict</th>
          <th scope="col">Source</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        ${alerts.map(
          (a) =>
            html`<tr>
              <td>${alertLink(a.workflow_id, a.title)}</td>
              <td>${severityBadge(a.severity)}</td>
              <td>${score(a.score)}</td>
              <td>${a.verdict ?? '–'}</td>
              <td>${a.source}</td>
              <td>${a.status}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}
