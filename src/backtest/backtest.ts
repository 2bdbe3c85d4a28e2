// Backtest: analysis and triage of a folder of alerts, offline (no Temporal, no database,
// no network), through the same normalizers, analyzers, scoring and disposition code the
// workflow uses. How an engineer tries a policy change before deploying it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import type { Alert } from '../domain/alert';
import { extractObservables } from '../domain/observables';
import { triageContext } from '../domain/org-context';
import type { TriagePolicy } from '../domain/policy';
import { finalDisposition, proposeResponse } from '../domain/response';
import { scoreAlert, type Disposition, type Verdict } from '../domain/scoring';
import type { AlertFormat, PendingEvidence } from '../ingest/formats/types';
import { BodyError, normalizeBody } from '../ingest/normalize';
import type { InvestigationPlan } from '../investigation/investigate';
import { runInvestigation } from '../investigation/investigate';
import { memoryInvestigationStore } from '../investigation/store';

export interface BacktestRow {
  file: string;
  format: AlertFormat | 'unknown';
  disposition: Disposition | 'rejected';
  verdict?: Verdict;
  score?: number;
  reasons: string[];
  /** Alerts in the file (NDJSON, CEF logs hold several); the row shows the riskiest. */
  alerts?: number;
  error?: string;
}

const EXTENSIONS: Record<string, AlertFormat | undefined> = {
  '.json': undefined,
  '.ndjson': undefined,
  '.cef': 'cef',
  '.log': 'cef',
  '.eml': 'eml',
};

export function listInputs(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const st = statSync(path);
      if (st.isDirectory() && depth < 8) walk(path, depth + 1);
      else if (st.isFile() && extname(name).toLowerCase() in EXTENSIONS) out.push(path);
    }
  };
  if (statSync(folder).isFile()) return [folder];
  walk(folder, 0);
  return out;
}

/** Triage one normalized alert exactly as the workflow would, minus the I/O. */
export async function triageOffline(alert: Alert, pending: PendingEvidence[], policy: TriagePolicy, plan: InvestigationPlan) {
  const store = memoryInvestigationStore();
  const refs = [];
  for (const blob of pending) refs.push(await store.put(blob));
  const withEvidence = { ...alert, evidence: [...alert.evidence, ...refs] };
  const observables = extractObservables(withEvidence);
  const findings = await runInvestigation(
    store,
    plan,
    { observables, processes: alert.observables.processes, files: alert.observables.files },
    withEvidence.evidence,
  );
  const t = scoreAlert(alert.severity, findings, policy, observables, triageContext(alert));
  return { ...t, disposition: finalDisposition(t, proposeResponse(observables, t.verdict), policy), findings };
}

export async function backtestFile(path: string, root: string, policy: TriagePolicy, plan: InvestigationPlan): Promise<BacktestRow> {
  const file = relative(root, path) || path;
  const format = EXTENSIONS[extname(path).toLowerCase()];
  let items;
  try {
    items = await normalizeBody(readFileSync(path), { format, receivedAt: new Date().toISOString() });
  } catch (err) {
    const message = err instanceof BodyError ? err.message : `unreadable: ${(err as Error).message}`;
    return { file, format: format ?? 'unknown', disposition: 'rejected', reasons: [], error: message };
  }
  const ok = items.filter((i) => i.ok);
  if (ok.length === 0) {
    const first = items.find((i) => !i.ok);
    return {
      file,
      format: items[0]?.format ?? format ?? 'unknown',
      disposition: 'rejected',
      reasons: [],
      error: first && !first.ok ? first.error : 'no alerts',
    };
  }
  let best: BacktestRow | undefined;
  for (const item of ok) {
    const t = await triageOffline(item.alert, item.evidence, policy, plan);
    if (!best || (t.score ?? 0) > (best.score ?? 0)) {
      best = {
        file,
        format: item.format,
        disposition: t.disposition,
        verdict: t.verdict,
        score: t.score,
        reasons: t.reasons,
        alerts: ok.length,
      };
    }
  }
  return best!;
}

export async function backtest(folder: string, policy: TriagePolicy, plan: InvestigationPlan): Promise<BacktestRow[]> {
  const rows: BacktestRow[] = [];
  for (const path of listInputs(folder)) rows.push(await backtestFile(path, folder, policy, plan));
  return rows;
}

export function totals(rows: BacktestRow[]): Record<BacktestRow['disposition'], number> {
  const t = { auto_close: 0, escalate: 0, auto_respond: 0, rejected: 0 };
  for (const r of rows) t[r.disposition] += 1;
  return t;
}

/** A readable table: file, disposition, verdict, score, top reasons; then totals. */
export function renderTable(rows: BacktestRow[]): string {
  const top = (r: BacktestRow) =>
    r.error ??
    r.reasons
      .filter((x) => !/sets the base score|needs an analyst|below the auto-close/.test(x))
      .slice(0, 2)
      .join(' | ');
  const cells = rows.map((r) => [r.file, r.format, r.disposition, r.verdict ?? '-', r.score === undefined ? '-' : String(r.score), top(r)]);
  const head = ['FILE', 'FORMAT', 'DISPOSITION', 'VERDICT', 'SCORE', 'TOP REASONS'];
  const widths = head.map((h, i) => Math.min(i === 0 ? 60 : 40, Math.max(h.length, ...cells.map((c) => c[i].length))));
  const line = (c: string[]) => c.map((v, i) => (i === c.length - 1 ? v : v.slice(0, widths[i]).padEnd(widths[i]))).join('  ');
  const t = totals(rows);
  return [
    line(head),
    ...cells.map(line),
    '',
    `${rows.length} files: ${t.escalate} escalate, ${t.auto_close} auto_close, ${t.auto_respond} auto_respond, ${t.rejected} rejected`,
  ].join('\n');
}
