// Analyst commands: what is pending, one alert in detail, and decisions. Decisions go through
// the API's `decide` route, so they take the same Update, role checks and audit as any caller.
import { type Command, InvalidArgumentError } from 'commander';
import type { AlertDetail, PendingAlert, RecentAlert } from '../api/analyst-routes';
import { DECISION_ACTIONS, type DecisionAction } from '../domain/decision';
import type { AlertStatus } from '../domain/alert-status';
import { alertPath, ApiClient } from './api-client';
import { type CliIo, type GlobalOptions, printJson } from './io';
import { cell, renderTable } from './table';

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

const globals = (cmd: Command) => cmd.optsWithGlobals<GlobalOptions>();

function printPending(io: CliIo, alerts: PendingAlert[]) {
  if (alerts.length === 0) {
    io.stdout('no alerts are awaiting an analyst\n');
    return;
  }
  io.stdout(
    renderTable<PendingAlert>(
      [
        { header: 'WORKFLOW ID', value: (a) => a.workflowId, max: 100 },
        { header: 'SEVERITY', value: (a) => a.severity },
        { header: 'SCORE', value: (a) => a.score },
        { header: 'VERDICT', value: (a) => a.verdict },
        { header: 'TIER', value: (a) => a.tier },
        // Until someone is assigned, the alert sits with its tier: the Assignee search attribute says so too.
        { header: 'ASSIGNEE', value: (a) => a.assignee ?? a.tier, max: 32 },
        { header: 'OPENED', value: (a) => a.openedAt.slice(0, 19).replace('T', ' ') },
        { header: 'TITLE', value: (a) => a.title, max: 72 },
      ],
      alerts,
    ),
  );
}

/** Text lines that came from elsewhere (a report), printed without control characters. */
const safeText = (text: string) =>
  text
    .split('\n')
    .map((l) => cell(l.replace(/\t/g, '  '), 100_000))
    .join('\n');

