// The queue: alerts awaiting an analyst, soonest SLA deadline first, then risk. The rows
// refresh by polling /queue/rows (console.js) with the same filters.
import { SEVERITIES } from '../../domain/alert';
import { type Html, html } from '../html';
import type { QueueFilters, QueueItem } from '../../store/console-queries';
import { alertLink, score, severityBadge, timeLeft } from './parts';

const list = (values: string[]) =>
  values.length ? values.slice(0, 3).join(', ') + (values.length > 3 ? ` +${values.length - 3}` : '') : '–';

export function queueRows(items: QueueItem[], nowMs: number): Html {
  if (items.length === 0)
    return html`<tr>
      <td colspan="9" class="empty">Nothing awaits an analyst.</td>
    </tr>`;
  return html`${items.map((i) => {
    const overdue = i.deadline !== null && i.deadline.getTime() < nowMs;
    return html`<tr data-workflow-id="${i.workflowId}">
      <td class="title">${alertLink(i.workflowId, i.title)}</td>
      <td>${severityBadge(i.severity)}</td>
      <td class="num">${score(i.score)}</td>
      <td>${i.verdict ?? '–'}</td>
      <td>${i.source}</td>
      <td>${list(i.hosts)} / ${list(i.users)}</td>
      <td>${i.tier}</td>
      <td>${i.assignee ?? '–'}</td>
      <td class="${overdue ? 'overdue' : ''}">${timeLeft(i.deadline, nowMs)}</td>
    </tr>`;
  })}`;
}

export function queuePage(items: QueueItem[], f: QueueFilters, sources: string[], nowMs: number, rowsUrl: string): Html {
  const option = (value: string, selected: string | undefined, label = value) =>
    html`<option value="${value}" ${value === (selected ?? '') ? html` selected` : ''}>${label}</option>`;
  return html`<form class="filters" method="get" action="/" role="search" aria-label="Filter the queue">
      <label
        >Severity
        <select name="severity">
          ${option('', f.severity, 'any')}${SEVERITIES.map((s) => option(s, f.severity))}
        </select></label
      >
      <label
        >Source
        <select name="source">
          ${option('', f.source, 'any')}${sources.map((s) => option(s, f.source))}
        </select></label
      >
      <label>Tier or assignee <input name="assignee" value="${f.assignee ?? ''}" size="12" /></label>
      <label>Text <input name="q" type="search" value="${f.q ?? ''}" size="16" placeholder="title, host, user…" /></label>
      <button type="submit">Filter</button>
    </form>
    <p class="hint" id="queue-status" role="status" aria-live="polite">${items.length} awaiting an analyst; updates every 10 s.</p>
    <div class="scroll">
      <table class="queue">
        <caption class="visually-hidden">
          Alerts awaiting an analyst, soonest SLA deadline first
        </caption>
        <thead>
          <tr>
            <th scope="col">Alert</th>
            <th scope="col">Severity</th>
            <th scope="col">Score</th>
            <th scope="col">Verdict</th>
            <th scope="col">Source</th>
            <th scope="col">Host / user</th>
            <th scope="col">Tier</th>
            <th scope="col">Assignee</th>
            <th scope="col">Time left</th>
          </tr>
        </thead>
        <tbody id="queue-rows" data-poll="${rowsUrl}">
          ${queueRows(items, nowMs)}
        </tbody>
      </table>
    </div>`;
}
