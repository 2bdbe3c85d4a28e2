// The Block Kit messages autosoc posts (Block Kit reference: "section", "actions", "button",
// "context"): an escalation with its reasons and Approve / Close buttons, and the same message
// once decided, its buttons replaced by the outcome. Every untrusted string is escaped.
import type { Notification } from '../notifier';
import type { SlackMessage } from './web-api';
import { escapeMrkdwn } from './mrkdwn';

export const APPROVE_ACTION = 'autosoc_approve';
export const CLOSE_ACTION = 'autosoc_close';
/** Slack allows 50 blocks per message; reasons beyond this many are summarised. */
const MAX_REASONS = 10;

function header(n: Notification): unknown[] {
  const title = `:rotating_light: *${escapeMrkdwn(n.severity, 20)} alert escalated to ${escapeMrkdwn(n.tier, 64)}:* ${escapeMrkdwn(n.title, 500)}`;
  const facts = `score ${n.score ?? '-'} (${escapeMrkdwn(n.verdict ?? '-', 40)}) · \`${escapeMrkdwn(n.workflowId, 300)}\``;
  const reasons = n.reasons ?? [];
  const listed = reasons.slice(0, MAX_REASONS).map((r) => `• ${escapeMrkdwn(r, 250)}`);
  if (reasons.length > MAX_REASONS) listed.push(`…and ${reasons.length - MAX_REASONS} more`);
  return [
    { type: 'section', text: { type: 'mrkdwn', text: `${title}\n${facts}` } },
    ...(listed.length ? [{ type: 'section', text: { type: 'mrkdwn', text: `*Why*\n${listed.join('\n')}` } }] : []),
    ...(n.summary ? [{ type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(n.summary, 2900) } }] : []),
  ];
}

/** The escalation, with buttons whose value is the alert's workflow id. */
export function escalationMessage(n: Notification): SlackMessage {
  const buttons: unknown[] = [
    { type: 'button', action_id: APPROVE_ACTION, style: 'primary', text: { type: 'plain_text', text: 'Approve' }, value: n.workflowId },
    { type: 'button', action_id: CLOSE_ACTION, style: 'danger', text: { type: 'plain_text', text: 'Close' }, value: n.workflowId },
  ];
  if (n.link)
    buttons.push({ type: 'button', action_id: 'autosoc_open', text: { type: 'plain_text', text: 'Open in Temporal' }, url: n.link });
  return {
    text: `${n.severity} alert escalated to ${n.tier}: ${escapeMrkdwn(n.title, 500)}`,
    blocks: [...header(n), { type: 'actions', block_id: 'autosoc_decision', elements: buttons }],
  };
}

/**
 * The message after a click: the original blocks (as Slack sent them back), the buttons kept
 * only while more approvals are needed, and a line saying who did what.
 */
export function outcomeMessage(original: { text?: string; blocks?: unknown[] }, outcome: string, final: boolean): SlackMessage {
  const blocks = (original.blocks ?? []).filter((b) => !(final && (b as { type?: string }).type === 'actions'));
  return {
    text: `${original.text ?? 'autosoc alert'} — ${outcome}`,
    blocks: [...blocks.slice(0, 48), { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(outcome, 2900) }] }],
  };
}
