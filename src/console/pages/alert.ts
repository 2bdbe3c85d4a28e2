// One alert: what it is, why triage judged it so, what each analyzer found (with evidence
// lines), its observables (each a search for the alerts sharing it), incident, assessment,
// report, audit trail, and the decision forms (console.js posts them to the API's decide).
import type { AuthoredAssessment } from '../../assessment/assessment';
import type { Finding } from '../../domain/finding';
import type { ObservableSet } from '../../domain/observables';
import type { AlertCaseRow } from '../../store/alert-cases';
import type { AlertRow } from '../../store/alerts';
import type { DecisionRow } from '../../store/decisions';
import type { AlertStatus } from '../../domain/alert-status';
import { type Html, html, pathTo } from '../html';
import { score, severityBadge } from './parts';

export interface AlertPageData {
  workflowId: string;
  alert: AlertRow;
  caseRow?: AlertCaseRow;
  status: AlertStatus | null;
  execution: string | null;
  assessment?: AuthoredAssessment;
  audit: DecisionRow[];
  temporalUiLink?: string;
}

const OBSERVABLE_KINDS: { key: keyof ObservableSet; label: string }[] = [
  { key: 'hosts', label: 'Hosts' },
  { key: 'users', label: 'Users' },
  { key: 'ips', label: 'IPs' },
  { key: 'domains', label: 'Domains' },
  { key: 'urls', label: 'URLs' },
  { key: 'hashes', label: 'Hashes' },
  { key: 'emails', label: 'E-mail' },
  { key: 'commandLines', label: 'Command lines' },
];

const searchLink = (value: string) => html`<a href="/search?observable=${encodeURIComponent(value)}">${value}</a>`;

function observables(set: ObservableSet | null): Html {
  const kinds = OBSERVABLE_KINDS.filter((k) => (set?.[k.key]?.length ?? 0) > 0);
  if (!set || kinds.length === 0) return html`<p class="empty">No observables.</p>`;
  return html`<dl class="observables">
    ${kinds.map(
      (k) =>
        html`<dt>${k.label}</dt>
          <dd>
            <ul>
              ${set[k.key].map((v) => html`<li>${searchLink(v)}</li>`)}
            </ul>
          </dd>`,
    )}
  </dl>`;
}

function findings(list: Finding[]): Html {
  if (list.length === 0) return html`<p class="empty">No findings yet.</p>`;
  const ordered = [...list].sort((a, b) => b.score - a.score);
  return html`<ul class="findings">
    ${ordered.map(
      (f) =>
        html`<li class="finding verdict-${f.verdict}">
          <p>
            <strong>${f.analyzer}</strong> · ${f.verdict} · score
            ${f.score}${f.error ? html` · <span class="error">failed: ${f.error}</span>` : ''}
          </p>
          <p>${f.summary}</p>
          ${
            f.evidence.length
              ? html`<ul class="evidence">
                  ${f.evidence.map((e) => html`<li><code>${e}</code></li>`)}
                </ul>`
              : ''
          }
          ${f.attack.length ? html`<p class="attack">ATT&amp;CK: ${f.attack.join(', ')}</p>` : ''}
        </li>`,
    )}
  </ul>`;
}

function auditTrail(rows: DecisionRow[]): Html {
  if (rows.length === 0) return html`<p class="empty">Nothing recorded yet.</p>`;
  return html`<ol class="audit">
    ${rows.map((r) => html`<li><strong>${r.action}</strong> by ${r.actor} <span class="step">(${r.step})</span>${r.reason ? html`: ${r.reason}` : ''}</li>`)}
  </ol>`;
}

