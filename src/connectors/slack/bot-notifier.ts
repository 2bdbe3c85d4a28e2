// Escalations posted by autosoc's Slack app (a bot token), with Approve / Close buttons that
// come back to the API's /v1/slack/interactions. The message's channel and ts are kept so the
// outcome can be written onto it. An error Slack says retrying cannot fix fails the channel
// for this escalation (NotifierRejected) instead of holding up the alert.
import type { Pool } from 'pg';
import { saveSlackMessage } from '../../store/slack';
import { type Notifier, NotifierRejected } from '../notifier';
import { escalationMessage } from './blocks';
import { SlackApiError, type SlackWebApi } from './web-api';

export function slackBotNotifier(opts: { db: Pool; api: SlackWebApi; channel: string }): Notifier {
  return {
    channel: 'slack-app',
    async send(n, idempotencyKey) {
      try {
        const posted = await opts.api.postMessage(opts.channel, escalationMessage(n));
        await saveSlackMessage(opts.db, { workflowId: n.workflowId, eventKey: idempotencyKey, channel: posted.channel, ts: posted.ts });
      } catch (err) {
        if (err instanceof SlackApiError && !err.retryable) throw new NotifierRejected(err.message);
        throw err;
      }
    },
  };
}
