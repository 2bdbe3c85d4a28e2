// Delivers a stored report where the policy says: one e-mail to its recipients (HTML body,
// the report attached) and the report as a file in each Slack channel. Each target is one
// side effect under an intent (store/intents.ts) keyed by the delivery's key: a retried
// activity or a restarted worker skips what was sent, and a target whose earlier attempt may
// have sent (pending intent, or an answer lost after the message was handed over) is recorded
// as unknown and not sent again. A channel the policy names but configuration lacks fails the
// delivery before anything is sent.
import { ApplicationFailure, log } from '@temporalio/activity';
import { MailError } from '../connectors/delivery/smtp-mailer';
import { SlackShareUnknown } from '../connectors/slack/file-upload';
import { SlackApiError } from '../connectors/slack/web-api';
import { REPORT_MEDIA_TYPES, type ReportFormat } from '../reports/render';
import { getEvidence } from '../store/evidence';
import { claimIntent, NOT_REPEATED, releaseIntent, settleIntent } from '../store/intents';
import type { ActivityDeps } from './deps';

export interface DeliverReportInput {
  /** What makes the delivery one: the run that produced the report. */
  key: string;
  title: string;
  /** The report as stored in its format, and its HTML (an e-mail's body). */
  report: { sha256: string; format: ReportFormat };
  htmlSha256: string;
  email: string[];
  slackChannels: string[];
}

export interface DeliveryOutcome {
  channel: 'email' | 'slack';
  target: string;
  /** sent now; sent earlier (a retry found it done); unknown (an earlier attempt may have sent it: not repeated). */
  outcome: 'sent' | 'sent earlier' | 'unknown';
  detail?: string;
}

const KIND = 'report-delivery';
const intentKey = (input: DeliverReportInput, channel: string, target = '') =>
  `${KIND}:${input.key}:${channel}${target ? `:${target}` : ''}`;
/** A file name from the title: letters, digits and dashes. */
export const reportFileName = (title: string, format: ReportFormat) =>
  `${title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}.${format}`;

export async function deliverReport(deps: ActivityDeps, input: DeliverReportInput): Promise<DeliveryOutcome[]> {
  const { mailer, slackFiles } = deps.reportChannels ?? {};
  const missing = [
    ...(input.email.length && !mailer ? ['e-mail (AUTOSOC_SMTP_URL, AUTOSOC_SMTP_FROM)'] : []),
    ...(input.slackChannels.length && !slackFiles ? ['Slack (AUTOSOC_SLACK_BOT_TOKEN)'] : []),
  ];
  if (missing.length)
    throw ApplicationFailure.nonRetryable(
      `the policy delivers reports by ${missing.join(' and ')}, which is not configured`,
      'NotConfigured',
    );
  const [report, html] = await Promise.all([getEvidence(deps.db, input.report.sha256), getEvidence(deps.db, input.htmlSha256)]);
  if (!report || !html)
    throw ApplicationFailure.nonRetryable(`report ${input.report.sha256} or its HTML is not in the evidence store`, 'BadInput');
  const filename = reportFileName(input.title, input.report.format);
  const contentType = REPORT_MEDIA_TYPES[input.report.format];

  const out: DeliveryOutcome[] = [];
  if (input.email.length && mailer) {
    const key = intentKey(input, 'email');
    out.push({
      channel: 'email',
      target: input.email.join(', '),
      ...(await once(deps, key, async () => {
        const sent = await mailer.send({
          key,
          to: input.email,
          subject: input.title,
          html: html.toString('utf8'),
          text: `${input.title}: the report is attached (${filename}).`,
          attachments: [{ filename, contentType, content: report }],
        });
        return `${sent.messageId}; accepted ${sent.accepted.length}, rejected ${sent.rejected.length}`;
      })),
    });
  }
  for (const channel of slackFiles ? input.slackChannels : []) {
    out.push({
      channel: 'slack',
      target: channel,
      ...(await once(deps, intentKey(input, 'slack', channel), async () => {
        const { fileId } = await slackFiles!.upload({ channelId: channel, filename, title: input.title, contentType, content: report });
        return fileId;
      })),
    });
  }
  return out;
}

/** One side effect under its intent; what the attempt (or an earlier one) achieved. */
async function once(deps: ActivityDeps, key: string, send: () => Promise<string>): Promise<Pick<DeliveryOutcome, 'outcome' | 'detail'>> {
  const claim = await claimIntent(deps.db, key, KIND);
  if (!claim.fresh) {
    if (claim.state === 'done') return { outcome: 'sent earlier', ...(claim.detail ? { detail: claim.detail } : {}) };
    if (claim.state === 'pending') await settleIntent(deps.db, key, 'unknown', NOT_REPEATED);
    return { outcome: 'unknown', detail: claim.state === 'pending' ? NOT_REPEATED : (claim.detail ?? NOT_REPEATED) };
  }
  let detail: string;
  try {
    detail = await send();
  } catch (err) {
    if ((err instanceof MailError && err.handedOver) || err instanceof SlackShareUnknown) {
      await settleIntent(deps.db, key, 'unknown', err.message);
      log.warn('report delivery may have happened; not repeated', { key, error: err.message });
      return { outcome: 'unknown', detail: err.message };
    }
    await releaseIntent(deps.db, key);
    const refused = (err instanceof MailError || err instanceof SlackApiError) && !err.retryable;
    if (refused) throw ApplicationFailure.nonRetryable(err.message, 'DeliveryRefused');
    throw err;
  }
  await settleIntent(deps.db, key, 'done', detail);
  return { outcome: 'sent', detail };
}