/** The decision forms, only while the case is open and the run can take a decision. */
function actions(d: AlertPageData): Html {
  const open = d.caseRow?.case_status === 'open' && d.execution === 'RUNNING';
  if (!open) {
    const c = d.caseRow;
    return c?.resolution
      ? html`<p class="outcome" id="outcome">
          Outcome: <strong>${c.resolution}</strong> by ${c.closed_by ?? '–'}${c.close_reason ? html` (${c.close_reason})` : ''}
        </p>`
      : html`<p class="empty">This alert takes no decisions (${d.status?.stage ?? d.execution ?? 'unknown'}).</p>`;
  }
  const proposed = d.caseRow?.proposed_actions ?? [];
  const approvals = d.status?.approvals ?? [];
  const textarea = (id: string, label: string, required = true) =>
    html`<label for="${id}">${label}</label
      ><textarea id="${id}" name="reason" rows="2" maxlength="4096" ${required ? html` required` : ''}></textarea>`;
  return html`<div class="decide" data-decide-url="${pathTo('v1', 'alerts', d.workflowId, 'decide')}">
    <p id="decision-result" role="status" aria-live="polite"></p>
    <form class="decision" data-action="approve">
      <fieldset>
        <legend>Approve proposed actions</legend>
        ${
          proposed.length
            ? html`<ul class="proposed">
                ${proposed.map((a, i) => html`<li><input type="checkbox" id="act-${i}" name="actions" value="${a}" checked /> <label for="act-${i}">${a}</label></li>`)}
              </ul>`
            : html`<p class="empty">No containment proposed.</p>`
        }
        <p class="hint">
          Approvals: ${approvals.length} of ${d.status?.approvalsNeeded ?? 1}${approvals.length ? html` (${approvals.join(', ')})` : ''}
        </p>
        ${textarea('approve-reason', 'Why')}
        <button type="submit">Approve selected</button>
      </fieldset>
    </form>
    <form class="decision" data-action="close">
      <fieldset>
        <legend>Close</legend>
        ${textarea('close-reason', 'Reason')}
        <p>
          <input type="checkbox" id="close-fp" name="falsePositive" value="true" />
          <label for="close-fp">False positive (suggests a tuning rule)</label>
        </p>
        <button type="submit">Close alert</button>
      </fieldset>
    </form>
    <form class="decision" data-action="assign">
      <fieldset>
        <legend>Assign</legend>
        <label for="assignee">Assignee</label><input id="assignee" name="assignee" maxlength="256" required />
        <button type="submit">Assign</button>
      </fieldset>
    </form>
    <form class="decision" data-action="comment">
      <fieldset>
        <legend>Comment</legend>
        ${textarea('comment-text', 'Comment')}<button type="submit">Add comment</button>
      </fieldset>
    </form>
    <form class="decision" data-action="escalate">
      <fieldset>
        <legend>Escalate to the next tier</legend>
        ${textarea('escalate-reason', 'Why')}<button type="submit">Escalate</button>
      </fieldset>
    </form>
  </div>`;
}

export function alertPage(d: AlertPageData): Html {
  const { alert: a, status: s, caseRow: c } = d;
  const reasons = s?.reasons.length ? s.reasons : (a.reasons ?? []);
  const incidentId = s?.incidentId ?? (a as AlertRow & { incident_id?: string | null }).incident_id ?? undefined;
  const assessment = d.assessment?.assessment;
  return html`<section class="summary" aria-label="Summary">
      <dl class="facts">
        <dt>Severity</dt>
        <dd>${severityBadge(a.severity)}</dd>
        <dt>Score</dt>
        <dd>${score(s?.score ?? a.score)}</dd>
        <dt>Verdict</dt>
        <dd>${s?.verdict ?? a.verdict ?? '–'}</dd>
        <dt>Source</dt>
        <dd>${a.source} · ${a.source_id}</dd>
        <dt>Stage</dt>
        <dd id="stage">${s?.stage ?? a.status}</dd>
        <dt>Tier / assignee</dt>
        <dd>${c?.tier ?? '–'} / ${c?.assignee ?? '–'}</dd>
        <dt>Incident</dt>
        <dd>${incidentId ? html`<a href="${pathTo('incidents', incidentId)}">${incidentId}</a>` : '–'}</dd>
        <dt>Workflow</dt>
        <dd>
          ${d.temporalUiLink ? html`<a href="${d.temporalUiLink}" rel="noopener noreferrer">${d.workflowId} in Temporal</a>` : d.workflowId}
        </dd>
        <dt>Report</dt>
        <dd>
          <a href="${pathTo('v1', 'reports', 'alerts', d.workflowId)}?format=html">HTML</a> ·
          <a href="${pathTo('v1', 'reports', 'alerts', d.workflowId)}?format=md">Markdown</a>
        </dd>
      </dl>
    </section>
    ${a.alert.description ? html`<p class="description">${a.alert.description}</p>` : ''}
    <section aria-labelledby="h-decide">
      <h2 id="h-decide">Decision</h2>
      ${actions(d)}
    </section>
    <section aria-labelledby="h-reasons">
      <h2 id="h-reasons">Why triage judged it so</h2>
      ${
        reasons.length
          ? html`<ul>
              ${reasons.map((r) => html`<li>${r}</li>`)}
            </ul>`
          : html`<p class="empty">Not triaged yet.</p>`
      }
    </section>
    <section aria-labelledby="h-assessment">
      <h2 id="h-assessment">Assessment</h2>
      ${
        assessment
          ? html`<p>${assessment.summary}</p>
              ${
                assessment.narrative.length
                  ? html`<ol>
                      ${assessment.narrative.map((n) => html`<li>${n}</li>`)}
                    </ol>`
                  : ''
              }
              ${
                assessment.recommendedActions.length
                  ? html`<p>Recommended:</p>
                      <ul>
                        ${assessment.recommendedActions.map((n) => html`<li>${n}</li>`)}
                      </ul>`
                  : ''
              }
              <p class="hint">By ${d.assessment!.author}; advisory only.</p>`
          : html`<p class="empty">No assessment.</p>`
      }
    </section>
    <section aria-labelledby="h-findings">
      <h2 id="h-findings">Findings</h2>
      ${findings(a.findings ?? [])}
    </section>
    <section aria-labelledby="h-observables">
      <h2 id="h-observables">Observables</h2>
      ${observables(s?.observables ?? a.observables)}
    </section>
    <section aria-labelledby="h-audit">
      <h2 id="h-audit">Audit trail</h2>
      ${auditTrail(d.audit)}
    </section>`;
}