function printDetail(io: CliIo, d: AlertDetail, withReport: boolean) {
  const s = d.status as AlertStatus | null;
  const rows: [string, unknown][] = [
    ['Alert', d.workflowId],
    ['Title', d.alert?.title],
    ['Source', d.alert && `${d.alert.source} / ${d.alert.sourceId}`],
    ['Severity', s?.severity ?? d.alert?.severity],
    ['Score', s?.score === undefined ? undefined : `${s.score} (${s.verdict ?? '-'}, confidence ${s.confidence ?? '-'})`],
    ['Disposition', s?.disposition],
    ['Stage', s?.stage],
    ['Execution', d.execution],
    ['Tier', s?.tier ?? d.case?.tier],
    ['Assignee', d.case?.assignee],
    [
      'Approvals',
      s?.approvalsNeeded === undefined
        ? undefined
        : `${(s.approvals ?? []).join(', ') || 'none'} (${(s.approvals ?? []).length}/${s.approvalsNeeded})`,
    ],
    ['Proposed', d.case?.proposedActions.join(', ') || undefined],
    ['Case', d.case && `#${d.case.id} ${d.case.status}${d.case.resolution ? ` (${d.case.resolution} by ${d.case.closedBy})` : ''}`],
    ['Outcome', s?.outcome],
    ['Assessment', s?.assessment && `${s.assessment.summary} [${s.assessment.author}]`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  io.stdout(rows.map(([k, v]) => `${k.padEnd(width)}  ${cell(v, 200)}`).join('\n') + '\n');
  if (s?.reasons.length) io.stdout(`\nReasons\n${s.reasons.map((r) => `  - ${cell(r, 200)}`).join('\n')}\n`);
  io.stdout('\nAudit trail\n');
  io.stdout(
    d.audit.length === 0
      ? '  (empty)\n'
      : renderTable(
          [
            { header: 'STEP', value: (a: AlertDetail['audit'][number]) => a.step, max: 32 },
            { header: 'ACTION', value: (a) => a.action },
            { header: 'ACTOR', value: (a) => a.actor, max: 40 },
            { header: 'REASON', value: (a) => a.reason, max: 80 },
          ],
          d.audit,
        ),
  );
  if (d.evidence.length) {
    io.stdout('\nEvidence\n');
    io.stdout(
      renderTable(
        [
          { header: 'SHA256', value: (e: AlertDetail['evidence'][number]) => e.sha256, max: 64 },
          { header: 'KIND', value: (e) => e.kind },
          { header: 'TYPE', value: (e) => e.mediaType },
          { header: 'BYTES', value: (e) => e.sizeBytes },
        ],
        d.evidence,
      ),
    );
  }
  if (d.report) {
    io.stdout(
      withReport
        ? `\nReport #${d.report.id}\n${safeText(d.report.body)}\n`
        : `\nReport #${d.report.id}: ${d.report.body.length} characters (--report prints it)\n`,
    );
  }
}

async function decide(
  io: CliIo,
  cmd: Command,
  workflowId: string,
  body: { action: DecisionAction; reason?: string; assignee?: string; falsePositive?: boolean; actions?: string[]; addActions?: string[] },
) {
  const opts = globals(cmd);
  const api = ApiClient.from(opts, io);
  const res = await api.post<{ status: AlertStatus }>(alertPath(workflowId, '/decide'), body);
  // The Update answers once the decision is recorded, before the workflow acts on it: for a
  // decision that ends the wait, report the stage the alert moves on to, not the one it leaves.
  if (endsTheWait(body.action, res.status)) res.status = await stageAfterWait(api, workflowId, res.status);
  if (opts.json) return printJson(io, res);
  const s = res.status;
  const parts = [`stage ${s.stage}`];
  if (s.approvalsNeeded !== undefined && body.action === 'approve')
    parts.push(`approvals ${(s.approvals ?? []).length}/${s.approvalsNeeded}`);
  if (s.decision) parts.push(`decided: ${s.decision.action} by ${cell(s.decision.actor, 64)}`);
  if (s.outcome) parts.push(`outcome ${s.outcome}`);
  io.stdout(`${body.action} accepted for ${cell(workflowId, 200)} (${parts.join('; ')})\n`);
}

function endsTheWait(action: DecisionAction, s: AlertStatus): boolean {
  if (s.stage !== 'awaiting_analyst') return false;
  if (action === 'close') return true;
  return action === 'approve' && (s.approvals ?? []).length >= (s.approvalsNeeded ?? 1);
}

/** The alert's status once it has left awaiting_analyst (asks every 200 ms, for up to 15 s). */
async function stageAfterWait(api: ApiClient, workflowId: string, last: AlertStatus): Promise<AlertStatus> {
  for (let i = 0; i < 75; i++) {
    await new Promise((r) => setTimeout(r, 200));
    const detail = await api.get<AlertDetail>(alertPath(workflowId));
    const s = detail.status as AlertStatus | null;
    if (s && s.stage !== 'awaiting_analyst') return s;
  }
  return last;
}

export function registerAlertCommands(program: Command, io: CliIo): void {
  program
    .command('pending')
    .description('alerts awaiting an analyst, most severe first')
    .option('--limit <n>', 'at most this many', positiveInt, 50)
    .action(async (options: { limit: number }, cmd: Command) => {
      const res = await ApiClient.from(globals(cmd), io).get<{ alerts: PendingAlert[] }>(`/v1/alerts/pending?limit=${options.limit}`);
      if (globals(cmd).json) printJson(io, res);
      else printPending(io, res.alerts);
    });

  program
    .command('recent')
    .description('the newest alerts and what became of them (auto-closed, awaiting an analyst, …)')
    .option('--limit <n>', 'at most this many', positiveInt, 20)
    .action(async (options: { limit: number }, cmd: Command) => {
      const res = await ApiClient.from(globals(cmd), io).get<{ alerts: RecentAlert[] }>(`/v1/alerts/recent?limit=${options.limit}`);
      if (globals(cmd).json) return printJson(io, res);
      if (res.alerts.length === 0) return io.stdout('no alerts yet\n');
      io.stdout(
        renderTable<RecentAlert>(
          [
            { header: 'RECEIVED', value: (a) => a.receivedAt },
            { header: 'WORKFLOW ID', value: (a) => a.workflowId, max: 100 },
            { header: 'SEVERITY', value: (a) => a.severity },
            { header: 'SCORE', value: (a) => a.score },
            { header: 'VERDICT', value: (a) => a.verdict },
            { header: 'STATE', value: (a) => a.state },
            { header: 'TITLE', value: (a) => a.title, max: 80 },
          ],
          res.alerts,
        ),
      );
    });

  program
    .command('show <workflowId>')
    .description('one alert: live status, case, audit trail, evidence, report')
    .option('--report', 'print the report body')
    .action(async (workflowId: string, options: { report?: boolean }, cmd: Command) => {
      const res = await ApiClient.from(globals(cmd), io).get<AlertDetail>(alertPath(workflowId));
      if (globals(cmd).json) printJson(io, res);
      else printDetail(io, res, options.report === true);
    });

  program
    .command('approve <workflowId>')
    .description('approve the proposed response (containment runs once the quorum is met)')
    .requiredOption('--reason <text>', 'why')
    .option(
      '--action <kind:target...>',
      'approve only these proposed (or added) actions (as `autosoc show` lists them); default: all proposed',
    )
    .option(
      '--add <kind:target...>',
      "add actions to the proposal, on the alert's own entities (its host, hash, user…); approves only what it adds unless --action names more",
    )
    .action((workflowId: string, o: { reason: string; action?: string[]; add?: string[] }, cmd: Command) =>
      decide(io, cmd, workflowId, {
        action: 'approve',
        reason: o.reason,
        ...(o.action?.length ? { actions: o.action } : {}),
        ...(o.add?.length ? { addActions: o.add } : {}),
      }),
    );

  program
    .command('close <workflowId>')
    .description('close the alert without response; on a contained alert inside its review window, --false-positive undoes the containment')
    .requiredOption('--reason <text>', 'why')
    .option('--false-positive', 'the alert was a false positive (feeds tuning suggestions)')
    .action((workflowId: string, o: { reason: string; falsePositive?: boolean }, cmd: Command) =>
      decide(io, cmd, workflowId, { action: 'close', reason: o.reason, ...(o.falsePositive ? { falsePositive: true } : {}) }),
    );

  program
    .command('escalate <workflowId>')
    .description('hand the alert to the next tier (and ask for containment)')
    .requiredOption('--reason <text>', 'why')
    .action((workflowId: string, o: { reason: string }, cmd: Command) =>
      decide(io, cmd, workflowId, { action: 'escalate', reason: o.reason }),
    );

  program
    .command('assign <workflowId> <assignee>')
    .description('assign the alert to an analyst')
    .option('--reason <text>', 'why')
    .action((workflowId: string, assignee: string, o: { reason?: string }, cmd: Command) =>
      decide(io, cmd, workflowId, { action: 'assign', assignee, ...(o.reason ? { reason: o.reason } : {}) }),
    );

  program
    .command('decision')
    .description('decisions for other clients (the Temporal CLI)')
    .command('sign <workflowId>')
    .description("print a decision signed by autosoc as this token's holder, for `temporal workflow update execute --name decide --input`")
    .requiredOption('--action <action>', DECISION_ACTIONS.join(', '), (v: string) => {
      if (!(DECISION_ACTIONS as readonly string[]).includes(v))
        throw new InvalidArgumentError(`expected one of ${DECISION_ACTIONS.join(', ')}`);
      return v as DecisionAction;
    })
    .option('--reason <text>', 'why (required except for assign)')
    .option('--assignee <name>', 'assign: who takes the alert')
    .option('--false-positive', 'close: the alert was a false positive')
    .action(
      async (
        workflowId: string,
        o: { action: DecisionAction; reason?: string; assignee?: string; falsePositive?: boolean },
        cmd: Command,
      ) => {
        // Actor and roles come from the token; the API signs, valid for 5 minutes and once.
        const signed = await ApiClient.from(globals(cmd), io).post<unknown>(alertPath(workflowId, '/signed-decision'), {
          action: o.action,
          ...(o.reason ? { reason: o.reason } : {}),
          ...(o.assignee ? { assignee: o.assignee } : {}),
          ...(o.falsePositive ? { falsePositive: true } : {}),
        });
        io.stdout(`${JSON.stringify(signed)}\n`);
      },
    );

  program
    .command('comment <workflowId> <text>')
    .description('add a comment to the audit trail')
    .action((workflowId: string, text: string, _o: unknown, cmd: Command) =>
      decide(io, cmd, workflowId, { action: 'comment', reason: text }),
    );
}
